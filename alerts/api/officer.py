"""The officer API for other council systems (school closures, highways): publish, update, resolve and approve
notices with `Authorization: Bearer <api token>`. A token acts for one named officer with that officer's role,
and every action goes through the publishing service, so four eyes hold exactly as on the staff pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, g, jsonify, request
from flask_babel import gettext as _

from alerts.api.serialise import notice_json
from alerts.api.views import api
from alerts.data import notice_lifecycle, reference, update_promises
from alerts.data.notice_lifecycle import ApprovalRefused, NoticeDraft, NoticeStateError
from alerts.data.notices import writes_in_welsh
from alerts.extensions import csrf, db
from alerts.models import Impact, Notice, NoticeStatus, PendingUpdate, UpdateKind
from alerts.services import publishing, staff_sign_in
from alerts.text import hidden_character_error
from alerts.web.errors import problem


def token_required(view: Callable[..., Response]) -> Callable[..., Response]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
        try:
            record = staff_sign_in.officer_token(token.strip() if scheme.lower() == "bearer" else "",
                                                 second_factor_required=bool(current_app.config.get("MFA_REQUIRED")))
        except staff_sign_in.TokenRefused as refusal:
            if refusal.needs_second_factor:
                return problem(403, "Forbidden", "This token cannot be used: the person it acts for must set up a "
                                                 "second factor (an authenticator app) first")
            if refusal.known:
                return problem(403, "Forbidden", "This token cannot publish notices: the person it acts for needs the "
                                                 "officer role")
            response = problem(401, "Unauthorized", "Send a valid API token as Authorization: Bearer <token>")
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        g.api_token = record
        return view(*args, **kwargs)

    return wrapped


def _actor() -> publishing.Actor:
    return publishing.Actor.token(g.api_token, request.remote_addr)


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


class WrongShape(ValueError):
    """A text given in the wrong form for this council: both languages where it writes in Welsh, one where not.
    Answered 400, naming the field, before any other check."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _texts(body: dict[str, Any], name: str, errors: dict[str, str], messages: tuple[str, str], *,
           required: bool = True, max_length: int = 2000) -> tuple[str, str]:
    """A text the public reads, as (English, Welsh). A council that writes in Welsh takes {"cy": "…", "en": "…"},
    each language checked like the plain field; one that writes only in English takes the plain string."""
    value = body.get(name)
    if not writes_in_welsh():
        if isinstance(value, dict):
            raise WrongShape(name, _("%(field)s must be a string: this council writes only in English", field=name))
        return _text(body, name, errors, messages[0], required=required, max_length=max_length), ""
    if value is None and not required:
        return "", ""
    if not isinstance(value, dict) or not set(value) <= {"cy", "en"}:
        raise WrongShape(name, _('%(field)s must give Welsh and English: {"cy": "…", "en": "…"}', field=name))
    both = {f"{name}.{language}": value.get(language) for language in ("en", "cy")}
    # Optional texts (advice) are optional as a whole: given in one language, the other is needed too.
    needed = required or any(isinstance(text, str) and text.strip() for text in both.values())
    english = _text(both, f"{name}.en", errors, messages[0], required=needed, max_length=max_length)
    welsh = _text(both, f"{name}.cy", errors, messages[1], required=needed, max_length=max_length)
    return english, welsh


def _wrong_shape(wrong: WrongShape) -> Response:
    db.session.rollback()
    return problem(400, _("Bad Request"), str(wrong), errors={wrong.field: str(wrong)})


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


def _next_update_by(body: dict[str, Any], errors: dict[str, str]) -> dt.datetime | None:
    value = _time(body, "next_update_by", errors)
    if value is not None and (problem := update_promises.next_update_by_problem(value)):
        errors["next_update_by"] = problem
    return value


