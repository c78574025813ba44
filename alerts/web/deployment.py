"""Running behind proxies and load balancers. Web plumbing, installed by create_app().

- TRUSTED_PROXY_COUNT proxies (a PaaS router, a CDN) are believed about the client's address and scheme, through
  Werkzeug's ProxyFix: rate limits, the staff sign-in throttle, audit rows, the HTTPS redirect and links then see
  the real client. X-Forwarded-Host and -Port are not believed: PaaS routers pass the Host header through as the
  client sent it and pass a client's own X-Forwarded-Host on untouched, and every link in a message is built from
  BASE_URL anyway.
- /healthz answers whatever Host a load balancer probes with (often a bare IP address) and over plain HTTP.
- Production redirects http to https (BASE_URL's https origin).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Flask, current_app, redirect, request
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

HEALTH_CHECK_PATH = "/healthz"


class _BehindTrustedProxies:
    """ProxyFix with as many hops as TRUSTED_PROXY_COUNT says; read per request, so a test can change it."""

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        hops = int(self.app.config.get("TRUSTED_PROXY_COUNT") or 0)
        if hops <= 0:
            return self.wsgi_app(environ, start_response)
        return ProxyFix(self.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)(
            environ, start_response)


class _HealthChecksAnswerAnyHost:
    """Load balancers probe by IP address or an internal name, which TRUSTED_HOSTS would answer with 400. The
    health check builds no links, so its Host header is swapped for a trusted one before Flask checks it."""

    def __init__(self, wsgi_app: WSGIApplication, trusted_host: str) -> None:
        self.wsgi_app = wsgi_app
        self.trusted_host = trusted_host

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_CHECK_PATH:
            environ["HTTP_HOST"] = self.trusted_host
            environ.pop("HTTP_X_FORWARDED_HOST", None)
        return self.wsgi_app(environ, start_response)


def install_deployment_plumbing(app: Flask) -> None:
    trusted = app.config.get("TRUSTED_HOSTS") or [urlsplit(app.config["BASE_URL"]).hostname or "localhost"]
    app.wsgi_app = _HealthChecksAnswerAnyHost(_BehindTrustedProxies(app, app.wsgi_app), trusted[0])  # type: ignore[method-assign]
    if app.config["ALERTS_ENV"] == "production" and urlsplit(app.config["BASE_URL"]).scheme == "https":
        # The public origin is https (as it must be for the Secure cookies production sets). A production-mode
        # run on a plain-http BASE_URL (the load benchmark on loopback) has no https to send anyone to.
        # First of all the hooks: nothing else should run for a request that is about to be sent elsewhere.
        app.before_request_funcs.setdefault(None, []).insert(0, _redirect_to_https)


def _redirect_to_https() -> Any:
    """Production answers over HTTPS only: a plain-HTTP request (as the nearest trusted proxy reports it) goes to
    the same path on BASE_URL's host. GET and HEAD get 301; anything else 308, which keeps the method and body."""
    if request.is_secure or request.path == HEALTH_CHECK_PATH:
        return None
    origin = urlsplit(current_app.config["BASE_URL"]).netloc
    path = request.full_path if request.query_string else request.path
    return redirect(f"https://{origin}{path}", code=301 if request.method in ("GET", "HEAD") else 308)
