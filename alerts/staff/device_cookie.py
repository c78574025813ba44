"""OWASP's device cookie: a browser that has signed in to an account before (password and, if they have one,
security code) keeps a signed cookie naming that account and a random nonce. Presented when signing in to the
same account, it lets the attempt be counted by the cookie instead of by address, so a flood of wrong passwords
for made-up accounts from the council's office address cannot lock out every member of staff there. The cookie's
own failures are counted (alerts.services.staff_sign_in): with too many, it is no longer trusted.

Signed with SECRET_KEY (retired keys in SECRET_KEY_FALLBACKS still verify); HttpOnly, SameSite=Strict, Secure
whenever the session cookie is, and sent only to the sign-in pages.
"""

from __future__ import annotations

import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from alerts import links

COOKIE_NAME = "staff_device"
MAX_AGE_DAYS = 180
_SALT = "staff-device-cookie"
_PATH = "/staff/sign-in"  # the password and security code pages, nothing else


def _serializer() -> URLSafeTimedSerializer:
    # itsdangerous signs with the last key and verifies with any: SECRET_KEY last, retired keys before it.
    return URLSafeTimedSerializer(list(reversed(links.signing_keys())), salt=_SALT)


def trusted_nonce(email: str) -> str | None:
    """The nonce of this browser's device cookie if it is validly signed, unexpired and names `email`'s account."""
    value = request.cookies.get(COOKIE_NAME)
    if not value:
        return None
    try:
        payload = _serializer().loads(value, max_age=MAX_AGE_DAYS * 24 * 60 * 60)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("account") != email.strip().lower():
        return None
    nonce = payload.get("nonce")
    return nonce if isinstance(nonce, str) and nonce else None


def remember_device(response: Response, email: str) -> None:
    """A successful sign-in: a new cookie (a new nonce, so the old one's failures stay with the old one)."""
    value = _serializer().dumps({"account": email.strip().lower(), "nonce": secrets.token_urlsafe(16)})
    response.set_cookie(COOKIE_NAME, value, max_age=MAX_AGE_DAYS * 24 * 60 * 60, path=_PATH, httponly=True,
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), samesite="Strict")
