"""The officer API for other council systems (school closures, highways): publish, update and resolve notices
with `Authorization: Bearer <api token>`, under the same rules as the staff pages, approval included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, g, jsonify, request

from alerts.api.serialise import notice_json
from alerts.api.views import api
from alerts.data import fanouts, publishing, reference
from alerts.data import staff as staff_data
from alerts.data.audit import record_audit_event
from alerts.data.publishing import NoticeDraft, NoticeStateError
from alerts.errors import problem
from alerts.extensions import csrf, db
from alerts.models import ApiToken, Impact, Notice, NoticeStatus, Role
from alerts.text import hidden_character_error

SYNC_EXPANSION_BATCH = 500


def token_required(view: Callable[..., Response]) -> Callable[..., Response]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        record = staff_data.api_token_for(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        if record is None:
            db.session.rollback()
            response = problem(401, "Unauthorized", "Send a valid API token as Authorization: Bearer <token>")
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        if record.role not in (Role.OFFICER, Role.ADMIN):
            db.session.commit()
            return problem(403, "Forbidden", "This token cannot publish notices: it needs the officer role")
        g.api_token = record
        return view(*args, **kwargs)

    return wrapped


def _audit(action: str, notice: Notice, **details: Any) -> None:
    token: ApiToken = g.api_token
    record_audit_event(actor=f"api token: {token.name}", api_token_id=token.id, action=action, target_type="notice",
                       target_id=notice.id, ip_address=request.remote_addr, details=details)


def _body() -> dict[str, Any] | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _text(body: dict[str, Any], name: str, errors: dict[str, str], message: str, *, required: bool = True,
          max_length: int = 2000) -> str:
    value = body.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = f"{name} must be a string"
        return ""
    if required and not value.strip():
        errors[name] = message
    elif hidden := hidden_character_error(name, value):
        errors[name] = hidden
    elif len(value) > max_length:
        errors[name] = f"{name} must be {max_length} characters or fewer"
    return value


def _time(body: dict[str, Any], name: str, errors: dict[str, str]) -> dt.datetime | None:
    value = body.get(name)
    if value in (None, ""):
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        errors[name] = f"{name} must be an ISO 8601 date and time with an offset, like 2026-11-27T07:00:00+00:00"
        return None
    if parsed.tzinfo is None:
        errors[name] = f"{name} must include a time zone offset, like +00:00"
        return None
    return parsed.astimezone(dt.UTC)


def _notify_flag(body: dict[str, Any], errors: dict[str, str]) -> bool:
    notify = body.get("notify", True)
    if not isinstance(notify, bool):
        errors["notify"] = "notify must be true or false"
        return True
    return notify


def _expand_now(notice: Notice) -> None:
    for fanout in fanouts.fanouts_for_notice(notice.id):
        if fanout.status == "pending":
            fanouts.expand_fanout(fanout.id, SYNC_EXPANSION_BATCH)


def _invalid(errors: dict[str, str]) -> Response:
    db.session.rollback()
    return problem(422, "Invalid request", "Correct the fields listed in errors", errors=errors)


@api.post("/notices")
@csrf.exempt
@token_required
def create_notice() -> Response:
    body = _body()
    if body is None:
        return _invalid({"body": "Send a JSON object"})
    errors: dict[str, str] = {}
    title = _text(body, "title", errors, "Enter a title", max_length=200)
    summary = _text(body, "summary", errors, "Enter what's happening")
    advice = _text(body, "advice", errors, "Enter what residents should do", required=False)
    service = body.get("service")
    if not isinstance(service, str) or reference.get_service(service) is None:
        errors["service"] = "Unknown service: see /api/v1/services"
    areas = body.get("areas")
    if not isinstance(areas, list) or not areas or not all(isinstance(a, str) for a in areas):
        errors["areas"] = "Give a list of area ids: see /api/v1/areas"
    else:
        unknown = sorted(set(areas) - {a.id for a in reference.get_areas(areas)})
        if unknown:
            errors["areas"] = f"Unknown area(s) {', '.join(unknown)}: see /api/v1/areas"
    impact = body.get("impact")
    if impact not in [i.value for i in Impact]:
        errors["impact"] = "impact must be minor, major or severe"
    starts_at, expected_end_at = _time(body, "starts_at", errors), _time(body, "expected_end_at", errors)
    if starts_at and expected_end_at and expected_end_at <= starts_at:
        errors["expected_end_at"] = "expected_end_at must be after starts_at"
    notify = _notify_flag(body, errors)
    if errors:
        return _invalid(errors)
    draft = NoticeDraft(title=title, service_id=str(service), area_ids=list(areas), impact=Impact(impact),  # type: ignore[arg-type]
                        summary=summary, advice=advice, starts_at_utc=starts_at, expected_end_at_utc=expected_end_at,
                        notify_subscribers=notify)
    notice = publishing.create_draft(draft, created_by_id=None)
    status = publishing.request_publication(notice, by_user_id=None,
                                            threshold=current_app.config["APPROVAL_THRESHOLD"])
    _audit("notice.publish_requested", notice, status=str(status))
    db.session.commit()
    if status == NoticeStatus.ACTIVE:
        _expand_now(notice)
    response = jsonify(notice_json(notice))
    # 202: accepted, but another officer must approve it in the staff pages before anything is published or sent.
    response.status_code = 202 if status == NoticeStatus.AWAITING_APPROVAL else 201
    response.headers["Location"] = f"/api/v1/notices/{notice.id}"
    return response


def _live_notice(notice_id: int) -> Notice | Response:
    notice = publishing.get_notice(notice_id)
    if notice is None:
        db.session.rollback()
        return problem(404, "Not Found", f"There is no notice {notice_id}")
    return notice


@api.post("/notices/<int:notice_id>/updates")
@csrf.exempt
@token_required
def post_update(notice_id: int) -> Response:
    notice = _live_notice(notice_id)
    if isinstance(notice, Response):
        return notice
    body = _body()
    if body is None:
        return _invalid({"body": "Send a JSON object"})
    errors: dict[str, str] = {}
    summary = _text(body, "summary", errors, "Enter what has changed")
    advice = _text(body, "advice", errors, "", required=False)
    notify = _notify_flag(body, errors)
    if errors:
        return _invalid(errors)
    try:
        update = publishing.post_update(notice, summary=summary, advice=advice, notify=notify, by_user_id=None)
    except NoticeStateError as error:
        db.session.rollback()
        return problem(409, "Conflict", str(error))
    _audit("notice.updated", notice, notify=notify, update_id=update.id)
    db.session.commit()
    _expand_now(notice)
    response = jsonify(notice_json(notice))
    response.status_code = 201
    return response


@api.post("/notices/<int:notice_id>/resolve")
@csrf.exempt
@token_required
def resolve_notice(notice_id: int) -> Response:
    notice = _live_notice(notice_id)
    if isinstance(notice, Response):
        return notice
    body = _body()
    if body is None:
        return _invalid({"body": "Send a JSON object"})
    errors: dict[str, str] = {}
    summary = _text(body, "summary", errors, "Enter what residents need to know")
    notify = _notify_flag(body, errors)
    if errors:
        return _invalid(errors)
    try:
        publishing.resolve(notice, summary=summary, notify=notify, by_user_id=None)
    except NoticeStateError as error:
        db.session.rollback()
        return problem(409, "Conflict", str(error))
    _audit("notice.resolved", notice, notify=notify)
    db.session.commit()
    _expand_now(notice)
    return jsonify(notice_json(notice))
