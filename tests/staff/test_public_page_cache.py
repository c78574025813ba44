"""Signed-in staff and residents never see each other's copy of a public page."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from alerts.models import Role, StaffUser
from alerts.web.caching import rendered_cache
from tests.pages import PageClient


def test_a_signed_in_officer_never_gets_the_residents_copy(app: Flask, client_request: PageClient,
                                                           sign_in_as: Callable[..., StaffUser]) -> None:
    resident = app.test_client()
    assert "Staff dashboard" not in resident.get("/").get_data(as_text=True)
    assert len(rendered_cache(app)) == 2, "the rendered page, and the finished answer handed out before Flask"

    sign_in_as(Role.OFFICER)
    page = client_request.get("/")

    assert "Staff dashboard" in page.text


def test_a_resident_never_gets_an_officers_page(app: Flask, client_request: PageClient,
                                                sign_in_as: Callable[..., StaffUser]) -> None:
    sign_in_as(Role.OFFICER)
    assert "Staff dashboard" in client_request.get("/").text
    assert "Staff dashboard" in client_request.get("/notices?postcode=DT4+7TA").text

    resident: FlaskClient = app.test_client()
    for url in ("/", "/notices?postcode=DT4+7TA"):
        assert "Staff dashboard" not in resident.get(url).get_data(as_text=True)
