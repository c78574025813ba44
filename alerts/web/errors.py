"""Error pages for people and problem+json for machines: never a bare 500 without a helpful page."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, SecurityError

from alerts.web.problem_words import in_request_language

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/callbacks/"))


def problem(status: int, title: str, detail: str | None = None, errors: dict[str, str] | None = None,
            **extra: Any) -> Response:
    """An RFC 9457 problem details response, the API's one error shape."""
    body: dict[str, Any] = {"status": status, "title": title}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


UNTRUSTED_HOST = "The Host header names a host this service does not answer to."

_PAGES = {
    403: "errors/403.html",
    404: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
    500: "errors/500.html",
}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response | tuple[str, int]:
        status = error.code or 500
        if isinstance(error, SecurityError):
            # Say nothing of the rejected Host value: echoing attacker input back helps nobody.
            error = SecurityError(UNTRUSTED_HOST)
        if wants_json():
            detail = error.description if status != 500 else None
            return problem(status, in_request_language(error.name), in_request_language(detail) if detail else None)
        template = _PAGES.get(status)
        # An untrusted Host header leaves the request with no URL adapter, so a page (which builds URLs) cannot be
        # drawn: answer with werkzeug's plain page, which links nowhere.
        if template is None or isinstance(error, SecurityError) or request_ctx.url_adapter is None:
            return error.get_response()  # type: ignore[return-value]
        return render_template(template), status

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response | tuple[str, int]:
        # The route, not the path: a path can hold a resident's manage token.
        log.exception("unhandled error on %s %s", request.method,
                      request.url_rule.rule if request.url_rule is not None else "(no route)")
        # Never leave a half-made change in the session for the next request to commit by accident.
        from alerts.extensions import db

        db.session.rollback()
        if wants_json():
            return problem(500, in_request_language("Internal Server Error"),
                           in_request_language("Something went wrong. Try again later."))
        return render_template("errors/500.html"), 500
