"""The council this app serves, for code that runs in an app context: config/council.py reads it."""

from __future__ import annotations

from flask import current_app

from alerts.areas.postcodes import InvalidPostcode
from alerts.notify.rendering import MessageFrom
from alerts.notify.sms_counting import service_name_prefix
from config.council import Council


def council() -> Council:
    profile: Council = current_app.config["COUNCIL_PROFILE"]
    return profile


def message_from() -> MessageFrom:
    """Who residents' messages come from, for alerts/notify/rendering.py, with Notify's prefix for texts."""
    profile = council()
    return MessageFrom(council=profile.name, place=profile.short_name, whole_area_name=profile.whole_area_name,
                       sms_prefix=sms_prefix())


def sms_prefix() -> str:
    """What Notify puts before every text: "<NOTIFY_SMS_PREFIX>: ", or nothing when the setting is empty. The one
    place the setting is read, so every layout, count and cost agrees with what Notify bills."""
    name = str(current_app.config.get("NOTIFY_SMS_PREFIX") or "").strip().removesuffix(":")
    return service_name_prefix(name)


def postcode_message(error: InvalidPostcode) -> str:
    """The message for a postcode that is not one, with an example from the council's own area."""
    return error.message(council().example_postcode)
