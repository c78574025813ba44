"""A council that writes in Welsh sets the officer's headline in Welsh and English: the start page and the partner
banner open with it in the page's language."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from alerts.extensions import db
from alerts.models import AuditEvent, Headline, Role, utc_now
from tests import factories
from tests.staff.conftest import sign_in

WINTER = "Winter weather is causing disruption to services in some parts of the county"
GAEAF = "Mae tywydd y gaeaf yn amharu ar wasanaethau mewn rhai rhannau o’r sir"


def _in_hours(hours: int) -> str:
    return (utc_now() + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _banner(client_request, path: str) -> str:
    return " ".join(client_request.client.get(path).get_data(as_text=True).split())


def test_the_headline_form_asks_in_welsh_and_english(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.OFFICER))
    page = client_request.get("/staff/headline")
    labels = [label.get_text(strip=True) for label in page.select("label.govuk-label")]
    assert labels == ["Headline in Welsh", "Headline in English", "Show it until"]
    assert page.soup.select_one("textarea#text_cy")["lang"] == "cy"
    assert page.soup.select_one("textarea#text")["lang"] == "en"


def test_a_bilingual_headline_needs_both_languages(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.OFFICER))
    page = client_request.post_form("/staff/headline", {"text": "", "text_cy": "", "ends_at": ""},
                                    expected_status=400)
    assert page.error_summary() == ["Enter the headline in Welsh", "Enter the headline in English",
                                    "Enter when the headline ends"]
    page = client_request.post_form("/staff/headline", {"text": WINTER, "text_cy": "", "ends_at": _in_hours(2)},
                                    expected_status=400)
    assert page.error_summary() == ["Enter the headline in Welsh"]
    assert db.session.scalar(select(Headline.id)) is None


def test_the_welsh_headline_form_errors_read_in_welsh(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.OFFICER))
    page = client_request.post_form("/cy/staff/headline", {"text": "Eira", "text_cy": "Eira",
                                                            "ends_at": _in_hours(-1)}, expected_status=400)
    assert page.error_summary() == ["Rhaid i’r diwedd fod yn y dyfodol"]


def test_the_start_page_and_banner_show_the_headline_in_the_pages_language(client_request) -> None:
    officer = factories.StaffUserFactory(role=Role.OFFICER)
    sign_in(client_request, officer)
    client_request.post_form("/staff/headline", {"text": WINTER, "text_cy": GAEAF, "ends_at": _in_hours(2)},
                             expected_status=302)
    headline = db.session.scalars(select(Headline)).one()
    assert (headline.text, headline.text_cy) == (WINTER, GAEAF)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "headline.set")).one()
    assert (event.details["text"], event.details["text_cy"]) == (WINTER, GAEAF)
    assert client_request.get("/cy/staff/headline").select("#running-headline")[0].text.strip() == GAEAF

    client_request.client.delete_cookie("session")
    welsh = client_request.get("/cy/").select(".govuk-notification-banner__heading")[0].text
    english = client_request.get("/").select(".govuk-notification-banner__heading")[0].text
    assert (welsh, english) == (GAEAF, WINTER)
    assert GAEAF in _banner(client_request, "/cy/embed/banner") and WINTER not in _banner(client_request,
                                                                                          "/cy/embed/banner")
    assert WINTER in _banner(client_request, "/embed/banner")
