import time

from sqlalchemy import select

from alerts.credentials.passwords import verify_password
from alerts.extensions import db
from alerts.models import AuditEvent, Role, StaffUser
from tests import factories as _factories
from tests.staff.conftest import csrf_token, post_form, sign_in


def attempt(client_request, email: str, password: str, expected_status: int):
    token = csrf_token(client_request)
    return client_request.post("/staff/sign-in", {"email": email, "password": password, "csrf_token": token},
                               expected_status=expected_status)


def test_the_sign_in_page_uses_the_gov_uk_wording(client_request) -> None:
    page = client_request.get("/staff/sign-in")
    assert page.h1 == "Sign in"
    assert [label.get_text(strip=True) for label in page.select("label")] == ["Email address", "Password"]
    assert "Sign in" in [button.get_text(strip=True) for button in page.select("button")]


def test_a_wrong_password_gets_one_message_that_does_not_say_which_part_was_wrong(client_request, factories) -> None:
    user = factories.StaffUserFactory()
    page = attempt(client_request, user.email, "not the password", 400)
    assert page.error_summary() == ["Enter a correct email address and password"]
    assert attempt(client_request, "nobody@dorsetcouncil.example", "whatever", 400).error_summary() == [
        "Enter a correct email address and password"]
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.actor == user.email)) == "staff.sign_in_failed"


def test_signing_in_starts_a_new_session_and_goes_to_the_dashboard(client_request, factories) -> None:
    user = factories.StaffUserFactory()
    client_request.get("/staff/sign-in")
    with client_request.client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client_request, user)
    with client_request.client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:{user.session_version}"
    assert client_request.get("/staff/").h1 == "Staff dashboard"


def test_an_old_scrypt_hash_still_works_and_is_upgraded_to_argon2(client_request, factories) -> None:
    user = factories.StaffUserFactory()
    assert user.password_hash.startswith("scrypt:")
    sign_in(client_request, user)
    db.session.expire_all()
    assert user.password_hash.startswith("$argon2") and verify_password(user.password_hash, _factories.PASSWORD)


# Throttling is tested in tests/staff/test_sign_in_throttle.py.


def test_an_idle_session_and_a_long_session_both_end(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    with client_request.client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 31 * 60
    response = client_request.client.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/sign-in")

    sign_in_as(Role.OFFICER)
    with client_request.client.session_transaction() as session:
        session["signed_in_at"] = int(time.time()) - 13 * 3600
    assert client_request.client.get("/staff/").status_code == 302


def test_the_session_cookie_is_http_only_and_same_site(app, client_request, factories) -> None:
    user = factories.StaffUserFactory()
    token = csrf_token(client_request)
    response = client_request.client.post("/staff/sign-in", data={"email": user.email, "password": _factories.PASSWORD,
                                                                  "csrf_token": token})
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    from config.settings import ProductionConfig
    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_disabling_a_user_ends_their_sessions(client_request, sign_in_as) -> None:
    officer = sign_in_as(Role.OFFICER)
    with client_request.client.session_transaction() as session:
        officer_session = dict(session)
    sign_in_as(Role.ADMIN)
    post_form(client_request, f"/staff/users/{officer.id}/disable", {})
    db.session.expire_all()
    assert db.session.get(StaffUser, officer.id).is_disabled
    with client_request.client.session_transaction() as session:
        session.clear()
        session.update(officer_session)
    assert client_request.client.get("/staff/").status_code == 302


def test_signing_out_needs_a_post_and_ends_the_session(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    assert client_request.get("/staff/sign-out").h1 == "Sign out"
    assert client_request.client.get("/staff/").status_code == 200
    post_form(client_request, "/staff/sign-out", {})
    assert client_request.client.get("/staff/").status_code == 302


def test_after_signing_in_only_a_staff_page_is_a_destination(client_request, factories) -> None:
    user = factories.StaffUserFactory()
    token = csrf_token(client_request)
    response = client_request.client.post("/staff/sign-in?next=https://evil.example/",
                                          data={"email": user.email, "password": _factories.PASSWORD,
                                                "csrf_token": token})
    assert response.headers["Location"] == "/staff/"
