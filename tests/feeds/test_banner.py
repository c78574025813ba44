"""The banner partner sites embed: shown only while notices are active, frameable, cacheable, one hashed script."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from alerts.feeds.views import BANNER_SCRIPT
from alerts.models import NoticeStatus
from alerts.web.security_headers import script_hash

BANNER_TEXT = "There is disruption to 1 service in Dorset. Find out what services may be affected in your area."


def test_the_banner_shows_while_a_notice_is_active_and_links_to_the_start_page(client: FlaskClient, factories) -> None:
    factories.NoticeFactory()

    response = client.get("/embed/banner")

    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    region = soup.select_one("[role=region]")
    assert " ".join(region.get_text(" ", strip=True).split()) == BANNER_TEXT
    link = region.select_one("a")
    assert link["href"] == "http://localhost/"
    assert link["target"] == "_top"  # the start page opens in place of the partner's page, not inside the frame
    assert soup.html["lang"] == "en"
    assert soup.title.get_text(strip=True) == "Dorset Council service disruption"
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and "postMessage" in scripts[0].string, "one script: it posts the banner's height"
    assert script_hash(scripts[0].string) in response.headers["Content-Security-Policy"]
    assert soup.find(style=True) is None and soup.find("style") is None


@pytest.mark.parametrize("status", [NoticeStatus.RESOLVED, NoticeStatus.DRAFT])
def test_the_banner_is_an_empty_document_when_nothing_is_active(
    client: FlaskClient, factories, status: NoticeStatus
) -> None:
    factories.NoticeFactory(status=status)

    response = client.get("/embed/banner")

    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.body.get_text(strip=True) == ""
    assert "Winter weather" not in response.get_data(as_text=True)


def test_partner_sites_may_frame_the_banner_but_not_other_pages(client: FlaskClient) -> None:
    banner = client.get("/embed/banner")
    start = client.get("/")

    assert "X-Frame-Options" not in banner.headers
    policy = banner.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    assert "default-src 'none'" in policy
    assert f"script-src {script_hash(BANNER_SCRIPT)};" in policy, "the height script only, by its hash"
    assert banner.headers["Access-Control-Allow-Origin"] == "*"
    assert start.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in start.headers["Content-Security-Policy"]


def test_the_frame_ancestors_can_be_limited_to_named_partners(app, client: FlaskClient, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "EMBED_FRAME_ANCESTORS", "https://www.dorsetcouncil.gov.uk")

    policy = client.get("/embed/banner").headers["Content-Security-Policy"]

    assert policy.endswith("frame-ancestors https://www.dorsetcouncil.gov.uk")


def test_the_banner_stylesheet_is_served_under_the_banners_own_policy(client: FlaskClient) -> None:
    response = client.get("/embed/banner.css")

    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert ".disruption-banner" in response.get_data(as_text=True)
    assert response.cache_control.public and response.cache_control.max_age == 3600


def _docs_snippet() -> str:
    docs = (Path(__file__).parents[2] / "docs" / "open-data.md").read_text()
    section = docs[docs.index("## The banner"):]
    return section.split("```html\n", 1)[1].split("```", 1)[0].strip()


def test_open_data_and_the_docs_give_the_same_snippet(client_request, app) -> None:
    page = client_request.get("/open-data")
    shown = page.select("#banner-snippet code")[0].get_text().strip()
    base = app.config["BASE_URL"].rstrip("/")

    assert shown == _docs_snippet().replace("https://alerts.dorsetcouncil.gov.uk", base)
    assert 'height="200"' in shown, "tall enough for the banner at 375 px without script"
    assert "disruptionBannerHeight" in shown and "disruptionBannerHeight" in BANNER_SCRIPT
