"""Single sign-on through a real local OpenID Connect provider (tests/oidc_provider.py): the browser's round trip
through the provider's authorize form, a code swapped for signed tokens at its token endpoint, and our checks of the
ID token and of who may sign in."""

from __future__ import annotations

import time

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from alerts.credentials import second_factor
from alerts.extensions import db
from alerts.models import AuditEvent, Role, StaffUser, utc_now
from alerts.services import single_sign_on as sso_service
from tests.oidc_provider import (  # noqa: F401 — fixtures
    Provider,
    callback_path,
    oidc_provider,
    re_signed,
    single_sign_on,
    tampered,
)
from tests.pages import PageClient
from tests.staff.conftest import csrf_token

EMAIL = "amara.officer@dorsetcouncil.example"


def _start(client_request: PageClient, provider: Provider) -> str:
    """Press "Sign in with …": the address of the provider's authorize page we are sent to."""
    token = csrf_token(client_request)
    response = client_request.client.post("/staff/sign-in/sso", data={"csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def _round_trip(client_request: PageClient, provider: Provider, sub: str = "amara") -> object:
    """Sign in at the provider as `sub` and come back to our callback: our callback's response."""
    location = provider.authorize(_start(client_request, provider), sub)
    assert location.startswith("http://localhost/staff/sign-in/sso/callback?"), location
    return client_request.client.get(callback_path(location))


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/staff/").status_code == 200


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _officer_at_provider(provider: Provider, sub: str = "amara", **claims: object) -> None:
    provider.set_user(sub, {"email": EMAIL, "email_verified": True, "roles": ["officer"], "amr": ["pwd", "mfa"],
                            **claims})


def test_the_sign_in_page_offers_the_provider_as_a_posted_form_with_its_csrf_token(
        client_request: PageClient, single_sign_on: Provider) -> None:  # noqa: F811
    page = client_request.get("/staff/sign-in")
    form = page.soup.select_one("form[action='/staff/sign-in/sso']")
    assert form is not None and form["method"] == "post"
    assert form.select_one("input[name=csrf_token]")["value"]
    assert form.select_one("button").get_text(strip=True) == "Sign in with Dorset Council account"
    assert "For admins only" in page.text


def test_without_single_sign_on_the_page_has_no_provider_button_and_the_routes_are_not_found(
        client_request: PageClient) -> None:
    page = client_request.get("/staff/sign-in")
    assert not page.soup.select("form[action='/staff/sign-in/sso']")
    assert client_request.client.get("/staff/sign-in/sso/callback?code=x&state=y").status_code == 404


def test_starting_single_sign_on_needs_the_forms_csrf_token(client_request: PageClient,
                                                             single_sign_on: Provider) -> None:  # noqa: F811
    assert client_request.client.post("/staff/sign-in/sso", data={}).status_code == 400


def test_the_redirect_asks_for_a_code_with_pkce_state_and_nonce(client_request: PageClient,
                                                                 single_sign_on: Provider) -> None:  # noqa: F811
    location = _start(client_request, single_sign_on)
    from urllib.parse import parse_qs, urlsplit

    query = {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == "alerts-test-client"
    assert query["redirect_uri"] == "http://localhost/staff/sign-in/sso/callback"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["state"] and query["nonce"]
    assert set(query["scope"].split()) == {"openid", "email", "profile"}


def test_the_full_round_trip_signs_an_officer_in_with_the_providers_role(
        client_request: PageClient, single_sign_on: Provider) -> None:  # noqa: F811
    _officer_at_provider(single_sign_on)
    response = _round_trip(client_request, single_sign_on)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert _signed_in(client_request.client)
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == EMAIL))
    assert user is not None and user.role == Role.OFFICER and user.roles_from_provider
    assert client_request.client.get("/staff/notices/new").status_code == 200
    assert _actions() == ["staff_user.created", "staff.signed_in"]


def test_a_tampered_id_token_is_refused(client_request: PageClient, single_sign_on: Provider) -> None:  # noqa: F811
    _officer_at_provider(single_sign_on)
    single_sign_on.rewrite_id_token = lambda token, key: tampered(token, roles=["admin"])
    page = _round_trip(client_request, single_sign_on)
    assert page.status_code == 400
    assert "We could not check your sign-in" in page.get_data(as_text=True)
    assert not _signed_in(client_request.client)
    assert db.session.scalar(select(StaffUser).where(StaffUser.email == EMAIL)) is None


def test_a_token_re_signed_by_the_provider_unchanged_still_signs_in(
        client_request: PageClient, single_sign_on: Provider) -> None:  # noqa: F811
    # The control for the next tests: re-signing alone changes nothing, so each refusal is the changed claim's.
    _officer_at_provider(single_sign_on)
    single_sign_on.rewrite_id_token = lambda token, key: re_signed(token, key)
    assert _round_trip(client_request, single_sign_on).status_code == 302
    assert _signed_in(client_request.client)


@pytest.mark.parametrize("changes", [
    pytest.param({"aud": "another-councils-client"}, id="wrong audience"),
    # Authlib alone only checks `azp` against our client id: the audience itself has to be asked for.
    pytest.param({"aud": "another-councils-client", "azp": "alerts-test-client"}, id="wrong audience, our azp"),
    pytest.param({"iss": "http://127.0.0.1:1"}, id="wrong issuer"),
    pytest.param({"exp": int(time.time()) - 600, "iat": int(time.time()) - 4200}, id="expired"),
    pytest.param({"nonce": "not-the-one-we-sent"}, id="wrong nonce"),
])
def test_a_genuinely_signed_token_with_a_wrong_claim_is_refused(
        client_request: PageClient, single_sign_on: Provider, changes: dict) -> None:  # noqa: F811
    _officer_at_provider(single_sign_on)
    single_sign_on.rewrite_id_token = lambda token, key: re_signed(token, key, **changes)
    assert _round_trip(client_request, single_sign_on).status_code == 400
    assert not _signed_in(client_request.client)


def test_a_replayed_state_is_refused(client_request: PageClient, single_sign_on: Provider,  # noqa: F811
                                     app: Flask) -> None:
    _officer_at_provider(single_sign_on)
    location = single_sign_on.authorize(_start(client_request, single_sign_on), "amara")
    assert client_request.client.get(callback_path(location)).status_code == 302
    assert client_request.client.get(callback_path(location)).status_code == 400, "the same client again"
    stranger = app.test_client()
    assert stranger.get(callback_path(location)).status_code == 400, "another browser with the same address"
    assert not _signed_in(stranger)


def test_a_role_removed_at_the_provider_refuses_the_next_sign_in(
        client_request: PageClient, single_sign_on: Provider) -> None:  # noqa: F811
    _officer_at_provider(single_sign_on)
    assert _round_trip(client_request, single_sign_on).status_code == 302
    client_request.client.delete_cookie("session")
    single_sign_on.set_user("amara", {"email": EMAIL, "email_verified": True, "amr": ["mfa"]})
    page = _round_trip(client_request, single_sign_on)
    assert page.status_code == 403
    assert sso_service.ROLE_REMOVED in page.get_data(as_text=True)
    assert not _signed_in(client_request.client)
    assert _actions()[-1] == "staff.single_sign_on_refused"


def test_a_role_changed_at_the_provider_takes_effect_at_the_next_sign_in(
        client_request: PageClient, single_sign_on: Provider) -> None:  # noqa: F811
    _officer_at_provider(single_sign_on)
    assert _round_trip(client_request, single_sign_on).status_code == 302
    client_request.client.delete_cookie("session")
    _officer_at_provider(single_sign_on, roles=["contact_centre", "something-else"])
    assert _round_trip(client_request, single_sign_on).status_code == 302
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == EMAIL))
    assert user is not None and user.role == Role.CONTACT_CENTRE
    assert client_request.client.get("/staff/notices/new").status_code == 403
    assert client_request.client.get("/staff/lookup").status_code == 200


