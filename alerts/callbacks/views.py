"""POST /callbacks/notify: Notify's delivery receipts, authenticated by the bearer token we gave Notify.

Any other 4xx tells Notify to drop the receipt; a 5xx or a 429 makes it retry (5 times, 5 minutes apart). So a
receipt for a message we no longer have is acknowledged, and an error of ours is a 500 that Notify will send
again.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, Response, current_app, request

from alerts.delivery.receipts import InvalidReceipt, parse_receipt
from alerts.extensions import csrf
from alerts.notify.inbound import InvalidInbound, parse_inbound_callback
from alerts.services.delivery_receipts import record_receipt
from alerts.services.text_replies import act_on_reply
from alerts.web.errors import problem

log = logging.getLogger(__name__)

callbacks = Blueprint("callbacks", __name__, url_prefix="/callbacks")
csrf.exempt(callbacks)


def _authorised() -> bool:
    expected = current_app.config.get("NOTIFY_CALLBACK_TOKEN")
    if not expected:
        log.error("a Notify receipt arrived but NOTIFY_CALLBACK_TOKEN is not set: refusing it")
        return False
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    # The retired tokens too, while Notify's callback settings are changed over to the new one.
    accepted = [expected, *(current_app.config.get("NOTIFY_CALLBACK_TOKEN_FALLBACKS") or [])]
    matched = False
    for candidate in accepted:
        matched |= hmac.compare_digest(token.strip().encode(), candidate.encode())
    return matched


def _unauthorised() -> Response:
    response = problem(401, "Unauthorized", "Send the bearer token set in NOTIFY_CALLBACK_TOKEN")
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


@callbacks.post("/notify")
def notify_receipt() -> Response:
    if not _authorised():
        return _unauthorised()
    try:
        receipt = parse_receipt(request.get_json(silent=True))
    except InvalidReceipt as error:
        return problem(400, "Bad Request", str(error))
    result = record_receipt(receipt)
    return Response(status=204 if result.found else 202)


@callbacks.post("/notify/inbound")
def notify_inbound() -> Response:
    """A resident's reply to our texts (STOP, START). Repeats of an id answer 200 and change nothing."""
    if not _authorised():
        return _unauthorised()
    try:
        text = parse_inbound_callback(request.get_json(silent=True))
    except InvalidInbound as error:
        return problem(400, "Bad Request", str(error))
    outcome = act_on_reply(text)
    return Response(status=204 if outcome.new else 200)
