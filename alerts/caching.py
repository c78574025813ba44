"""Conditional GETs and CDN-friendly cache headers for public reads, so a storm's traffic is cheap."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, make_response, request


def cacheable(max_age: int = 60) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """Add a strong ETag from the body and a short public Cache-Control; answer 304 when it matches.

    Hashing the body means any change to a notice changes the ETag at once, with nothing to invalidate.
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
