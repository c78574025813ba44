"""Signing staff in for page tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup

from alerts.models import Role, StaffUser
from tests import factories as _factories
from tests.pages import PageClient


def csrf_token(client_request: PageClient, url: str = "/staff/sign-in") -> str:
    response = client_request.client.get(url)
    field = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("input[name=csrf_token]")
    assert field is not None, f"no CSRF token on {url}"
    return field["value"]


def sign_in(client_request: PageClient, user: StaffUser, password: str = _factories.PASSWORD) -> None:
    client_request.client.delete_cookie("session")  # start as a stranger, even if someone else was signed in
    token = csrf_token(client_request)
    response = client_request.client.post("/staff/sign-in",
                                          data={"email": user.email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def sign_in_as(client_request: PageClient) -> Callable[..., StaffUser]:
    """sign_in_as(Role.OFFICER) makes a user with that role and signs the test client in as them."""

    def _sign_in(role: Role = Role.OFFICER, **kwargs: object) -> StaffUser:
        user = _factories.StaffUserFactory(role=role, **kwargs)
        sign_in(client_request, user)
        return user

    return _sign_in


def post_form(client_request: PageClient, url: str, data: dict, expected_status: int = 302,
              token_from: str = "/staff/sign-out") -> object:
    """POST with the session's CSRF token (read from a signed-in page, since a POST-only URL has no form)."""
    token = csrf_token(client_request, token_from)
    if expected_status == 302:
        response = client_request.client.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        return response
    return client_request.post(url, {**data, "csrf_token": token}, expected_status=expected_status)