def test_no_role_and_no_account_is_refused_with_a_clear_page(client_request: PageClient,
                                                             single_sign_on: Provider) -> None:  # noqa: F811
    single_sign_on.set_user("stranger", {"email": "someone@dorsetcouncil.example", "email_verified": True})
    page = _round_trip(client_request, single_sign_on, "stranger")
    assert page.status_code == 403
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.h1.get_text(strip=True) == "You cannot sign in"
    assert sso_service.NO_ACCESS in soup.get_text()
    assert db.session.scalar(select(StaffUser)) is None
    refusal = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert refusal is not None and refusal.action == "staff.single_sign_on_refused"
    assert (refusal.actor, refusal.target_type, refusal.details["reason"]) == (
        "someone@dorsetcouncil.example", None, "no account and no role")


def test_a_disabled_account_stays_out_whatever_role_the_provider_asserts(
        client_request: PageClient, single_sign_on: Provider, factories) -> None:  # noqa: F811
    factories.StaffUserFactory(email=EMAIL, role=Role.OFFICER, is_disabled=True)
    _officer_at_provider(single_sign_on)
    page = _round_trip(client_request, single_sign_on)
    assert page.status_code == 403 and sso_service.DISABLED in page.get_data(as_text=True)
    assert not _signed_in(client_request.client)


