"""A council in Wales: Welsh pages under /cy/ with the same paths, each page naming its twin in the other
language, a visible switch, and Welsh dates."""

from __future__ import annotations

import datetime as dt

from alerts.formatting import hour_words, london_clock, london_date, london_time


def test_the_welsh_start_page_is_in_welsh_and_names_its_english_twin(client_request) -> None:
    page = client_request.get("/cy/", expected_status=200)
    assert page.soup.html["lang"] == "cy"
    assert {link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"][hreflang]')} == {
        "en": "http://localhost/", "cy": "http://localhost/cy/"}
    switch = page.select(".app-language-switch a")
    assert [(a.get_text(strip=True), a["href"], a["lang"]) for a in switch] == [("English", "http://localhost/", "en")]
    assert page.soup.select_one(".govuk-skip-link").get_text(strip=True) == "Neidio i'r prif gynnwys"


def test_the_english_page_offers_welsh(client_request) -> None:
    page = client_request.get("/", expected_status=200)
    assert page.soup.html["lang"] == "en"
    switch = page.select(".app-language-switch a")
    assert [(a.get_text(strip=True), a["href"], a["lang"]) for a in switch] == [
        ("Cymraeg", "http://localhost/cy/", "cy")]


def test_links_on_a_welsh_page_stay_in_welsh(client_request) -> None:
    page = client_request.get("/cy/accessibility", expected_status=200)
    footer = {a.get_text(strip=True): a["href"] for a in page.select(".govuk-footer__inline-list a")}
    assert footer["Datganiad hygyrchedd"] == "/cy/accessibility"
    assert footer["Data agored"] == "/cy/open-data"
    twins = {link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"][hreflang]')}
    assert twins == {"en": "http://localhost/accessibility", "cy": "http://localhost/cy/accessibility"}


def test_the_twin_keeps_the_query(client_request) -> None:
    page = client_request.get("/cy/notices?postcode=SY23+3UE", expected_status=200)
    twins = {link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"][hreflang]')}
    assert twins["en"] == "http://localhost/notices?postcode=SY23+3UE"


def test_welsh_dates_and_times() -> None:
    morning = dt.datetime(2026, 12, 6, 9, 30, tzinfo=dt.UTC)
    assert london_date(morning, "cy") == "6 Rhagfyr 2026"
    assert london_time(morning, "cy") == "9:30yb ar 6 Rhagfyr 2026"
    assert london_clock(morning.replace(hour=14, minute=0), "cy") == "2yh"
    assert london_clock(morning.replace(hour=12, minute=0), "cy") == "canol dydd"
    assert hour_words(0, "cy") == "canol nos"
    assert london_time(morning) == "9:30am on 6 December 2026"
