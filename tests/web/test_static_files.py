"""Static files are compressed and cached for a year under a URL that changes whenever their content does."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for
from flask.testing import FlaskClient

from alerts.web.static_files import YEAR_SECONDS, static_version

STATIC = Path(__file__).resolve().parents[2] / "static"
TEXT_ASSETS = ["govuk-frontend.min.css", "govuk-frontend.min.js", "start-govuk-frontend.js"]


def _versioned(app: Flask, filename: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename)


@pytest.mark.parametrize("filename", TEXT_ASSETS)
@pytest.mark.parametrize(("encoding", "decompress"), [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_css_and_javascript_are_served_compressed_and_cached_for_a_year(
        app: Flask, client: FlaskClient, filename: str, encoding: str, decompress) -> None:
    url = _versioned(app, filename)
    response = client.get(url, headers={"Accept-Encoding": f"{encoding}, identity"})

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.cache_control.public and response.cache_control.immutable
    assert response.cache_control.max_age == YEAR_SECONDS
    assert decompress(response.get_data()) == (STATIC / filename).read_bytes()
    assert len(response.get_data()) < len((STATIC / filename).read_bytes())
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_client_that_takes_no_compression_gets_the_plain_file(app: Flask, client: FlaskClient) -> None:
    response = client.get(_versioned(app, "govuk-frontend.min.css"), headers={"Accept-Encoding": "identity"})

    assert "Content-Encoding" not in response.headers
    assert response.get_data() == (STATIC / "govuk-frontend.min.css").read_bytes()


def test_pages_link_their_css_and_javascript_by_the_versioned_url(app: Flask, client: FlaskClient) -> None:
    soup = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    version = static_version(STATIC)

    assert soup.select_one("link[rel=stylesheet]")["href"] == f"/assets/{version}/govuk-frontend.min.css"
    assert soup.select_one("script[type=module]")["src"] == f"/assets/{version}/start-govuk-frontend.js"


def test_the_plain_path_still_works_for_an_hour(client: FlaskClient) -> None:
    response = client.get("/assets/govuk-frontend.min.css")

    assert response.status_code == 200
    assert response.cache_control.max_age == 3600 and not response.cache_control.immutable


def test_the_version_changes_with_any_file(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "site.css").write_text("body{}")
    (tmp_path / "images" / "logo.svg").write_text("<svg/>")
    before = static_version(tmp_path)
    (tmp_path / "site.css.gz").write_bytes(gzip.compress(b"body{}"))
    assert static_version(tmp_path) == before, "compressed copies follow from the originals"

    (tmp_path / "images" / "logo.svg").write_text("<svg></svg>")

    assert static_version(tmp_path) != before


@pytest.mark.parametrize("compressed", sorted([*STATIC.rglob("*.gz"), *STATIC.rglob("*.br")]), ids=str)
def test_every_compressed_copy_matches_its_file(compressed: Path) -> None:
    original = compressed.with_suffix("")
    decompress = gzip.decompress if compressed.suffix == ".gz" else brotli.decompress

    assert decompress(compressed.read_bytes()) == original.read_bytes(), (
        f"{compressed.name} is stale: run .venv/bin/python -m whitenoise.compress static")


@pytest.mark.parametrize("filename", TEXT_ASSETS)
def test_css_and_javascript_have_both_compressed_copies(filename: str) -> None:
    assert (STATIC / f"{filename}.br").is_file() and (STATIC / f"{filename}.gz").is_file(), (
        "run .venv/bin/python -m whitenoise.compress static")
