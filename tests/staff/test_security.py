"""Security as tests: walk every /staff/ route and prove the rules hold for each one, including routes added later."""

import re

import pytest
from sqlalchemy import func, select

from alerts.extensions import db
from alerts.models import AuditEvent, Role
from tests.staff.conftest import post_form

# The security code step and reset links come before sign-in; they check their own session or token. Single
# sign-on's start (a CSRF-checked POST) and callback (the state and nonce in the session) are ways to sign in.
# "Forgot your password?" is for someone who cannot sign in.
OPEN_ENDPOINTS = {"staff.sign_in", "staff.sign_out", "staff.sign_in_code", "staff.reset_password",
                  "staff.sign_in_sso", "staff.sso_callback", "staff.forgot_password", "staff.password_link_sent"}


def staff_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff/")
            and rule.endpoint not in OPEN_ENDPOINTS]


def concrete(rule) -> str:
    return re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)


def test_every_staff_route_declares_its_roles(app) -> None:
    rules = staff_rules(app)
    assert len(rules) > 15
    for rule in rules:
        assert hasattr(app.view_functions[rule.endpoint], "allowed_roles"), f"{rule.endpoint} has no role check"


def test_every_staff_route_sends_an_anonymous_user_to_sign_in(app, client_request) -> None:
    for rule in staff_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client_request.client.open(concrete(rule), method=method)
            if method == "POST":
                assert response.status_code in (302, 400), rule.rule  # 400: no CSRF token, refused even earlier
            else:
                assert response.status_code == 302, rule.rule
                assert response.headers["Location"].startswith("/staff/sign-in"), rule.rule


@pytest.mark.parametrize("role", [Role.OFFICER, Role.CONTACT_CENTRE, Role.MANAGER])
def test_every_staff_route_refuses_the_wrong_role(app, client_request, sign_in_as, role: Role) -> None:
    sign_in_as(role)
    checked = 0
    for rule in staff_rules(app):
        if role in app.view_functions[rule.endpoint].allowed_roles:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "POST":
                post_form(client_request, concrete(rule), {}, expected_status=403)
            else:
                client_request.get(concrete(rule), expected_status=403)
            checked += 1
    assert checked > 5


def test_a_contact_centre_user_cannot_reach_officer_or_admin_pages(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    for url in ("/staff/notices", "/staff/notices/new", "/staff/users", "/staff/api-tokens", "/staff/audit",
                "/staff/outbox"):
        assert client_request.get(url, expected_status=403).h1 == "You cannot see this page"
    client_request.get("/staff/lookup")


def test_every_state_changing_staff_form_rejects_a_missing_csrf_token(app, client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    posts = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff/") and "POST" in rule.methods]
    assert len(posts) > 10
    for rule in posts:
        response = client_request.client.post(concrete(rule), data={})
        assert response.status_code == 400, rule.rule
        assert "CSRF" in response.get_data(as_text=True), rule.rule
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action != "staff.signed_in")) == 0


def test_staff_pages_are_never_cached(client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    assert client_request.get("/staff/outbox").response.headers["Cache-Control"] == "no-store"
