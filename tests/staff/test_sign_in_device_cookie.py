"""OWASP's device cookie: a flood of wrong passwords for made-up accounts from the council's office address must
not lock out every member of staff there. A browser that signed in to an account before carries a signed cookie
naming it, and is not counted by address when it signs in to that account again."""

from collections.abc import Iterator
from http.cookies import SimpleCookie

import pyotp
import pytest
from freezegun import freeze_time

from alerts import links
from alerts.credentials import second_factor
from alerts.data import sign_in_throttle
from alerts.extensions import db
from alerts.models import utc_now
from alerts.staff.device_cookie import COOKIE_NAME
from tests import factories as _factories
from tests.pages import PageClient
from tests.staff.conftest import csrf_token
from tests.staff.test_sign_in_throttle import OFFICE, attempt


@pytest.fixture(autouse=True)
def smaller_office_allowance(monkeypatch) -> Iterator[None]:
    monkeypatch.setattr(sign_in_throttle, "ADDRESS_FREE_ATTEMPTS", 20)  # 100 in production: the same, slower
    with freeze_time():  # on a slow machine the flood's 30-second wait must not run out before the checks
        yield


def flood_the_office(app) -> None:
    """An attacker at the office address, in their own browser: wrong passwords for made-up accounts until the
    address as a whole is refused."""
    attacker = PageClient(app.test_client())
    for n in range(sign_in_throttle.ADDRESS_FREE_ATTEMPTS):
        attempt(attacker, f"made-up{n}@example.com", "guess", 400)
    attempt(attacker, "made-up@example.com", "guess", 429)


def set_cookie_header(response) -> SimpleCookie:
    cookies = SimpleCookie()
    for header in response.headers.getlist("Set-Cookie"):
        cookies.load(header)
    return cookies


def test_a_signed_in_browser_gets_a_signed_http_only_same_site_device_cookie(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    page = attempt(client_request, officer.email, _factories.PASSWORD, 302)
    cookie = set_cookie_header(page.response)[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/staff/sign-in"
    assert cookie.value.count(".") == 2, "signed (payload, time, signature)"
    failed = attempt(PageClient(client_request.client.application.test_client()), officer.email, "wrong", 400)
    assert COOKIE_NAME not in set_cookie_header(failed.response)


def test_the_device_cookie_is_secure_in_production(client_request, factories, app) -> None:
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        officer = factories.StaffUserFactory()
        page = attempt(client_request, officer.email, _factories.PASSWORD, 302)
        assert set_cookie_header(page.response)[COOKIE_NAME]["secure"]
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False


def test_wrong_passwords_for_made_up_accounts_from_the_office_do_not_lock_out_staff_who_signed_in_there(
        app, client_request, factories) -> None:
    officer, colleague = factories.StaffUserFactory(), factories.StaffUserFactory()
    attempt(client_request, officer.email, _factories.PASSWORD, 302)  # yesterday, from their office browser
    client_request.client.delete_cookie("session")
    flood_the_office(app)
    attempt(client_request, officer.email, _factories.PASSWORD, 302)
    # A browser that never signed in here, or one whose cookie names someone else, is counted by address.
    attempt(PageClient(app.test_client()), colleague.email, _factories.PASSWORD, 429)
    client_request.client.delete_cookie("session")
    attempt(client_request, colleague.email, _factories.PASSWORD, 429)


def test_a_forged_device_cookie_is_not_trusted(app, factories) -> None:
    officer = factories.StaffUserFactory()
    flood_the_office(app)
    browser = PageClient(app.test_client())
    csrf_token(browser)
    for forged in (officer.email, f'{{"account": "{officer.email}", "nonce": "x"}}', "e30.AAAA.BBBB"):
        browser.client.set_cookie(COOKIE_NAME, forged, path="/staff/sign-in")
        attempt(browser, officer.email, _factories.PASSWORD, 429)


def test_a_device_cookie_with_too_many_failures_is_no_longer_trusted(app, client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    attempt(client_request, officer.email, _factories.PASSWORD, 302)
    client_request.client.delete_cookie("session")
    flood_the_office(app)
    # Guessed from elsewhere (a stolen laptop at home): the cookie's own count fills, not the office's.
    for _ in range(sign_in_throttle.ACCOUNT_FREE_ATTEMPTS):
        attempt(client_request, officer.email, "wrong", 400, address="198.51.100.20")
    attempt(client_request, officer.email, _factories.PASSWORD, 429)


def test_the_security_code_step_is_not_counted_by_address_either(app, client_request, factories) -> None:
    secret = pyotp.random_base32()
    officer = factories.StaffUserFactory()
    _give_second_factor(app, officer, secret)
    attempt(client_request, officer.email, _factories.PASSWORD, 302)
    assert client_request.client.get_cookie(COOKIE_NAME, path="/staff/sign-in") is None, \
        "no device cookie before the second factor"
    client_request.post_form("/staff/sign-in/security-code", {"code": pyotp.TOTP(secret).now()},
                             expected_status=302, environ_overrides={"REMOTE_ADDR": OFFICE})
    assert client_request.client.get_cookie(COOKIE_NAME, path="/staff/sign-in") is not None
    client_request.client.delete_cookie("session")
    flood_the_office(app)
    attempt(client_request, officer.email, _factories.PASSWORD, 302)
    client_request.post_form("/staff/sign-in/security-code", {"code": "000000"}, expected_status=400,
                             environ_overrides={"REMOTE_ADDR": OFFICE})


def _give_second_factor(app, user, secret: str) -> None:
    user.totp_secret_sealed = second_factor.seal(secret, links.signing_keys())
    user.totp_confirmed_at_utc = utc_now()
    db.session.commit()
