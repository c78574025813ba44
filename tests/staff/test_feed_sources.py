"""Admins manage the feed sources at /staff/feed-sources: list, add, change, turn on and off, check now."""

import datetime as dt
from pathlib import Path

import pytest
import responses
from freezegun import freeze_time
from sqlalchemy import select

from alerts.data import feeds as feed_data
from alerts.extensions import db
from alerts.models import AuditEvent, FeedSource, Role, WeatherWarning
from tests.staff.conftest import post_form

FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"
FEED_URL = "https://feeds.example.test/warnings/sw.xml"
SNOW_AND_ICE = "0c6b9a57-3f0e-4c8e-9f43-2d1e5b7a9c10"  # the winter fixture's warning that mentions Dorset


def make_source(**values) -> FeedSource:
    source = feed_data.create_feed_source(**{"name": "Met Office South West", "url": FEED_URL,
                                             "kind": feed_data.MET_OFFICE_WARNINGS, **values})
    db.session.commit()
    return source


def reload(source_id: int) -> FeedSource:
    db.session.expire_all()
    return db.session.get(FeedSource, source_id)


def audit_events() -> list[tuple[str, str | None, dict]]:
    db.session.expire_all()
    return [(e.action, e.target_id, e.details) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("feed_source.%")).order_by(AuditEvent.id))]


def card(page, source: FeedSource) -> dict[str, str]:
    rows = page.soup.select_one(f"#feed-source-{source.id}").select(".govuk-summary-list__row")
    return {row.dt.get_text(" ", strip=True): row.dd.get_text(" ", strip=True) for row in rows}


def test_the_list_shows_each_source_and_its_last_poll_with_any_error_clearly(client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    working = make_source(poll_interval_minutes=30)
    failing = make_source(name="Partner news", url="https://partner.example.test/news.atom", kind=feed_data.GENERIC)
    polled = dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC)
    feed_data.record_poll_success(working.id, etag=None, last_modified=None, entry_count=1234, now=polled)
    feed_data.record_poll_success(failing.id, etag=None, last_modified=None, entry_count=3, now=polled)
    feed_data.record_poll_failure(failing.id, "The feed answered with an HTML page, not RSS or Atom",
                                  polled + dt.timedelta(hours=1))
    db.session.commit()

    page = client_request.get("/staff/feed-sources")
    assert page.h1 == "Feed sources"
    assert card(page, working) == {
        "Status": "Working", "Kind": "Met Office weather warnings", "Web address": FEED_URL,
        "Checked every": "30 minutes", "Last checked": "6am on 7 December 2026",
        "Last read successfully": "6am on 7 December 2026", "Entries at last read": "1,234"}
    shown = card(page, failing)
    assert shown["Status"] == "Failing" and shown["Kind"] == "Other RSS or Atom feed"
    assert shown["Last error"].startswith("The feed answered with an HTML page, not RSS or Atom At 7am on 7 December")
    assert (shown["Last checked"], shown["Last read successfully"]) == ("7am on 7 December 2026",
                                                                        "6am on 7 December 2026")
    assert page.soup.select_one(f"#feed-source-{failing.id} .govuk-tag--red").get_text(strip=True) == "Failing"


def test_an_admin_adds_a_feed_source_and_it_is_audited(client_request, sign_in_as) -> None:
    admin = sign_in_as(Role.ADMIN)
    page = client_request.get("/staff/feed-sources/new")
    assert page.soup.select_one("#poll_interval_minutes")["value"] == "15"
    post_form(client_request, "/staff/feed-sources/new",
              {"name": " Partner news ", "url": "https://partner.example.test/news.atom", "kind": "generic",
               "poll_interval_minutes": "60"}, token_from="/staff/feed-sources/new")
    [source] = db.session.scalars(select(FeedSource))
    assert (source.name, source.url, source.kind, source.poll_interval_minutes, source.enabled) == (
        "Partner news", "https://partner.example.test/news.atom", "generic", 60, True)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "feed_source.created"))
    assert (event.staff_user_id, event.target_id) == (admin.id, str(source.id))
    assert event.details == {"name": "Partner news", "url": "https://partner.example.test/news.atom",
                             "kind": "generic", "poll_interval_minutes": 60}
    assert "Partner news added" in client_request.get("/staff/feed-sources").text


