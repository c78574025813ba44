"""Logs are JSON lines with a request id and no contacts; errors go to Sentry only when SENTRY_DSN is set."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from flask import Flask

from alerts import create_app
from alerts.web.observability import JsonFormatter, mask_contacts


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def _entries(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _app(**overrides: object) -> Flask:
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": "sqlite://", **overrides})

    @app.get("/shout/<name>")
    def shout(name: str) -> str:
        logging.getLogger("alerts.test").warning("signing up %s and 07700 900123", name)
        return "ok"

    @app.get("/broken")
    def broken() -> str:
        raise RuntimeError("could not reach resident@example.com on +447700900982")

    return app


def test_every_line_is_one_json_object_carrying_the_request_id(log_lines: io.StringIO) -> None:
    response = _app().test_client().get("/shout/jo@example.com")

    request_id = response.headers["X-Request-Id"]
    entries = _entries(log_lines)
    assert len(request_id) == 32
    assert {entry["logger"] for entry in entries} >= {"alerts.test", "alerts.access"}
    assert all(entry["request_id"] == request_id for entry in entries)
    warning = next(entry for entry in entries if entry["logger"] == "alerts.test")
    assert warning["level"] == "WARNING" and warning["time"].endswith("Z")


def test_contacts_never_reach_the_log(log_lines: io.StringIO) -> None:
    client = _app().test_client()
    client.get("/shout/jo@example.com")
    client.get("/broken")

    written = log_lines.getvalue()
    for contact in ("jo@example.com", "07700 900123", "resident@example.com", "+447700900982", "7700900982"):
        assert contact not in written
    assert "j***@example.com" in written and "r***@example.com" in written
    error = next(entry for entry in _entries(log_lines) if entry["level"] == "ERROR")
    assert "RuntimeError" in error["exception"] and "+44 77** ***982" in error["exception"]


def test_the_access_line_names_the_route_not_the_path_or_query(log_lines: io.StringIO) -> None:
    _app().test_client().get("/shout/jo@example.com?postcode=DT4+7TA")

    access = next(entry for entry in _entries(log_lines) if entry["logger"] == "alerts.access")
    assert access["route"] == "/shout/<name>" and access["status"] == 200 and access["method"] == "GET"
    assert "DT4" not in json.dumps(access) and "jo@" not in json.dumps(access)
    assert access["duration_ms"] >= 0


@pytest.mark.parametrize(("text", "masked"), [
    ("email Jo.Bloggs+alerts@example.co.uk now", "email J***@example.co.uk now"),
    ("texting 07700 900982", "texting +44 77** ***982"),
    ("texting +44 7700 900982.", "texting +44 77** ***982."),
    ("texting 07700900982, then", "texting +44 77** ***982, then"),
    ("message 3f2a9c1e-0b7d-4c1e-9a55-1d2b3c4d5e6f sent in 12.5 ms at 2026-11-29T20:00:00", None),
    # A time as the database driver logs it (found in a merged run's log: it came out as a masked number).
    ("[parameters: ('2026-11-29 21:22:37.242155',)]", None),
])
def test_mask_contacts_hides_emails_and_phone_numbers_and_nothing_else(text: str, masked: str | None) -> None:
    assert mask_contacts(text) == (masked or text)


def test_a_request_id_from_the_router_is_believed_only_behind_a_trusted_proxy() -> None:
    offered = {"X-Request-Id": "b3f1c2d4-router-id-0001"}

    direct = _app().test_client().get("/shout/x", headers=offered)
    behind_router = _app(TRUSTED_PROXY_COUNT=1).test_client().get("/shout/x", headers=offered)
    forged = _app(TRUSTED_PROXY_COUNT=1).test_client().get("/shout/x", headers={"X-Request-Id": "<script>"})

    assert direct.headers["X-Request-Id"] != offered["X-Request-Id"]
    assert behind_router.headers["X-Request-Id"] == offered["X-Request-Id"]
    assert forged.headers["X-Request-Id"] != "<script>" and len(forged.headers["X-Request-Id"]) == 32


def test_every_response_of_the_service_carries_a_request_id(client) -> None:
    ids = {client.get("/").headers["X-Request-Id"], client.get("/api/v1/notices").headers["X-Request-Id"]}
    assert len(ids) == 2


def test_sentry_starts_only_when_a_dsn_is_set_and_never_sends_personal_data(monkeypatch: pytest.MonkeyPatch) -> None:
    import sentry_sdk

    calls: list[dict] = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: calls.append(kwargs))

    _app()
    assert calls == []

    _app(SENTRY_DSN="https://public@sentry.example/1")
    assert len(calls) == 1
    options = calls[0]
    assert options["dsn"] == "https://public@sentry.example/1"
    assert options["send_default_pii"] is False
    assert [type(integration).__name__ for integration in options["integrations"]] == ["FlaskIntegration"]
    event = {"message": "failed for jo@example.com", "extra": {"to": "07700 900982", "count": 3}}
    assert options["before_send"](event, {}) == {"message": "failed for j***@example.com",
                                                  "extra": {"to": "+44 77** ***982", "count": 3}}


def test_sentry_sends_no_local_variables_and_no_token_of_a_personal_link(monkeypatch: pytest.MonkeyPatch) -> None:
    import sentry_sdk

    calls: list[dict] = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: calls.append(kwargs))
    _app(SENTRY_DSN="https://public@sentry.example/1")
    [options] = calls
    assert options["include_local_variables"] is False
    token = "eyJzIjoxMjMsInYiOjF9.Zk3x9Q.abcDEF-123_xyz"
    # The shape sentry_sdk's Flask integration gives a 500 under /manage/<token>.
    event = {
        "level": "error",
        "request": {"url": f"https://alerts.example.gov.uk/manage/{token}/postcodes", "method": "POST",
                    "query_string": "", "headers": {"Host": "alerts.example.gov.uk"}},
        "transaction": "subscribe.manage_postcodes",
        "exception": {"values": [{"type": "RuntimeError", "value": f"failed on /unsubscribe/{token}",
                                  "stacktrace": {"frames": [{"function": "manage_postcodes",
                                                             "vars": {"token": token}}]}}]},
        "breadcrumbs": {"values": [
            {"category": "httplib", "data": {"url": f"https://alerts.example.gov.uk/s/{token[:8]}"}},
            {"message": f"GET /subscribe/confirm-email/{token} and /staff/reset-password/{token}?next=/staff/"},
        ]},
    }
    sent = options["before_send"](event, {})
    assert token not in str(sent) and token[:8] not in str(sent)
    assert sent["request"]["url"] == "https://alerts.example.gov.uk/manage/[token]/postcodes"
    assert sent["breadcrumbs"]["values"][1]["message"] == (
        "GET /subscribe/confirm-email/[token] and /staff/reset-password/[token]?next=/staff/")
    assert sent["transaction"] == "subscribe.manage_postcodes"