def test_an_account_an_admin_made_signs_in_by_its_verified_email_without_provider_roles(
        client_request: PageClient, single_sign_on: Provider, factories) -> None:  # noqa: F811
    # Google Workspace has no app roles: the admin makes the account, the provider proves the email.
    factories.StaffUserFactory(email=EMAIL, role=Role.MANAGER)
    single_sign_on.set_user("amara", {"email": EMAIL.upper(), "email_verified": True})
    assert _round_trip(client_request, single_sign_on).status_code == 302
    assert client_request.client.get("/staff/insight").status_code == 200


def test_an_unverified_email_does_not_match_an_account(client_request: PageClient, single_sign_on: Provider,  # noqa: F811
                                                       factories) -> None:
    factories.StaffUserFactory(email=EMAIL, role=Role.MANAGER)
    single_sign_on.set_user("amara", {"email": EMAIL, "email_verified": False})
    page = _round_trip(client_request, single_sign_on)
    assert page.status_code == 403 and sso_service.NOT_VERIFIED in page.get_data(as_text=True)
    assert not _signed_in(client_request.client)


def _with_second_factor(app: Flask, factories) -> StaffUser:
    return factories.StaffUserFactory(
        email=EMAIL, role=Role.OFFICER,
        totp_secret_sealed=second_factor.seal(second_factor.new_secret(), app.config["SECRET_KEY"]),
        totp_confirmed_at_utc=utc_now())


def test_when_the_provider_asked_for_mfa_our_second_factor_is_not_asked_again(
        client_request: PageClient, single_sign_on: Provider, factories, app: Flask) -> None:  # noqa: F811
    _with_second_factor(app, factories)
    _officer_at_provider(single_sign_on, amr=["pwd", "mfa"])
    response = _round_trip(client_request, single_sign_on)
    assert response.headers["Location"] == "/staff/"
    assert _signed_in(client_request.client)


def test_without_amr_mfa_our_second_factor_is_asked_for(
        client_request: PageClient, single_sign_on: Provider, factories, app: Flask) -> None:  # noqa: F811
    _with_second_factor(app, factories)
    single_sign_on.set_user("amara", {"email": EMAIL, "email_verified": True, "roles": ["officer"]})
    response = _round_trip(client_request, single_sign_on)
    assert response.headers["Location"] == "/staff/sign-in/security-code"
    assert not _signed_in(client_request.client)
    assert client_request.client.get("/staff/sign-in/security-code").status_code == 200


def test_with_mfa_required_amr_mfa_needs_no_second_factor_of_ours_and_without_it_one_is_set_up(
        client_request: PageClient, single_sign_on: Provider, app: Flask,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "MFA_REQUIRED", True)
    _officer_at_provider(single_sign_on, amr=["mfa"])
    assert _round_trip(client_request, single_sign_on).headers["Location"] == "/staff/"
    assert client_request.client.get("/staff/notices/new").status_code == 200
    client_request.client.delete_cookie("session")
    _officer_at_provider(single_sign_on, amr=["pwd"])
    assert _round_trip(client_request, single_sign_on).headers["Location"] == "/staff/account/second-factor"
    assert client_request.client.get("/staff/notices/new").headers["Location"] == "/staff/account/second-factor"


def _password_sign_in(client_request: PageClient, user: StaffUser) -> object:
    token = csrf_token(client_request)
    return client_request.client.post("/staff/sign-in", data={"email": user.email, "password": "correct horse battery",
                                                              "csrf_token": token})


