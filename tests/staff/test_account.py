"""Each member of staff has "Your account" to change their password; admins send one-time reset links (and a
command resets a password for the first admin); TOTP with recovery codes is set up at first sign-in when
MFA_REQUIRED is on."""

import datetime as dt
import re
import time
from collections.abc import Iterator

import pyotp
import pytest
from flask import Flask
from freezegun import freeze_time
from sqlalchemy import select

from alerts.credentials import second_factor
from alerts.credentials.passwords import verify_password
from alerts.data import staff_accounts
from alerts.extensions import db
from alerts.models import AuditEvent, Message, MessageKind, MessageStatus, RecoveryCode, Role, StaffUser
from alerts.models.messages import PRIORITY_CONFIRMATION
from tests import factories as _factories
from tests.pages import PageClient
from tests.staff.conftest import csrf_token, post_form, sign_in

NEW_PASSWORD = "a quite different passphrase"


@pytest.fixture
def mfa_required(app: Flask) -> Iterator[None]:
    app.config["MFA_REQUIRED"] = True
    yield
    app.config["MFA_REQUIRED"] = False


def actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def fresh(user: StaffUser) -> StaffUser:
    db.session.expire_all()
    return db.session.get(StaffUser, user.id)


# Password change -------------------------------------------------------------------------------------------------

def test_every_member_of_staff_has_an_account_page_linked_from_the_menu(client_request, sign_in_as) -> None:
    user = sign_in_as(Role.CONTACT_CENTRE)
    page = client_request.get("/staff/account")
    assert page.h1 == "Your account"
    assert user.email in page.text and "Not set up" in page.text
    assert page.select("a[href='/staff/account']")


def test_an_officer_changes_their_password_and_their_other_sessions_end(app, client_request, sign_in_as) -> None:
    officer = sign_in_as(Role.OFFICER)
    other_device = PageClient(app.test_client())
    sign_in(other_device, officer)
    page = client_request.post_form("/staff/account/password", {"current_password": _factories.PASSWORD,
                                                                "new_password": NEW_PASSWORD}, expected_status=302)
    assert page.response.headers["Location"] == "/staff/account"
    assert "Your password has been changed" in client_request.get("/staff/account").text, "this session carries on"
    assert other_device.client.get("/staff/").status_code == 302, "the other session has ended"
    assert verify_password(fresh(officer).password_hash, NEW_PASSWORD)
    assert "staff.password_changed" in actions()


def test_changing_a_password_needs_the_current_one_and_follows_the_password_rules(client_request, sign_in_as) -> None:
    officer = sign_in_as(Role.OFFICER)
    page = client_request.post_form("/staff/account/password", {"current_password": "not my password",
                                                                "new_password": NEW_PASSWORD}, expected_status=400)
    assert page.error_summary() == ["Your current password is not right"]
    assert page.title.startswith("Error: ")
    page = client_request.post_form("/staff/account/password", {"current_password": _factories.PASSWORD,
                                                                "new_password": "password1"}, expected_status=400)
    assert page.error_summary() == ["Choose a password that is harder to guess: this one is too common"]
    assert verify_password(fresh(officer).password_hash, _factories.PASSWORD)


# Reset links -----------------------------------------------------------------------------------------------------

def reset_link_for(user: StaffUser) -> str:
    db.session.expire_all()
    message = db.session.scalars(select(Message).where(Message.recipient == user.email,
                                                       Message.kind == MessageKind.STAFF_PASSWORD_RESET)
                                 .order_by(Message.created_at_utc.desc())).first()
    assert message is not None
    return re.search(r"http://localhost(/staff/reset-password/\S+)", message.body).group(1)


def test_an_admin_sends_a_reset_link_that_is_queued_at_top_priority_and_they_never_see(
        client_request, sign_in_as, factories) -> None:
    officer = factories.StaffUserFactory()
    sign_in_as(Role.ADMIN)
    page = client_request.get(f"/staff/users/{officer.id}")
    assert "Send password reset link" in page.text and "password" not in [i.get("name") for i in page.select("input")]
    post_form(client_request, f"/staff/users/{officer.id}/send-password-reset", {},
              token_from=f"/staff/users/{officer.id}")
    message = db.session.scalars(select(Message)).one()
    # Queued, never sent inside the web request: the dispatcher sends priority-0 messages within a second.
    assert (message.status, message.priority, message.channel) == (MessageStatus.QUEUED, PRIORITY_CONFIRMATION,
                                                                    "email")
    assert message.subject == "Choose a new password for Dorset Council disruption alerts"
    link = reset_link_for(officer)
    assert link not in client_request.get("/staff/outbox").text, "an admin reading the outbox cannot use the link"
    assert "staff_user.password_reset_sent" in actions()


