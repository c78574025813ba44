"""Each request's id, so one request's log lines can be found together and matched with the router's.

The router's `X-Request-Id` when the app sits behind trusted proxies (TRUSTED_PROXY_COUNT > 0, so the id in our
logs matches the router's), otherwise one we make. It is kept in the request's WSGI environ, so an answer served
before Flask runs (a public copy) and the app itself give the same request the same id. The response echoes it in
`X-Request-Id`, and every log line written while the request is handled carries it (alerts/web/observability.py).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import current_app, has_request_context, request

REQUEST_ID_HEADER = "X-Request-Id"
_ENVIRON_KEY = "alerts.request_id"
# What a router's id looks like (Heroku: a UUID; others: hex or base64url). Anything else is replaced, never logged.
_TRUSTED_ID = re.compile(r"[A-Za-z0-9._:+/=-]{8,200}")


def current_request_id() -> str | None:
    """This request's id, made on first use (a line logged before any hook ran still gets it); None outside one."""
    if not has_request_context():
        return None
    return request_id_for(request.environ, int(current_app.config.get("TRUSTED_PROXY_COUNT", 0) or 0))


def request_id_for(environ: dict[str, Any], trusted_proxies: int) -> str:
    """The request's id, kept in its WSGI environ: the router's when proxies are trusted and it looks like one."""
    request_id = environ.get(_ENVIRON_KEY)
    if request_id is None:
        offered = environ.get("HTTP_X_REQUEST_ID", "") if trusted_proxies > 0 else ""
        request_id = environ[_ENVIRON_KEY] = offered if _TRUSTED_ID.fullmatch(offered) else secrets.token_hex(16)
    return request_id
