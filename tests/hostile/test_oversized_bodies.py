"""Bodies over MAX_CONTENT_LENGTH are refused before any view reads them: problem+json on the API, a page elsewhere."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.pages import PageClient


@pytest.fixture
def oversized(app: Flask) -> bytes:
    return b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)


def test_the_limit_is_64_kilobytes(app: Flask) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] == 64 * 1024


@pytest.mark.parametrize("url", ["/api/v1/notices", "/api/v1/subscriptions", "/callbacks/notify"])
def test_an_oversized_api_body_is_refused_with_problem_json(client: FlaskClient, oversized: bytes, url: str) -> None:
    response = client.post(url, data=oversized, content_type="application/json")
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 413


@pytest.mark.parametrize("url", ["/", "/notices", "/subscribe", "/staff/sign-in"])
def test_an_oversized_form_is_refused_with_a_page(client_request: PageClient, oversized: bytes, url: str) -> None:
    page = client_request.post(url, data={"postcode": oversized.decode()}, expected_status=413)
    assert page.h1 == "What you sent is too large"


def test_a_body_just_under_the_limit_is_not_refused_for_its_size(client: FlaskClient, app: Flask) -> None:
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] - 1)
    response = client.post("/api/v1/notices", data=body, content_type="application/json")
    assert response.status_code != 413