def test_a_reset_link_sets_a_new_password_once_and_ends_every_session(app, client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    token = staff_accounts.create_password_reset(officer, requested_by="admin@dorsetcouncil.example")
    db.session.commit()
    signed_in = PageClient(app.test_client())
    sign_in(signed_in, officer)
    url = f"/staff/reset-password/{token}"
    page = client_request.get(url)
    assert page.h1 == "Choose a new password"
    assert page.response.headers["Referrer-Policy"] == "no-referrer"
    client_request.post_form(url, {"new_password": "password1"}, expected_status=400)
    response = client_request.post_form(url, {"new_password": NEW_PASSWORD}, expected_status=302)
    assert response.response.headers["Location"] == "/staff/sign-in"
    assert verify_password(fresh(officer).password_hash, NEW_PASSWORD)
    assert signed_in.client.get("/staff/").status_code == 302
    assert client_request.get(url, expected_status=404).h1 == "This link has expired"
    assert "staff.password_reset" in actions()


def test_a_reset_link_expires_and_a_newer_one_replaces_it(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    with freeze_time() as clock:
        old = staff_accounts.create_password_reset(officer, requested_by="admin")
        new = staff_accounts.create_password_reset(officer, requested_by="admin")
        db.session.commit()
        client_request.get(f"/staff/reset-password/{old}", expected_status=404)
        client_request.get(f"/staff/reset-password/{new}")
        clock.tick(dt.timedelta(hours=24, seconds=1))
        client_request.get(f"/staff/reset-password/{new}", expected_status=404)


def test_the_reset_password_command_emails_a_link_and_sets_no_password(runner, factories) -> None:
    admin = factories.StaffUserFactory(role=Role.ADMIN, email="lost.admin@dorsetcouncil.example")
    result = runner.invoke(args=["reset-password", "lost.admin@dorsetcouncil.example"], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "We have emailed lost.admin@dorsetcouncil.example a link to choose a new password" in result.output
    assert verify_password(fresh(admin).password_hash, _factories.PASSWORD), "standard input is not a password"
    message = db.session.scalars(select(Message).where(Message.recipient == admin.email)).one()
    assert message.kind == MessageKind.STAFF_PASSWORD_RESET and "/staff/reset-password/" in message.body
    assert runner.invoke(args=["reset-password", "nobody@example.com"]).exit_code != 0


# Second factor ---------------------------------------------------------------------------------------------------

def secret_on_page(page) -> str:
    return page.soup.select_one("#secret").get_text().replace(" ", "")


def set_up(client_request: PageClient) -> tuple[str, list[str]]:
    page = client_request.get("/staff/account/second-factor")
    secret = secret_on_page(page)
    done = client_request.post_form("/staff/account/second-factor", {"code": pyotp.TOTP(secret).now()})
    codes = [code.get_text() for code in done.select("#recovery-codes code")]
    return secret, codes


def test_with_mfa_required_a_new_staff_member_reaches_no_staff_page_before_setting_up_a_second_factor(
        app, client_request, sign_in_as, mfa_required) -> None:
    sign_in_as(Role.ADMIN)
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff/") or "GET" not in rule.methods or rule.endpoint in {
                "staff.sign_in", "staff.sign_out", "staff.sign_in_code", "staff.reset_password",
                "staff.set_up_second_factor", "staff.sso_callback", "staff.forgot_password",
                "staff.password_link_sent"}:
            continue
        response = client_request.client.get(re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule))
        assert response.status_code == 302, rule.rule
        assert response.headers["Location"] == "/staff/account/second-factor", rule.rule
    page = client_request.get("/staff/account/second-factor")
    assert page.h1 == "Set up your authenticator app"
    assert page.select("#qr-code svg"), "the QR code is drawn on the server, no script needed"


def test_setting_up_refuses_a_wrong_code_then_shows_recovery_codes_once(client_request, sign_in_as) -> None:
    user = sign_in_as(Role.OFFICER)
    page = client_request.get("/staff/account/second-factor")
    secret = secret_on_page(page)
    assert secret_on_page(client_request.get("/staff/account/second-factor")) == secret, "stable across reloads"
    wrong = client_request.post_form("/staff/account/second-factor", {"code": "000000"}, expected_status=400)
    assert wrong.error_summary() == ["The code is not right. Enter the code your authenticator app shows now"]
    done = client_request.post_form("/staff/account/second-factor", {"code": pyotp.TOTP(secret).now()})
    codes = [code.get_text() for code in done.select("#recovery-codes code")]
    assert len(codes) == 10 and len(set(codes)) == 10
    user = fresh(user)
    assert user.has_second_factor
    assert secret not in (user.totp_secret_sealed or ""), "not readable from a database dump alone"
    stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert not stored & {c for c in codes} and len(stored) == 10, "only hashes are kept"
    assert "staff.second_factor_set_up" in actions()


def test_signing_in_needs_a_right_code_that_works_only_once(client_request, factories) -> None:
    user = factories.StaffUserFactory()
    sign_in(client_request, user)
    secret, _ = set_up(client_request)
    client_request.client.delete_cookie("session")
    sign_in(client_request, user)
    assert client_request.client.get("/staff/").status_code == 302, "the password alone is not enough"
    page = client_request.get("/staff/sign-in/security-code")
    assert page.h1 == "Enter your security code"
    wrong = client_request.post_form("/staff/sign-in/security-code", {"code": "123456"}, expected_status=400)
    assert wrong.error_summary() == ["The code is not right. Enter the code your authenticator app shows now, or "
                                     "an unused recovery code"]
    # The code used to set the app up is the current one: waiting for the next step proves a fresh code works.
    later = time.time() + 30
    with freeze_time(dt.datetime.fromtimestamp(later, dt.UTC)):
        code = pyotp.TOTP(secret).at(later)
        client_request.post_form("/staff/sign-in/security-code", {"code": code}, expected_status=302)
        client_request.get("/staff/")
        client_request.client.delete_cookie("session")
        sign_in(client_request, user)
        again = client_request.post_form("/staff/sign-in/security-code", {"code": code}, expected_status=400)
        assert again.error_summary()[0].startswith("The code is not right")
    assert {"staff.password_accepted", "staff.security_code_failed", "staff.signed_in"} <= set(actions())


def test_a_recovery_code_signs_in_once(client_request, factories) -> None:
    user = factories.StaffUserFactory()
    sign_in(client_request, user)
    _, codes = set_up(client_request)
    for expected in (302, 400):
        client_request.client.delete_cookie("session")
        sign_in(client_request, user)
        client_request.post_form("/staff/sign-in/security-code", {"code": codes[0].upper()},
                                 expected_status=expected)
    client_request.post_form("/staff/sign-in/security-code", {"code": codes[1]}, expected_status=302)
    assert "You have 8 left" in client_request.get("/staff/").text
    assert "staff.recovery_code_used" in actions()


def test_new_recovery_codes_replace_the_old_ones(client_request, factories) -> None:
    user = factories.StaffUserFactory()
    sign_in(client_request, user)
    _, old = set_up(client_request)
    page = client_request.post("/staff/account/recovery-codes",
                               {"csrf_token": csrf_token(client_request, "/staff/account")})
    new = [code.get_text() for code in page.select("#recovery-codes code")]
    assert len(new) == 10 and not set(new) & set(old)
    assert not staff_accounts.use_recovery_code(fresh(user), old[0])
    assert staff_accounts.use_recovery_code(fresh(user), new[0])


def test_security_code_guesses_are_slowed_down(client_request, factories) -> None:
    user = factories.StaffUserFactory()
    sign_in(client_request, user)
    set_up(client_request)
    client_request.client.delete_cookie("session")
    sign_in(client_request, user)
    for _ in range(10):
        client_request.post_form("/staff/sign-in/security-code", {"code": "000000"}, expected_status=400)
    page = client_request.post_form("/staff/sign-in/security-code", {"code": "000000"}, expected_status=429)
    assert page.error_summary() == ["Too many failed attempts to sign in. Wait 30 seconds, then try again."]


def test_an_admin_removes_a_lost_second_factor_and_the_owner_sets_up_again(
        app, client_request, factories, sign_in_as, mfa_required) -> None:
    officer = factories.StaffUserFactory()
    own_device = PageClient(app.test_client())
    sign_in(own_device, officer)
    set_up(own_device)
    sign_in_as(Role.ADMIN)
    set_up(client_request)
    post_form(client_request, f"/staff/users/{officer.id}/remove-second-factor", {},
              token_from=f"/staff/users/{officer.id}")
    assert not fresh(officer).has_second_factor
    assert own_device.client.get("/staff/").status_code == 302, "signed out"
    sign_in(own_device, officer)
    assert own_device.client.get("/staff/").headers["Location"] == "/staff/account/second-factor"


def test_a_sealed_secret_cannot_be_read_with_another_secret_key() -> None:
    sealed = second_factor.seal("JBSWY3DPEHPK3PXP", "one key")
    assert second_factor.unseal(sealed, "one key") == "JBSWY3DPEHPK3PXP"
    with pytest.raises(second_factor.SecretUnreadable):
        second_factor.unseal(sealed, "another key")


def test_mfa_is_required_by_default_in_production_only() -> None:
    from config.settings import CONFIGS

    assert CONFIGS["production"].MFA_REQUIRED is True
    assert CONFIGS["development"].MFA_REQUIRED is False and CONFIGS["test"].MFA_REQUIRED is False


def test_the_remove_second_factor_command_lets_a_locked_out_admin_set_up_again(runner, factories) -> None:
    admin = factories.StaffUserFactory(role=Role.ADMIN)
    staff_accounts.confirm_second_factor(admin, second_factor.seal("JBSWY3DPEHPK3PXP", "k"),
                                         pyotp.TOTP("JBSWY3DPEHPK3PXP").now(), "k")
    db.session.commit()
    result = runner.invoke(args=["remove-second-factor", admin.email])
    assert result.exit_code == 0, result.output
    assert not fresh(admin).has_second_factor
    assert staff_accounts.count_unused_recovery_codes(fresh(admin)) == 0


def test_an_admin_adds_a_user_who_chooses_their_own_first_password_from_an_emailed_link(
        client_request, sign_in_as) -> None:
    # Nobody but the new user ever knows their password: the admin leaves it blank and they get a one-time link.
    sign_in_as(Role.ADMIN)
    post_form(client_request, "/staff/users", {"email": "new.officer@dorsetcouncil.example", "role": "officer",
                                               "password": ""}, token_from="/staff/users")
    user = db.session.scalars(select(StaffUser).where(StaffUser.email == "new.officer@dorsetcouncil.example")).one()
    message = db.session.scalars(select(Message).where(Message.recipient == user.email)).one()
    assert (message.kind, message.priority) == (MessageKind.STAFF_PASSWORD_RESET, PRIORITY_CONFIRMATION)
    assert message.subject == "Your staff account for Dorset Council disruption alerts"
    assert "choose your password" in message.body
    link = reset_link_for(user)
    assert link not in client_request.get("/staff/outbox").text, "an admin reading the outbox cannot use the link"
    assert "staff_user.created" in actions() and "staff_user.password_reset_sent" in actions()

    client_request.get("/staff/sign-out")
    client_request.post_form(link, {"new_password": NEW_PASSWORD}, expected_status=302)
    assert verify_password(fresh(user).password_hash, NEW_PASSWORD)


@pytest.mark.parametrize("password", ["Dorset2025!", "Summer2025!", "Gritting1", "Weymouth-Weymouth"])
def test_a_new_password_built_from_the_councils_places_services_or_a_season_is_refused(
        client_request, sign_in_as, password: str) -> None:
    officer = sign_in_as(Role.OFFICER)
    page = client_request.post_form("/staff/account/password", {"current_password": _factories.PASSWORD,
                                                                "new_password": password}, expected_status=400)
    assert page.error_summary() == [
        "Choose a password that is harder to guess: do not build it from the council's or a place's name, a service, "
        "a season or month and a year, or your email address"]
    assert verify_password(fresh(officer).password_hash, _factories.PASSWORD)
