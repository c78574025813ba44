"""A council with one language is untouched by Welsh: no /cy/ pages, no language links."""

from __future__ import annotations


def test_an_english_only_council_has_no_welsh_pages(client_request) -> None:
    client_request.get("/cy/", expected_status=404)
    page = client_request.get("/", expected_status=200)
    assert page.soup.html["lang"] == "en"
    assert page.select('link[rel="alternate"][hreflang]') == []
    assert page.select(".app-language-switch") == []


def test_an_english_only_councils_open_data_page_says_nothing_of_languages(client_request) -> None:
    page = client_request.get("/open-data", expected_status=200)
    assert "Welsh and English" not in page.text
