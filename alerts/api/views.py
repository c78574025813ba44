"""Read endpoints of /api/v1. Errors are problem+json; reads are cacheable and conditional.

Every answer is in the language asked for (`?lang=`, Accept-Language or /cy/, else the council's first; see
alerts/web/asked_language.py), problems included, and says which in Content-Language.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address

from alerts.api.openapi import openapi_document
from alerts.api.serialise import area_json, notice_json, service_json, warning_json, with_names_in
from alerts.api.sign_up_requests import validate_sign_up
from alerts.data import insight, reference, response_insight
from alerts.data import notices as notice_data
from alerts.data import warnings as warning_data
from alerts.extensions import csrf
from alerts.languages import ENGLISH
from alerts.links import manage_url
from alerts.models import Channel
from alerts.notify import InvalidRecipient, normalise_uk_mobile
from alerts.services import signups
from alerts.services.signup_defences import Refused, code_attempts
from alerts.web.asked_language import answer_language, council_name, say_language
from alerts.web.caching import cacheable, conditional_read
from alerts.web.errors import problem
from alerts.web.query_args import MAX_PAGE, page_number

api = Blueprint("api", __name__, url_prefix="/api/v1")

STATUSES = ("active", "resolved", "all")
# Written in English whoever asks: the Met Office's warnings, and the OpenAPI document.
IN_ENGLISH_ONLY = {"api.list_warnings", "api.openapi"}


@api.after_request
def _say_language(response: Response) -> Response:
    return say_language(response, ENGLISH if request.endpoint in IN_ENGLISH_ONLY else None)


@api.get("/notices")
@conditional_read(max_age=60)
def list_notices() -> Response:
    status = request.args.get("status", "active")
    parsed = notice_data.parse_notice_filter(
        postcode=request.args.get("postcode"), area=request.args.get("area"), service=request.args.get("service"),
        status=status, council_name=council_name(),
    )
    if parsed.postcode_outside:
        return problem(422, _("Postcode outside the council's area"), errors={"postcode": parsed.errors["postcode"]})
    errors = dict(parsed.errors)
    if status not in STATUSES:
        errors["status"] = _("Status must be one of active, resolved or all")
    page = page_number(request.args.get("page"))
    if page is None:
        errors["page"] = _("Page must be a whole number from 1 to %(last)s", last=MAX_PAGE)
    if errors:
        return problem(422, _("Invalid request"), errors=errors)

    assert page is not None
    page_size = current_app.config["API_PAGE_SIZE"]
    notices, total = notice_data.list_public_notices(parsed.filters, page=page, page_size=page_size)
    last_page = max(1, math.ceil(total / page_size))
    return jsonify({"notices": [notice_json(n) for n in notices], "links": _links(page, last_page), "total": total})


def _links(page: int, last_page: int) -> dict[str, Any]:
    def link(number: int) -> str:
        args: dict[str, Any] = {**request.args.to_dict(), "page": number}
        return url_for(request.endpoint or "api.list_notices", _external=True, **args)

    links: dict[str, Any] = {"self": link(page), "first": link(1), "last": link(last_page)}
    if page > 1:
        links["prev"] = link(page - 1)
    if page < last_page:
        links["next"] = link(page + 1)
    return links


@api.get("/notices/<int:notice_id>")
@conditional_read(max_age=60)
def get_notice(notice_id: int) -> Response:
    notice = notice_data.get_public_notice(notice_id)
    if notice is None:
        return problem(404, _("Not Found"), _("There is no published notice %(number)s", number=notice_id))
    return jsonify(notice_json(notice))


@api.get("/areas")
@cacheable(max_age=3600)
def list_areas() -> Response:
    return jsonify({"areas": [area_json(a) for a in reference.list_areas()], "links": {"self": request.base_url}})


@api.get("/services")
@cacheable(max_age=3600)
def list_services() -> Response:
    services = [service_json(s) for s in reference.list_services()]
    return jsonify({"services": services, "links": {"self": request.base_url}})


@api.get("/warnings")
@conditional_read(max_age=60)
def list_warnings() -> Response:
    """Met Office warnings that mention the county: for officers and partners to see, never sent to residents."""
    warnings = [warning_json(w) for w in warning_data.current_warnings()]
    return jsonify({"warnings": warnings, "links": {
        "self": request.base_url, "source": "https://www.metoffice.gov.uk/weather/warnings-and-advice/uk-warnings"}})


def _readable_from_any_origin(response: Response) -> None:
    # Partner sites show a banner from this, so any origin may read it (a 304 included).
    response.headers["Access-Control-Allow-Origin"] = "*"


@api.get("/status")
@conditional_read(max_age=60, finish=_readable_from_any_origin)
def status() -> Response:
    by_service = notice_data.count_active_by_service()
    return jsonify({"active_notices": sum(by_service.values()), "by_service": by_service,
                    "disruption": bool(by_service)})


@api.get("/statistics")
@cacheable(max_age=900)
def statistics() -> Response:
    """Open statistics from the kept counts (rolled up hourly); small counts suppressed."""
    statistics = {**insight.open_statistics(), **response_insight.open_response_statistics()}
    response = jsonify(with_names_in(statistics, answer_language()))
    _readable_from_any_origin(response)
    return response


@api.get("/openapi.json")
@cacheable(max_age=3600)
def openapi() -> Response:
    return jsonify(openapi_document())



# --- Public sign-up for the council's own apps: the same rules, limits and defences as the pages. ---------------
# CSRF-exempt: they take JSON from the council's apps, and no cookie grants anything here.

def _refusal(error: Refused) -> Response:
    if error.reason == "sms-budget":
        response = problem(429, _("Sign-up by text message is paused"),
                           _("So many people have signed up by text today that sign-up by text message is paused "
                             "until midnight. Sign up by email instead, or try again tomorrow."))
    else:
        response = problem(429, _("Too Many Requests"), _("There have been too many attempts. Wait, then try again."))
    if error.retry_after_seconds:
        response.headers["Retry-After"] = str(error.retry_after_seconds)
    return response


@api.post("/subscriptions")
@csrf.exempt
def create_subscription() -> Response:
    sign_ups, errors = validate_sign_up(request.get_json(silent=True))
    if sign_ups is None:
        return problem(422, _("Invalid request"), _("Check the fields named in errors."), errors=errors)
    try:
        ip = get_remote_address()
        # Through the same function as the pages: an also_contact is the same person, linked as each is confirmed.
        signups.start_sign_ups(sign_ups, ip=ip, client=signups.api_client(ip))
    except Refused as error:
        return _refusal(error)
    channels = tuple(s.channel for s in sign_ups)
    response = jsonify({"status": "confirmation_sent", "channel": sign_ups[0].channel.value,
                        "detail": str(SENDING.get(channels, SENDING[channels[:1]]))})
    response.status_code = 202
    return response


# What the 202 says is on its way, for each order the contacts may come in (whole sentences, for the translator).
SENDING = {
    (Channel.SMS,): _l("We are sending a code by text message. Nothing else is sent until it is confirmed."),
    (Channel.EMAIL,): _l("We are sending a link by email. Nothing else is sent until it is confirmed."),
    (Channel.SMS, Channel.EMAIL): _l("We are sending a code by text message and a link by email. Nothing else is "
                                     "sent until each is confirmed."),
    (Channel.EMAIL, Channel.SMS): _l("We are sending a link by email and a code by text message. Nothing else is "
                                     "sent until each is confirmed."),
}
API_WRONG_CODE = _l("The code is not correct, or it has expired. Check the text message, or ask for a new code")


@api.post("/subscriptions/confirm")
@csrf.exempt
@code_attempts
def confirm_subscription() -> Response:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return problem(422, _("Invalid request"), errors={"body": _("Send a JSON object")})
    errors: dict[str, str] = {}
    contact, code = payload.get("contact"), payload.get("code")
    number = None
    if not isinstance(contact, str) or not contact.strip():
        errors["contact"] = _("Enter the mobile number you signed up with")
    elif "@" in contact:
        errors["contact"] = _("Email addresses are confirmed with the link in the email we sent")
    else:
        try:
            number = normalise_uk_mobile(contact)
        except InvalidRecipient as error:
            errors["contact"] = error.message
    if not isinstance(code, str) or not code.strip():
        errors["code"] = _("Enter the code we sent you")
    if errors or number is None or not isinstance(code, str):
        return problem(422, _("Invalid request"), _("Check the fields named in errors."), errors=errors)
    # One answer for a wrong or expired code, a confirmed contact and an unknown one: the API must not reveal who
    # has signed up, or who is signing up.
    try:
        subscriber_id = signups.confirm_text_sign_up(number, code, ip=get_remote_address())
    except signups.CodeLocked:
        return problem(422, _("Invalid request"), errors={"code": str(signups.CODE_ERRORS[signups.CodeOutcome.LOCKED])})
    if subscriber_id is None:
        return problem(422, _("Invalid request"), errors={"code": str(API_WRONG_CODE)})
    version = signups.token_version(subscriber_id)
    return jsonify({"status": "confirmed", "channel": Channel.SMS.value,
                    "manage_url": manage_url(subscriber_id, version) if version else None})