def _notify_flag(body: dict[str, Any], errors: dict[str, str]) -> bool:
    notify = body.get("notify", True)
    if not isinstance(notify, bool):
        errors["notify"] = "notify must be true or false"
        return True
    return notify


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
    try:
        title, title_cy = _texts(body, "title", errors, (_("Enter a title"), _("Enter the title in Welsh")),
                                 max_length=200)
        summary, summary_cy = _texts(body, "summary", errors, (_("Enter what's happening"),
                                                               _("Enter what's happening in Welsh")))
        advice, advice_cy = _texts(body, "advice", errors, (_("Enter what residents should do"),
                                                            _("Enter what residents should do in Welsh")),
                                   required=False)
    except WrongShape as wrong:
        return _wrong_shape(wrong)
    service_id = body.get("service")
    if not isinstance(service_id, str) or reference.get_service(service_id) is None:
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
    next_update_by = _next_update_by(body, errors)
    if errors:
        return _invalid(errors)
    draft = NoticeDraft(title=title, service_id=str(service_id), area_ids=list(areas), impact=Impact(impact),  # type: ignore[arg-type]
                        summary=summary, advice=advice, starts_at_utc=starts_at, expected_end_at_utc=expected_end_at,
                        notify_subscribers=notify, next_update_by_utc=next_update_by, title_cy=title_cy,
                        summary_cy=summary_cy, advice_cy=advice_cy)
    notice, status = publishing.create_and_publish(draft, _actor())
    waiting = status == NoticeStatus.AWAITING_APPROVAL
    response = jsonify(_with_why(notice, UpdateKind.PUBLISHED) if waiting else notice_json(notice))
    # 202: accepted, but another officer must approve it (pages or API) before anything is published or sent.
    response.status_code = 202 if waiting else 201
    response.headers["Location"] = f"/api/v1/notices/{notice.id}"
    return response


def _with_why(notice: Notice, kind: UpdateKind) -> dict[str, Any]:
    """The notice, and why what was just asked for waits for a second officer (the 202's reason)."""
    need = publishing.approval_need(notice, _actor().user_id, kind)
    why = need.message() if need is not None else _("Another officer must approve it before anything is sent.")
    return {**notice_json(notice), "waiting_for_approval": why}


def _live_notice(notice_id: int) -> Notice | Response:
    notice = notice_lifecycle.get_notice(notice_id)
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
    try:
        summary, summary_cy = _texts(body, "summary", errors, (_("Enter what has changed"),
                                                               _("Enter what has changed in Welsh")))
        advice, advice_cy = _texts(body, "advice", errors, ("", _("Enter what residents should do now in Welsh")),
                                   required=False)
    except WrongShape as wrong:
        return _wrong_shape(wrong)
    notify = _notify_flag(body, errors)
    next_update_by = _next_update_by(body, errors)
    if errors:
        return _invalid(errors)
    try:
        posted = publishing.post_update(notice, _actor(), summary=summary, advice=advice, notify=notify,
                                        next_update_by=next_update_by, summary_cy=summary_cy, advice_cy=advice_cy)
    except NoticeStateError as error:
        return problem(409, "Conflict", str(error))
    waiting = isinstance(posted, PendingUpdate)
    response = jsonify(_with_why(notice, UpdateKind.UPDATED) if waiting else notice_json(notice))
    # 202: with alerts on past the threshold (its own audience, or the sender's rolling budget), it waits.
    response.status_code = 202 if waiting else 201
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
    try:
        summary, summary_cy = _texts(body, "summary", errors, (_("Enter what residents need to know"),
                                                               _("Enter what residents need to know in Welsh")))
    except WrongShape as wrong:
        return _wrong_shape(wrong)
    notify = _notify_flag(body, errors)
    if errors:
        return _invalid(errors)
    try:
        done = publishing.resolve(notice, _actor(), summary=summary, notify=notify, summary_cy=summary_cy)
    except NoticeStateError as error:
        return problem(409, "Conflict", str(error))
    waiting = isinstance(done, PendingUpdate)
    response = jsonify(_with_why(notice, UpdateKind.RESOLVED) if waiting else notice_json(notice))
    if waiting:
        response.status_code = 202
    return response


@api.post("/notices/<int:notice_id>/approve")
@csrf.exempt
@token_required
def approve_notice(notice_id: int) -> Response:
    """A second officer approves what waits on a notice: 200 with the notice, or 403 if this person may not."""
    notice = _live_notice(notice_id)
    if isinstance(notice, Response):
        return notice
    try:
        publishing.approve(notice, _actor())
    except ApprovalRefused as error:
        return problem(403, "Forbidden", str(error))
    except NoticeStateError as error:
        return problem(409, "Conflict", str(error))
    return jsonify(notice_json(notice))
