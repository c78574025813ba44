"""The staff dashboard shows the current Met Office weather warnings, and an officer can start a notice from one."""

import datetime as dt

from freezegun import freeze_time
from sqlalchemy import select

from alerts.extensions import db
from alerts.models import Notice, NoticeStatus, Role, WeatherWarning
from tests.staff.conftest import post_form

SNOW = "0c6b9a57-3f0e-4c8e-9f43-2d1e5b7a9c10"


def add_warning(**values) -> WeatherWarning:
    warning = WeatherWarning(**{
        "id": SNOW, "level": "yellow", "hazards": ["snow", "ice"],
        "title": "Yellow warning of snow, ice affecting South West England",
        "description": "Yellow warning of snow, ice affecting South West England: Devon, Dorset, Somerset "
                       "valid from 1800 Mon 7 Dec to 1100 Tue 8 Dec",
        "areas": ["Devon", "Dorset", "Somerset"],
        "link": f"https://www.metoffice.gov.uk/weather/warnings-and-advice/uk-warnings#?date=2026-12-08&id={SNOW}",
        "valid_from_utc": dt.datetime(2026, 12, 7, 18, tzinfo=dt.UTC),
        "valid_to_utc": dt.datetime(2026, 12, 8, 11, tzinfo=dt.UTC), **values})
    db.session.add(warning)
    db.session.commit()
    return warning


def card(page, index: int = 1) -> dict[str, str]:
    rows = page.soup.select_one(f"#warning-{index}").select(".govuk-summary-list__row")
    return {row.dt.get_text(" ", strip=True): row.dd.get_text(" ", strip=True) for row in rows}


@freeze_time("2026-06-20 04:00:00")
def test_the_dashboard_shows_current_warnings_with_level_hazards_and_uk_times(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    # Summer: UK time is an hour ahead of UTC, so 05:00 UTC is 6am.
    add_warning(id="thunder", level="amber", hazards=["thunderstorms", "rain"], title="Amber warning of rain",
                areas=["Bournemouth, Christchurch and Poole", "Dorset"],
                valid_from_utc=dt.datetime(2026, 6, 20, 5, tzinfo=dt.UTC),
                valid_to_utc=dt.datetime(2026, 6, 20, 20, 30, tzinfo=dt.UTC))
    add_warning(id="over", valid_to_utc=dt.datetime(2026, 6, 20, 3, tzinfo=dt.UTC))  # ended an hour ago
    add_warning(id="withdrawn", is_current=False, valid_to_utc=None)

    page = client_request.get("/staff/")
    assert [h.get_text(strip=True) for h in page.select(".weather-warning h3")] == ["Amber warning of rain"]
    assert card(page) == {"Level": "Amber", "Hazards": "Thunderstorms, rain",
                          "Valid": "From 6am on 20 June 2026 to 9:30pm on 20 June 2026",
                          "Areas": "Bournemouth, Christchurch and Poole; Dorset"}
    assert page.soup.select_one("#warning-1 .govuk-tag")["class"] == ["govuk-tag", "govuk-tag--orange"]
    [link] = page.soup.select("#warning-1 .govuk-summary-card__actions a")
    assert (link.get_text(strip=True), link["href"]) == ("Create a notice from this warning",
                                                         "/staff/notices/new?warning=thunder")


def test_with_no_current_warnings_the_dashboard_has_no_warnings_section(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    page = client_request.get("/staff/")
    assert "Weather warnings" not in page.text and not page.select(".weather-warning")


def test_the_contact_centre_sees_the_warnings_but_cannot_create_a_notice(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    add_warning(valid_to_utc=None)
    page = client_request.get("/staff/")
    assert len(page.select(".weather-warning")) == 1
    assert "Create a notice from this warning" not in page.text


@freeze_time("2026-12-07 12:00:00")
def test_create_a_notice_from_a_warning_prefills_a_draft_linked_to_the_warning(client_request, sign_in_as) -> None:
    officer = sign_in_as(Role.OFFICER)
    add_warning()
    page = client_request.get(client_request.get("/staff/").soup.select_one("#warning-1 .govuk-summary-card__actions a")
                              ["href"])
    form = page.soup
    assert form.select_one("#title")["value"] == "Yellow weather warning for snow and ice"
    assert form.select_one("#summary").get_text() == (
        "The Met Office has issued a yellow weather warning for snow and ice in Dorset "
        "from 6pm on 7 December 2026 until 11am on 8 December 2026.")
    assert form.select_one("#service option[selected]")["value"] == "roads-and-gritting"
    assert [box["value"] for box in form.select("input[name=areas][checked]")] == ["whole-county"]
    assert form.select_one("input[name=impact][checked]")["value"] == "minor"
    assert (form.select_one("#starts_at")["value"], form.select_one("#expected_end_at")["value"]) == (
        "07/12/2026 18:00", "08/12/2026 11:00")
    assert form.select_one("#advice").get_text() == "", "what residents should do is the officer's to write"
    assert form.select_one("input[name=warning]")["value"] == SNOW

    fields = {"title": form.select_one("#title")["value"], "service": "roads-and-gritting",
              "areas": ["whole-county"], "impact": "minor", "starts_at": "07/12/2026 18:00",
              "expected_end_at": "08/12/2026 11:00", "summary": form.select_one("#summary").get_text(),
              "advice": "Only travel if you must.", "notify": "y", "warning": SNOW}
    post_form(client_request, "/staff/notices/new", fields, token_from=f"/staff/notices/new?warning={SNOW}")
    [notice] = db.session.scalars(select(Notice))
    assert (notice.status, notice.source_warning_id, notice.created_by_id) == (NoticeStatus.DRAFT, SNOW, officer.id)
    assert notice.whole_county and notice.starts_at_utc == dt.datetime(2026, 12, 7, 18, tzinfo=dt.UTC)

    page = client_request.get("/staff/")
    assert "Create a notice from this warning" not in page.text, "the notice made from it shows instead"
    assert card(page)["Notice"] == "Yellow weather warning for snow and ice (draft)"
    assert page.soup.select_one("#warning-1 a[href^='/staff/notices/']")["href"] == f"/staff/notices/{notice.id}"


def test_a_failing_or_stale_met_office_feed_is_shown_on_the_dashboard(client_request, sign_in_as) -> None:
    from alerts.models import FeedSource, utc_now

    sign_in_as(Role.OFFICER)
    assert not client_request.get("/staff/").select("#stale-feeds")
    now = utc_now()
    source = FeedSource(name="Met Office warnings", url="https://feeds.example.test/sw.xml",
                        kind="met-office-warnings", poll_interval_minutes=15,
                        created_at_utc=now - dt.timedelta(hours=2), last_success_at_utc=now - dt.timedelta(minutes=10))
    db.session.add(source)
    db.session.commit()
    assert not client_request.get("/staff/").select("#stale-feeds"), "fetched within twice its interval"

    source.last_success_at_utc = now - dt.timedelta(minutes=45)
    db.session.commit()
    stale = client_request.get("/staff/").select("#stale-feeds")[0].get_text(" ", strip=True)
    assert "Weather warnings may be missing or out of date." in stale
    assert "Met Office warnings: not checked on time, last read at" in stale

    source.last_success_at_utc, source.last_error = now, "The feed could not be fetched"
    db.session.commit()
    stale = client_request.get("/staff/").select("#stale-feeds")[0].get_text(" ", strip=True)
    assert "Met Office warnings: the last check failed, last read at" in stale
    assert "Feed sources" not in stale, "only admins manage feed sources"
