"""Conditional GETs and CDN-friendly cache headers for public reads, so a storm's traffic is cheap."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Response, make_response, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin


def cacheable(max_age: int = 60) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """Add a strong ETag from the body and a short public Cache-Control; answer 304 when it matches.

    Hashing the body means any change to a notice changes the ETag at once, with nothing to invalidate. A view may
    also set `response.last_modified`; If-None-Match wins over If-Modified-Since, as RFC 9110 says.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Response]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            response = make_response(view(*args, **kwargs))
            if request.method in ("GET", "HEAD") and response.status_code == 200:
                response.cache_control.public = True
                response.cache_control.max_age = max_age
                response.add_etag()
                response.make_conditional(request)
            return response

        return wrapper

    return decorate


class PublicCacheSessionInterface(SecureCookieSessionInterface):
    """Leaves public, cacheable responses free of the session.

    Flask-Login looks at the session after every request, which makes Flask add `Vary: Cookie` (so a CDN would
    keep one copy per visitor, or none) and could add a Set-Cookie that a CDN then serves to everyone. A response
    marked `Cache-Control: public` is by definition the same for every visitor, so its session is neither saved nor
    varied on.
    """

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if response.cache_control.public:
            return
        super().save_session(app, session, response)
