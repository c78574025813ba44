"""Notices that can't be misread, warnings where alert links land, and wording residents trip over."""

from __future__ import annotations

import datetime as dt

from alerts.extensions import db
from alerts.formatting import counted, with_article
from alerts.models import Impact, NoticeStatus, NoticeUpdate, UpdateKind, WeatherWarning, utc_now


def _amber_warning() -> WeatherWarning:
    now = utc_now().replace(microsecond=0)
    warning = WeatherWarning(
        id="amber-1", level="amber", hazards=["snow"], title="Amber warning of snow affecting South West England",
        description="…", areas=["Dorset"], link="https://www.metoffice.gov.uk/weather/warnings-and-advice/uk-warnings",
        valid_from_utc=now - dt.timedelta(hours=1), valid_to_utc=now + dt.timedelta(hours=12), is_current=True)
    db.session.add(warning)
    db.session.commit()
    return warning


def test_a_resolved_notice_says_so_first_with_its_resolution_and_its_advice_reads_as_past(
        client_request, factories) -> None:
    notice = factories.NoticeFactory(title="Household Recycling Centre closed", status=NoticeStatus.RESOLVED,
                                     summary="Closed to cars today.", advice="Please do not visit today.")
    notice.updates.append(NoticeUpdate(kind=UpdateKind.RESOLVED, summary="The centre reopened at 2pm."))
    db.session.commit()

    page = client_request.get(f"/notices/{notice.id}")

    banner = page.select(".govuk-notification-banner")[0]
    first = page.select("main .govuk-grid-column-two-thirds > *")[0]
    assert "govuk-notification-banner" in first.get("class", []), "the resolution comes before anything else"
    assert "This disruption has been resolved" in banner.text and "The centre reopened at 2pm." in banner.text
    headings = [h.text.strip() for h in page.select("h2.govuk-heading-m")]
    assert "What residents were asked to do" in headings and "What you should do" not in headings
    assert "What you should do" not in page.text


def test_an_expired_notice_says_it_has_ended(client_request, factories) -> None:
    notice = factories.NoticeFactory(status=NoticeStatus.EXPIRED)
    page = client_request.get(f"/notices/{notice.id}")
    assert "This notice has ended" in page.select(".govuk-notification-banner")[0].text


def test_an_active_notice_has_no_resolution_banner_and_shows_the_met_office_warning(client_request, factories) -> None:
    _amber_warning()
    notice = factories.NoticeFactory()
    page = client_request.get(f"/notices/{notice.id}")
    assert not page.select(".govuk-notification-banner")
    assert "Amber warning of snow affecting South West England" in page.select(".govuk-warning-text")[0].text


def test_postcode_results_show_met_office_warnings(client_request) -> None:
    _amber_warning()
    page = client_request.get("/notices?postcode=DT4 7TA")
    assert "Amber warning of snow" in page.select(".govuk-warning-text")[0].text


def test_most_serious_first_is_said_only_above_more_than_one_notice(client_request, factories) -> None:
    factories.NoticeFactory(impact=Impact.SEVERE)
    assert "The most serious are shown first" not in client_request.get("/notices?postcode=DT4 7TA").text
    factories.NoticeFactory()
    assert "The most serious are shown first" in client_request.get("/notices?postcode=DT4 7TA").text


def test_a_postcode_in_no_district_is_not_found_rather_than_outside_the_council(client_request) -> None:
    page = client_request.get("/notices?postcode=DT99 9ZZ")
    assert page.h1 == "We could not find DT99 9ZZ"
    assert "outside" not in page.text
    assert client_request.get("/notices?postcode=SW1A 1AA").h1 == "SW1A 1AA is outside Dorset Council’s area"


def test_counts_and_articles_read_as_english() -> None:
    assert (counted(1, "text"), counted(2, "text"), counted(1200, "email")) == ("1 text", "2 texts", "1,200 emails")
    assert (with_article("amber"), with_article("yellow"), with_article("red")) == ("an amber", "a yellow", "a red")


def test_every_public_page_has_a_meta_description(client_request, factories) -> None:
    notice = factories.NoticeFactory(summary="Bin collections are suspended because of snow.")
    for url in ("/", "/notices?postcode=DT4 7TA", f"/notices/{notice.id}", "/accessibility", "/privacy", "/cookies",
                "/subscribe"):
        page = client_request.get(url)
        description = page.select("meta[name=description]")
        assert description and len(description[0]["content"]) > 30, url
    assert "Bin collections are suspended" in client_request.get(f"/notices/{notice.id}").select(
        "meta[name=description]")[0]["content"]


def test_feeds_give_the_advice_of_an_ended_notice_as_past(factories) -> None:
    from alerts.feeds.syndication import entry_text

    notice = factories.NoticeFactory(status=NoticeStatus.RESOLVED, advice="Please do not visit today.")
    text = entry_text(notice, ["Weymouth"])
    assert "What residents were asked to do: Please do not visit today." in text
    assert "What you should do" not in text
