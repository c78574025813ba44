"""Rotating SECRET_KEY: the new key signs and seals; retired keys in SECRET_KEY_FALLBACKS still verify and unseal
until they leave the list, and `reseal-secrets` moves sealed second factor secrets onto the new key first."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pyotp
import pytest
from flask import Flask
from freezegun import freeze_time

from alerts import links
from alerts.credentials import second_factor
from alerts.data import staff_accounts
from alerts.extensions import db
from alerts.models import Role, StaffUser
from config.settings import csrf_signing_keys
from tests import factories as _factories
from tests.pages import PageClient
from tests.staff.conftest import csrf_token, sign_in

OLD_KEY = "test-old-signing-key-retired-after-a-leak"
NEW_KEY = "test-new-signing-key-after-the-rotation"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"

Rotate = Callable[..., None]


@pytest.fixture
def rotate(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Rotate:
    """rotate(key, fallbacks): what a restart with new SECRET_KEY and SECRET_KEY_FALLBACKS does to the settings."""

    def _rotate(key: str, fallbacks: list[str] | None = None) -> None:
        monkeypatch.setitem(app.config, "SECRET_KEY", key)
        monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", list(fallbacks or []))
        monkeypatch.setitem(app.config, "WTF_CSRF_SECRET_KEY", csrf_signing_keys(app.config))

    return _rotate


def test_a_manage_link_made_under_the_old_key_works_while_the_old_key_is_a_fallback(
        client_request, factories, rotate) -> None:
    subscriber = factories.SubscriberFactory()
    rotate(OLD_KEY)
    path = links.manage_url(subscriber.id, subscriber.token_version).removeprefix("http://localhost")
    rotate(NEW_KEY, [OLD_KEY])
    assert client_request.get(path).h1 == "Your alerts"
    fresh_link = links.make_token(links.MANAGE, subscriber.id, subscriber.token_version)
    rotate(NEW_KEY)
    page = client_request.get(path, expected_status=404)
    assert page.h1 == "This link has expired or is not valid"
    assert links.read_token(links.MANAGE, fresh_link).subscriber_id == subscriber.id, "new links use the new key"


def test_unsubscribe_and_short_links_follow_the_same_rotation(client, factories, rotate) -> None:
    subscriber = factories.SubscriberFactory()
    rotate(OLD_KEY)
    unsubscribe = links.make_token(links.UNSUBSCRIBE, subscriber.id, subscriber.token_version)
    short = links.short_code(subscriber.id, subscriber.token_version)
    rotate(NEW_KEY, [OLD_KEY])
    assert links.read_token(links.UNSUBSCRIBE, unsubscribe).subscriber_id == subscriber.id
    assert client.get(f"/s/{short}").status_code == 303
    rotate(NEW_KEY)
    with pytest.raises(links.InvalidToken):
        links.read_token(links.UNSUBSCRIBE, unsubscribe)
    assert client.get(f"/s/{short}").status_code != 303


def _signed_in_with(app: Flask, cookie: str) -> bool:
    browser = app.test_client()
    browser.set_cookie("session", cookie)
    return browser.get("/staff/").status_code == 200


def test_an_old_session_cookie_and_form_still_work_with_the_old_key_as_a_fallback(
        app, client_request, factories, rotate) -> None:
    rotate(OLD_KEY)
    sign_in(client_request, factories.StaffUserFactory(role=Role.OFFICER))
    token = csrf_token(client_request, "/staff/account/password")
    old_cookie = client_request.client.get_cookie("session").value
    rotate(NEW_KEY, [OLD_KEY])
    assert _signed_in_with(app, old_cookie)
    rotate(NEW_KEY)
    assert not _signed_in_with(app, old_cookie), "a cookie signed with a dropped key signs nobody in"
    rotate(NEW_KEY, [OLD_KEY])
    page = client_request.client.post("/staff/account/password", data={
        "csrf_token": token, "current_password": _factories.PASSWORD,
        "new_password": "a quite different passphrase"})
    assert page.status_code == 302, "the form's CSRF token, made under the old key, is accepted"
    assert page.headers["Location"] == "/staff/account"


def _signs_in_with_a_code(client_request: PageClient, user: StaffUser, secret: str, at: float) -> bool:
    client_request.client.delete_cookie("session")
    sign_in(client_request, user)
    with freeze_time(dt.datetime.fromtimestamp(at, dt.UTC)):
        response = client_request.client.post("/staff/sign-in/security-code", data={
            "code": pyotp.TOTP(secret).at(at),
            "csrf_token": csrf_token(client_request, "/staff/sign-in/security-code")})
    return response.status_code == 302


def test_a_sealed_second_factor_secret_survives_a_rotation_and_reseal_secrets(
        app, client_request, factories, rotate, runner) -> None:
    app.config["MFA_REQUIRED"] = True
    try:
        user = factories.StaffUserFactory()
        rotate(OLD_KEY)
        staff_accounts.confirm_second_factor(user, second_factor.seal(TOTP_SECRET, OLD_KEY),
                                             pyotp.TOTP(TOTP_SECRET).now(), OLD_KEY)
        db.session.commit()
        rotate(NEW_KEY, [OLD_KEY])
        assert _signs_in_with_a_code(client_request, user, TOTP_SECRET, time.time() + 30), "read with the fallback"

        result = runner.invoke(args=["reseal-secrets"])
        assert result.exit_code == 0, result.output
        assert "Resealed 1 second factor secret(s)" in result.output
        db.session.expire_all()
        assert second_factor.unseal(db.session.get(StaffUser, user.id).totp_secret_sealed, NEW_KEY) == TOTP_SECRET

        rotate(NEW_KEY)
        assert _signs_in_with_a_code(client_request, user, TOTP_SECRET, time.time() + 60), "fallback removed"
    finally:
        app.config["MFA_REQUIRED"] = False


def test_reseal_secrets_names_a_secret_no_key_can_read_and_leaves_it(factories, rotate, runner) -> None:
    user = factories.StaffUserFactory()
    staff_accounts.confirm_second_factor(user, second_factor.seal(TOTP_SECRET, OLD_KEY),
                                         pyotp.TOTP(TOTP_SECRET).now(), OLD_KEY)
    db.session.commit()
    sealed = user.totp_secret_sealed
    rotate(NEW_KEY)
    result = runner.invoke(args=["reseal-secrets"])
    assert result.exit_code == 1
    assert f"could not be read with SECRET_KEY or SECRET_KEY_FALLBACKS (staff user ids {user.id})" in result.output
    db.session.expire_all()
    assert db.session.get(StaffUser, user.id).totp_secret_sealed == sealed


def test_multifernet_seals_with_the_first_key_and_unseals_with_any() -> None:
    sealed = second_factor.seal(TOTP_SECRET, [NEW_KEY, OLD_KEY])
    assert second_factor.unseal(sealed, NEW_KEY) == TOTP_SECRET
    old = second_factor.seal(TOTP_SECRET, OLD_KEY)
    assert second_factor.unseal(old, [NEW_KEY, OLD_KEY]) == TOTP_SECRET
    with pytest.raises(second_factor.SecretUnreadable):
        second_factor.unseal(old, [NEW_KEY])


def test_a_confirmation_code_sent_just_before_a_rotation_still_matches_while_the_old_key_is_a_fallback() -> None:
    from alerts.services import confirmation_codes

    stored = confirmation_codes.hash_code(OLD_KEY, 7, "123456")
    assert confirmation_codes.code_matches([NEW_KEY, OLD_KEY], 7, "123456", stored)
    assert not confirmation_codes.code_matches([NEW_KEY], 7, "123456", stored)
    assert not confirmation_codes.code_matches([NEW_KEY, OLD_KEY], 7, "654321", stored)