def test_with_single_sign_on_an_officers_password_is_refused_and_points_to_the_button(
        client_request: PageClient, single_sign_on: Provider, factories) -> None:  # noqa: F811
    from tests.factories import PASSWORD

    officer = factories.StaffUserFactory(role=Role.OFFICER)
    page = client_request.post("/staff/sign-in", {"email": officer.email, "password": PASSWORD,
                                                  "csrf_token": csrf_token(client_request)}, expected_status=400)
    assert page.error_summary() == [
        "Use the Sign in with Dorset Council account button: passwords here are for admins only"]
    assert not _signed_in(client_request.client)
    assert _actions()[-1] == "staff.password_sign_in_refused"


def test_with_single_sign_on_an_admins_password_still_works_for_break_glass(
        client_request: PageClient, single_sign_on: Provider, factories) -> None:  # noqa: F811
    from tests.staff.conftest import sign_in

    sign_in(client_request, factories.StaffUserFactory(role=Role.ADMIN))
    assert _signed_in(client_request.client)


def test_local_sign_in_all_lets_every_password_work(client_request: PageClient, single_sign_on: Provider,  # noqa: F811
                                                    factories, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.staff.conftest import sign_in

    monkeypatch.setitem(app.config, "LOCAL_SIGN_IN", "all")
    sign_in(client_request, factories.StaffUserFactory(role=Role.OFFICER))
    assert _signed_in(client_request.client)


def test_signing_out_ends_our_session_and_goes_to_the_providers_end_session_endpoint(
        client_request: PageClient, single_sign_on: Provider) -> None:  # noqa: F811
    _officer_at_provider(single_sign_on)
    assert _round_trip(client_request, single_sign_on).status_code == 302
    token = csrf_token(client_request, "/staff/sign-out")
    response = client_request.client.post("/staff/sign-out", data={"csrf_token": token})
    assert response.headers["Location"] == (
        f"{single_sign_on.issuer}/oauth2/end_session?client_id=alerts-test-client"
        "&post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Fstaff%2Fsign-in")
    assert not _signed_in(client_request.client)
    assert _actions()[-1] == "staff.signed_out"


def test_an_admin_signed_in_with_a_password_signs_out_here_only(
        client_request: PageClient, single_sign_on: Provider, factories) -> None:  # noqa: F811
    from tests.staff.conftest import sign_in

    sign_in(client_request, factories.StaffUserFactory(role=Role.ADMIN))
    token = csrf_token(client_request, "/staff/sign-out")
    assert client_request.client.post("/staff/sign-out",
                                      data={"csrf_token": token}).headers["Location"] == "/staff/sign-in"


def test_the_sign_in_and_sign_out_pages_let_their_forms_go_on_to_the_provider(
        client_request: PageClient, single_sign_on: Provider, factories) -> None:  # noqa: F811
    # Browsers apply form-action to every redirect after a form is posted: 'self' alone stops the button at our
    # redirect to the provider.
    policy = client_request.client.get("/staff/sign-in").headers["Content-Security-Policy"]
    assert f"form-action 'self' {single_sign_on.issuer};" in policy
    _officer_at_provider(single_sign_on)
    _round_trip(client_request, single_sign_on)
    policy = client_request.client.get("/staff/sign-out").headers["Content-Security-Policy"]
    assert f"form-action 'self' {single_sign_on.issuer};" in policy
    assert "form-action 'self';" in client_request.client.get("/staff/").headers["Content-Security-Policy"]


def test_without_single_sign_on_forms_post_to_this_service_only(client_request: PageClient) -> None:
    assert "form-action 'self';" in client_request.client.get("/staff/sign-in").headers["Content-Security-Policy"]


def test_a_provider_that_does_not_answer_gives_a_clear_page_and_admins_keep_their_passwords(
        client_request: PageClient, app: Flask, factories, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.staff.conftest import sign_in

    monkeypatch.setitem(app.config, "OIDC_ISSUER_URL", "http://127.0.0.1:1")  # nothing listens there
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", "alerts-test-client")
    page = client_request.get("/staff/sign-in")
    assert "form-action 'self' http://127.0.0.1:1;" in page.response.headers["Content-Security-Policy"]
    response = client_request.client.post("/staff/sign-in/sso", data={"csrf_token": csrf_token(client_request)})
    assert response.status_code == 502
    assert "We could not check your sign-in with your council account" in response.get_data(as_text=True)
    sign_in(client_request, factories.StaffUserFactory(role=Role.ADMIN))
    assert _signed_in(client_request.client)
