"""Officers set the headline the start page and the partner banner open with, until it ends; without one, both
say only what is live, never a cause nobody named."""

import datetime as dt

from freezegun import freeze_time
from sqlalchemy import select

from alerts.extensions import db
from alerts.models import AuditEvent, Headline, Role, utc_now
from tests.staff.conftest import post_form

WINTER = "Winter weather is causing disruption to services in some parts of the county"


def _in_hours(hours: int) -> str:
    return (utc_now() + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _banner_text(client_request) -> str:
    return " ".join(client_request.client.get("/embed/banner").get_data(as_text=True).split())


def test_without_an_officers_headline_the_start_page_and_banner_name_no_cause(client_request, factories) -> None:
    factories.NoticeFactory(area_ids=["weymouth"])
    factories.NoticeFactory(service_id="libraries", area_ids=["portland"])
    factories.NoticeFactory(service_id="libraries", area_ids=["weymouth"])

    start = client_request.get("/")
    banner = _banner_text(client_request)

    heading = start.select(".govuk-notification-banner__heading")[0].text
    assert heading == "There is disruption to 2 services in Dorset."
    assert "There is disruption to 2 services in Dorset." in banner
    assert "Winter weather" not in start.text and "Winter weather" not in banner


def test_an_officer_sets_a_headline_that_shows_until_it_ends(client_request, sign_in_as) -> None:
    officer = sign_in_as(Role.OFFICER)
    post_form(client_request, "/staff/headline", {"text": WINTER, "ends_at": _in_hours(2)},
              token_from="/staff/headline")

    page = client_request.get("/staff/headline")
    assert page.select("#running-headline")[0].text.strip() == WINTER
    assert page.select(".govuk-notification-banner--success")
    client_request.client.delete_cookie("session")
    assert client_request.get("/").select(".govuk-notification-banner__heading")[0].text == WINTER
    assert WINTER in _banner_text(client_request), "shown even with no notice live"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "headline.set")).one()
    assert event.staff_user_id == officer.id and event.details["text"] == WINTER

    with freeze_time(utc_now() + dt.timedelta(hours=3)):
        assert "Winter weather" not in client_request.get("/").text
        assert "Winter weather" not in _banner_text(client_request)


def test_an_officer_ends_the_headline_early(client_request, sign_in_as, factories) -> None:
    factories.NoticeFactory()
    sign_in_as(Role.OFFICER)
    post_form(client_request, "/staff/headline", {"text": WINTER, "ends_at": _in_hours(5)},
              token_from="/staff/headline")
    post_form(client_request, "/staff/headline/end", {}, token_from="/staff/headline")

    assert not db.session.scalars(select(Headline).where(Headline.ends_at_utc > utc_now())).all()
    assert "There is disruption to 1 service in Dorset." in client_request.get("/").text
    assert "Winter weather" not in _banner_text(client_request)


def test_a_headline_needs_words_and_a_future_end(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    page = post_form(client_request, "/staff/headline", {"text": "", "ends_at": _in_hours(-1)},
                     expected_status=400, token_from="/staff/headline")
    assert page.error_summary() == ["Enter the headline", "The end must be in the future"]
    page = post_form(client_request, "/staff/headline", {"text": "Snow", "ends_at": "tomorrow"},
                     expected_status=400, token_from="/staff/headline")
    assert page.error_summary() == ["Enter a real date and time. Use UK time, for example 27/11/2026 14:30"]
    assert db.session.scalar(select(Headline.id)) is None


def test_only_officers_and_admins_set_the_headline(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    client_request.get("/staff/headline", expected_status=403)
    sign_in_as(Role.ADMIN)
    client_request.get("/staff/headline")
