"""Single sign-on: staff sign in with the council's identity provider (OpenID Connect, through Authlib's Flask
client), which then owns their password, their second factor when it says so, and joiners and leavers.

`/staff/sign-in/sso` (a posted form with its CSRF token) sends the browser to the provider with an authorisation
code request: PKCE (S256), a state and a nonce, all kept in our session. The callback takes the code back, swaps it
for tokens at the provider's token endpoint, and checks the ID token's signature against the keys the provider
publishes (its discovery document's `jwks_uri`), its issuer (`OIDC_ISSUER_URL`), audience (`OIDC_CLIENT_ID`), expiry
and nonce. A state we did not hand out, or one already used, is refused. What the checked claims allow is
`alerts.services.single_sign_on`'s decision; signing in is `complete_sign_in()`'s, as for a password.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from alerts.services import single_sign_on
from alerts.staff import staff
from alerts.staff.access import safe_next
from alerts.staff.auth import PENDING_SIGN_IN, complete_sign_in
from alerts.staff.forms import ConfirmForm
from alerts.web.security_headers import content_security_policy

log = logging.getLogger(__name__)

CLIENT_NAME = "council_sso"
PROVIDER_TIMEOUT_SECONDS = 10
# What a failed exchange with the provider raises: a network failure, an OAuth error (a replayed or forged state, a
# code refused), or a JOSE error from the ID token's checks (Authlib checks tokens with joserfc).
PROVIDER_ERRORS = (requests.RequestException, AuthlibBaseError, JoseError, ValueError)


def enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER_URL"))


def provider_name() -> str:
    return str(current_app.config.get("OIDC_PROVIDER_NAME") or "your council account")


def _client() -> Any:
    """The Authlib client for the configured provider, one per app and settings (discovery and keys are cached on
    it, and fetched again when the provider signs with a key we have not seen)."""
    config = current_app.config
    settings = (config["OIDC_ISSUER_URL"], config.get("OIDC_CLIENT_ID"), config.get("OIDC_CLIENT_SECRET"))
    cached = current_app.extensions.get("alerts.single_sign_on")
    if cached is not None and cached[0] == settings:
        return cached[1]
    oauth = OAuth()
    oauth.init_app(current_app._get_current_object())  # type: ignore[attr-defined]
    client = oauth.register(
        CLIENT_NAME,
        client_id=settings[1],
        client_secret=settings[2],
        server_metadata_url=f"{settings[0]}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256",
                       "default_timeout": PROVIDER_TIMEOUT_SECONDS},
    )
    current_app.extensions["alerts.single_sign_on"] = (settings, client)
    return client


def _callback_url() -> str:
    # The address registered at the provider: the public origin, as in every link we send.
    return current_app.config["BASE_URL"].rstrip("/") + url_for("staff.sso_callback")


def _try_again() -> str:
    return _("We could not check your sign-in with %(provider)s. Try again, or ask your IT team if it keeps happening.",
             provider=provider_name())


def _refused(message: str, status: int = 403) -> tuple[str, int]:
    return render_template("staff/sso_refused.html", message=message, provider_name=provider_name()), status


# Pages whose forms post to us and are redirected on to the provider: "Sign in with …", and signing out.
FORMS_TO_PROVIDER = frozenset({"staff.sign_in", "staff.sign_out"})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _provider_origins() -> list[str]:
    """Where the provider's authorisation and end-session endpoints are (the issuer's origin if unknown)."""
    origins = [_origin(current_app.config["OIDC_ISSUER_URL"])]
    try:
        metadata = _client().load_server_metadata()
    except PROVIDER_ERRORS:
        return origins
    for key in ("authorization_endpoint", "end_session_endpoint"):
        if isinstance(metadata.get(key), str):
            origins.append(_origin(metadata[key]))
    return list(dict.fromkeys(origins))


@staff.after_request
def _allow_forms_to_go_on_to_the_provider(response: Response) -> Response:
    # Browsers check form-action at every redirect a form submission follows, so without the provider's origin
    # "Sign in with …" would stop at our redirect to it.
    if request.endpoint in FORMS_TO_PROVIDER and enabled() and response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = content_security_policy(_provider_origins())
    return response


@staff.post("/sign-in/sso")
def sign_in_sso() -> Response | tuple[str, int]:
    if not enabled():
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400, _("The form expired. Go back to the sign-in page and try again."))
    target = safe_next(request.args.get("next"))
    try:
        response = _client().authorize_redirect(_callback_url())
    except PROVIDER_ERRORS:
        log.warning("single sign-on: the provider's discovery document could not be read", exc_info=True)
        return _refused(_try_again(), 502)
    session["sso_next"] = target
    return response


def _identity(userinfo: dict[str, Any]) -> single_sign_on.ProviderIdentity:
    roles = userinfo.get(current_app.config.get("OIDC_ROLES_CLAIM") or "roles") or ()
    amr = userinfo.get("amr") or ()
    return single_sign_on.ProviderIdentity(
        issuer=str(userinfo.get("iss", "")),
        subject=str(userinfo.get("sub", "")),
        email=str(userinfo["email"]) if userinfo.get("email") else None,
        email_verified=userinfo.get("email_verified") is True or userinfo.get("email_verified") == "true",
        roles=(roles,) if isinstance(roles, str) else tuple(str(role) for role in roles),
        mfa="mfa" in ((amr,) if isinstance(amr, str) else tuple(amr)),
    )


@staff.get("/sign-in/sso/callback")
def sso_callback() -> Response | tuple[str, int]:
    if not enabled():
        abort(404)
    # Authlib checks the signature, expiry, nonce and `azp`; the issuer and the audience are ours to ask for (with
    # no `aud` option it would take a token for another client that names us as its `azp`).
    claims_options = {"iss": {"essential": True, "values": [current_app.config["OIDC_ISSUER_URL"]]},
                      "aud": {"essential": True, "values": [current_app.config["OIDC_CLIENT_ID"]]}}
    try:
        token = _client().authorize_access_token(claims_options=claims_options)
    except PROVIDER_ERRORS as error:
        # A replayed or forged state, a code the provider would not swap, a token whose signature, issuer,
        # audience, expiry or nonce is wrong, or a provider that did not answer: all end here, none signs in.
        log.warning("single sign-on refused: %s", error)
        return _refused(_try_again(), 400)
    userinfo = token.get("userinfo")
    if not userinfo:
        log.warning("single sign-on refused: the provider sent no ID token")
        return _refused(_try_again(), 400)
    identity = _identity(dict(userinfo))
    target = safe_next(session.pop("sso_next", None))
    try:
        user = single_sign_on.account_for(identity, request.remote_addr)
    except single_sign_on.Refused as refusal:
        return _refused(str(refusal))
    if not identity.mfa and user.has_second_factor:
        # The provider did not say it asked for a second factor: ours comes next, as after a password.
        session.clear()
        session[PENDING_SIGN_IN] = {"user": user.get_id(), "at": int(time.time()), "next": target,
                                    "with_provider": True}
        return redirect(url_for("staff.sign_in_code"))
    return complete_sign_in(user, target, with_provider=True, provider_checked_mfa=identity.mfa)


def end_session_url() -> str | None:
    """Where to send someone who signed in through the provider when they sign out here: the provider's
    end-session endpoint, if its discovery document has one, coming back to our sign-in page."""
    if not enabled():
        return None
    try:
        metadata = _client().load_server_metadata()
    except PROVIDER_ERRORS:
        log.warning("single sign-on: no discovery document to sign out with", exc_info=True)
        return None
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    query = urlencode({"client_id": current_app.config["OIDC_CLIENT_ID"],
                       "post_logout_redirect_uri": current_app.config["BASE_URL"].rstrip("/")
                       + url_for("staff.sign_in")})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
