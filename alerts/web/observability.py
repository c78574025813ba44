"""Logs as one JSON object per line, each request with an id, no personal data; errors to Sentry when configured.

- Request id (alerts/web/request_ids.py): always echoed in the response's `X-Request-Id`, and on every log line
  written while the request is handled.
- No personal data: `mask_contacts` hides every email address and phone number in a log message or traceback before
  it is written, and before an error goes to Sentry. The access line names the route (`/manage/<token>`), never the
  path or query, which can hold a token, a postcode or a contact.
- Sentry (`SENTRY_DSN`): the Flask integration with `send_default_pii=False`: no cookies, headers, bodies or IPs,
  and no local variables (a frame's locals hold tokens, codes and contacts). Every text it would send has contacts
  masked and the token in every personal link (manage, unsubscribe, email confirmation, password reset, `/s/`)
  replaced: a 500 under `/manage/<token>` would otherwise send a link that acts as the resident.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from typing import Any

from flask import Flask, Response, g, request

from alerts.notify.recipients import mask_email, mask_phone
from alerts.web.request_ids import REQUEST_ID_HEADER, current_request_id

ROUTE_ENVIRON_KEY = "alerts.route"
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# UK numbers as residents type them (07700 900123, +44 7700 900123, 0044…) and any other long run of digits that
# could be a number: a phone number is personal data however it is written.
_PHONE = re.compile(r"(?<![\w.])\+?(?:\d[ ()-]?){9,14}\d(?![\w])")
# A date and time (2026-11-29 21:22) has as many digits as a number: it is left as it is.
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
# The path segment after each prefix is a token that acts for someone (see alerts/links.py and the staff reset link).
_TOKEN_IN_PATH = re.compile(r"(/(?:manage|unsubscribe|s|subscribe/confirm-email|reset-password)/)[^/?#\s\"'<>]+")
TOKEN_REMOVED = "[token]"  # noqa: S105 — what replaces a token, not a secret
_access_log = logging.getLogger("alerts.access")


def mask_contacts(text: str) -> str:
    """Every email address and phone number in free text, masked as the pages mask them ("j***@example.com",
    "+44 77** ***123"). The one masking helper for logs and error reports."""
    text = _EMAIL.sub(lambda match: mask_email(match[0]), text)
    return _PHONE.sub(lambda match: match[0] if _DATE.match(match[0]) else mask_phone(_as_e164(match[0])), text)


def _as_e164(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    if number.startswith(("+", "00")):
        return "+" + digits.removeprefix("00")
    return "+44" + digits.removeprefix("0")  # written as a UK number is dialled at home


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (masked), request id, and any traceback (masked)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": mask_contacts(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for key in ("method", "route", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = mask_contacts(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime  # times in UTC, as the Z says


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on standard error for every logger (ours, gunicorn's error log goes its own way)."""
    root = logging.getLogger()
    if not any(isinstance(handler.formatter, JsonFormatter) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def register_request_ids(app: Flask) -> None:
    """Give each request its id, echo it, and write one access line per request (when ACCESS_LOG is on)."""
    access_log = bool(app.config.get("ACCESS_LOG", True))

    def _start() -> None:
        g.alerts_started = time.perf_counter()

    # First of the before-request hooks, so the time covers them all.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = current_request_id() or ""
        response.headers[REQUEST_ID_HEADER] = request_id
        if access_log:
            started = g.get("alerts_started")
            duration = round((time.perf_counter() - started) * 1000, 2) if started else None
            route = request.url_rule.rule if request.url_rule is not None else "(no route)"
            request.environ[ROUTE_ENVIRON_KEY] = route  # for a copy of this response served before Flask
            log_access(request.method, route, response.status_code, duration, request_id)
        return response


def log_access(method: str, route: str, status: int, duration: float | None, request_id: str) -> None:
    """One access line. Built as a record and handed to the handlers directly: Logger.info's look for the caller's
    frame was most of the line's cost, on every request."""
    if not _access_log.isEnabledFor(logging.INFO):
        return
    record = logging.LogRecord(_access_log.name, logging.INFO, __file__, 0, "%s %s %s", (method, route, status), None)
    record.method, record.route, record.status = method, route, status
    record.duration_ms, record.request_id = duration, request_id
    _access_log.handle(record)


def scrub_tokens(text: str) -> str:
    """Every token in a personal link's path replaced by "[token]"."""
    return _TOKEN_IN_PATH.sub(lambda match: match[1] + TOKEN_REMOVED, text)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_tokens(mask_contacts(value))
    if isinstance(value, dict):
        # A stack frame's "vars" are its local variables: never sent, even if an integration adds them back.
        return {key: _masked(item) for key, item in value.items() if key != "vars"}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    return value


def _mask_event(event: Any, _hint: dict[str, Any]) -> Any:
    """Sentry's before_send: mask contacts and remove personal links' tokens in every text it would send (the
    request's URL and query, messages, exception values, breadcrumbs, and anything else a frame or integration
    adds)."""
    return _masked(event)


def init_sentry(app: Flask) -> None:
    """Report errors to Sentry when SENTRY_DSN is set; nothing is imported or sent otherwise."""
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[FlaskIntegration()],
        environment=app.config["ALERTS_ENV"],
        send_default_pii=False,  # no cookies, headers, bodies or client addresses
        include_local_variables=False,  # a frame's locals hold tokens, codes and contacts
        traces_sample_rate=float(app.config.get("SENTRY_TRACES_SAMPLE_RATE", 0.0)),
        before_send=_mask_event,
    )