def test_bad_answers_get_gov_uk_error_messages_and_nothing_is_stored(client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    page = post_form(client_request, "/staff/feed-sources/new",
                     {"name": "", "url": "ftp://example.test/feed", "poll_interval_minutes": "often"},
                     expected_status=400, token_from="/staff/feed-sources/new")
    assert page.error_summary() == [
        "Enter a name for the feed",
        "Enter a web address starting with https:// or http://",
        "Select what kind of feed this is",
        "How often to check the feed must be a whole number of minutes, like 15",
    ]
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == [
        "#name", "#url", "#kind", "#poll_interval_minutes"]
    page = post_form(client_request, "/staff/feed-sources/new",
                     {"name": "Feed", "url": FEED_URL, "kind": "podcast", "poll_interval_minutes": "0"},
                     expected_status=400, token_from="/staff/feed-sources/new")
    assert page.error_summary() == ["Select what kind of feed this is",
                                    "How often to check the feed must be between 1 and 1,440 minutes"]
    assert page.soup.select_one("#url")["value"] == FEED_URL, "answers are kept"
    assert db.session.scalar(select(FeedSource)) is None
    assert audit_events() == []


def test_changing_a_source_keeps_its_state_but_a_new_address_forgets_the_old_validators(
        client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    source = make_source()
    feed_data.record_poll_success(source.id, etag='"v1"', last_modified="Mon, 07 Dec 2026 06:00:00 GMT",
                                  entry_count=5, now=dt.datetime(2026, 12, 7, 6, tzinfo=dt.UTC))
    db.session.commit()
    page = client_request.get(f"/staff/feed-sources/{source.id}")
    assert page.h1 == "Change Met Office South West"
    assert page.soup.select_one("#url")["value"] == FEED_URL
    assert page.soup.select_one("input[name=kind][checked]")["value"] == "met-office-warnings"

    new_url = "https://feeds.example.test/warnings/sw-v2.xml"
    post_form(client_request, f"/staff/feed-sources/{source.id}",
              {"name": "Met Office South West", "url": new_url, "kind": "met-office-warnings",
               "poll_interval_minutes": "5"}, token_from=f"/staff/feed-sources/{source.id}")
    changed = reload(source.id)
    assert (changed.url, changed.poll_interval_minutes, changed.enabled) == (new_url, 5, True)
    assert (changed.etag, changed.last_modified, changed.last_entry_count) == (None, None, 5)
    assert audit_events() == [("feed_source.edited", str(source.id), {"url": new_url, "poll_interval_minutes": 5})]


def test_turning_a_source_off_and_on_is_audited_and_an_off_source_is_not_checked(client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    source = make_source()
    post_form(client_request, f"/staff/feed-sources/{source.id}/toggle", {})
    assert reload(source.id).enabled is False
    page = client_request.get("/staff/feed-sources")
    assert card(page, source)["Status"] == "Off"
    assert not page.select(f"form[action='/staff/feed-sources/{source.id}/check']"), "no Check now while off"
    with responses.RequestsMock():  # any fetch would fail the test
        post_form(client_request, f"/staff/feed-sources/{source.id}/check", {})
    assert "is off. Turn it on to check it." in client_request.get("/staff/feed-sources").text
    assert reload(source.id).last_polled_at_utc is None
    post_form(client_request, f"/staff/feed-sources/{source.id}/toggle", {})
    assert reload(source.id).enabled is True
    assert [action for action, _, _ in audit_events()] == ["feed_source.disabled", "feed_source.enabled"]


@freeze_time("2026-12-07 06:00:00")
def test_check_now_polls_the_source_at_once_and_shows_what_it_found(client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    source = make_source()
    with responses.RequestsMock() as mock:
        mock.get(FEED_URL, body=(FIXTURES / "winter-south-west.xml").read_bytes(),
                 content_type="application/rss+xml", headers={"ETag": '"w1"'})
        post_form(client_request, f"/staff/feed-sources/{source.id}/check", {})
    checked = reload(source.id)
    assert checked.last_success_at_utc == dt.datetime(2026, 12, 7, 6, tzinfo=dt.UTC) and checked.last_error is None
    assert checked.etag == '"w1"' and checked.last_entry_count >= 1
    assert [w.id for w in db.session.scalars(select(WeatherWarning))] == [SNOW_AND_ICE]
    page = client_request.get("/staff/feed-sources")
    assert "Met Office South West checked: 1 warning mentioning Dorset (1 new, 0 changed, 0 withdrawn)" in page.text
    assert card(page, source)["Status"] == "Working"
    assert [(action, target) for action, target, _ in audit_events()] == [("feed_source.checked", str(source.id))]


def test_check_now_on_a_broken_feed_records_the_error_and_keeps_the_warnings(client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    source = make_source()
    with responses.RequestsMock() as mock:
        mock.get(FEED_URL, body=(FIXTURES / "winter-south-west.xml").read_bytes(), content_type="application/rss+xml")
        post_form(client_request, f"/staff/feed-sources/{source.id}/check", {})
    with responses.RequestsMock() as mock:
        mock.get(FEED_URL, body=(FIXTURES / "html-error-page.html").read_bytes(), content_type="text/html")
        post_form(client_request, f"/staff/feed-sources/{source.id}/check", {})
    broken = reload(source.id)
    assert broken.last_error
    page = client_request.get("/staff/feed-sources")
    assert f"Met Office South West could not be read: {broken.last_error}" in page.text
    assert card(page, source)["Status"] == "Failing"
    assert [w.id for w in db.session.scalars(select(WeatherWarning).where(WeatherWarning.is_current))] == [
        SNOW_AND_ICE], "the previous warnings stay"


def test_an_unknown_feed_source_is_not_found(client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    client_request.get("/staff/feed-sources/999", expected_status=404)


@pytest.mark.parametrize(("url", "message"), [
    ("http://169.254.169.254/latest/meta-data/", "Enter a public web address: 169.254.169.254 is a link-local address"),
    ("http://127.0.0.1:8080/feed.xml", "Enter a public web address: 127.0.0.1 is a loopback address"),
    ("http://localhost/feed.xml", "Enter a public web address: localhost is a loopback address"),
])
def test_an_admin_cannot_point_a_feed_source_at_the_private_network(client_request, sign_in_as, url, message) -> None:
    sign_in_as(Role.ADMIN)
    page = post_form(client_request, "/staff/feed-sources/new",
                     {"name": "Feed", "url": url, "kind": "generic", "poll_interval_minutes": "15"},
                     expected_status=400, token_from="/staff/feed-sources/new")
    assert page.error_summary() == [message]
    assert db.session.query(FeedSource).count() == 0
