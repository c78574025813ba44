"""The headers every response carries: what may run, what may frame it, what it may leak.

Scripts are allowed from the service itself and, inline, only by their SHA-256 hash (CSP level 2), never by a
per-response nonce: a nonce makes every page unique, so no CDN could keep a copy, while a hash lets every anonymous
visitor get the very same bytes. The one inline script is GOV.UK Frontend's template line that marks the body as
JavaScript-enabled; its hash is read from the installed govuk-frontend-jinja template, so an upgrade that changes it
still matches (tests check every inline script on every page against the header).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any, Protocol

from flask import Flask, Response, request

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
HSTS = "max-age=31536000; includeSubDomains"  # a year, as GOV.UK advises; production is served over HTTPS only
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)


def script_hash(source: str) -> str:
    """A CSP source expression allowing exactly this inline script text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


@cache
def inline_script_hashes() -> tuple[str, ...]:
    """The hashes of the inline scripts in GOV.UK Frontend's page template (one today). Our own templates have none:
    their JavaScript lives in static/ files."""
    template = files("govuk_frontend_jinja").joinpath("templates/template.html").read_text()
    # Jinja expressions would render differently per page, and a hash cannot follow them: allow literal scripts only.
    return tuple(sorted({script_hash(body) for body in _INLINE_SCRIPT.findall(template) if "{{" not in body}))


def content_security_policy(form_targets: Iterable[str] = ()) -> str:
    """The policy; `form_targets` are other origins a form here may end up at after a redirect (browsers apply
    form-action to every redirect: the staff sign-in and sign-out forms go on to the identity provider)."""
    scripts = " ".join(("'self'", *inline_script_hashes()))
    form_action = " ".join(("'self'", *form_targets))
    return (f"default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            f"object-src 'none'; base-uri 'none'; form-action {form_action}; frame-ancestors 'none'")


@cache
def _headers(framable: bool, production: bool) -> tuple[tuple[str, str], ...]:
    headers: dict[str, str] = {}
    if not framable:
        headers["Content-Security-Policy"] = content_security_policy()
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    # The service needs no device features; saying so stops an injected or third-party script asking for them.
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    if production:
        headers["Strict-Transport-Security"] = HSTS
    return tuple(headers.items())


def security_headers(path: str, production: bool) -> Iterable[tuple[str, str]]:
    """The headers for a response at this path. /embed/ pages set their own CSP (partner sites frame them)."""
    return _headers(path.startswith("/embed/"), production)


class _Headers(Protocol):
    """Werkzeug's response headers, or wsgiref's that WhiteNoise builds for static files."""

    def setdefault(self, key: str, value: str, /) -> Any: ...


def add_security_headers(headers: _Headers, path: str, production: bool) -> None:
    for name, value in security_headers(path, production):
        headers.setdefault(name, value)


def _add_to_response(response: Response, production: bool) -> None:
    """As add_security_headers, in one pass over the response's few headers (setdefault scans them per header)."""
    present = {name.lower() for name, _ in response.headers}
    response.headers.extend([(name, value) for name, value in security_headers(request.path, production)
                             if name.lower() not in present])


def register_security_headers(app: Flask) -> None:
    production = app.config["ALERTS_ENV"] == "production"

    @app.after_request
    def _security_headers(response: Response) -> Response:
        _add_to_response(response, production)
        return response
