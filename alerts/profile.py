"""The council this app serves, for code that runs in an app context: config/council.py reads it."""

from __future__ import annotations

from flask import current_app

from alerts.areas.postcodes import InvalidPostcode
from alerts.languages import ENGLISH, text_in
from alerts.notify.rendering import MessageFrom
from alerts.notify.sms_counting import service_name_prefix
from config.council import Council


def council() -> Council:
    profile: Council = current_app.config["COUNCIL_PROFILE"]
    return profile


def message_from(language: str = ENGLISH) -> MessageFrom:
    """Who residents' messages come from, for alerts/notify/rendering.py, with Notify's prefix for texts: named
    in `language` (the profile's Welsh names, where it has them, for "cy"), and the messages written in it."""
    profile = council()
    return MessageFrom(council=text_in(profile, "name", language), place=text_in(profile, "short_name", language),
                       whole_area_name=text_in(profile, "whole_area_name", language), sms_prefix=sms_prefix(),
                       language=language)


def language_for(language: str | None) -> str:
    """The language a contact's messages come in: theirs when the council writes in it, else the council's first."""
    languages = council().languages
    return language if language in languages else languages[0]


def sms_prefix() -> str:
    """What Notify puts before every text: "<NOTIFY_SMS_PREFIX>: ", or nothing when the setting is empty. The one
    place the setting is read, so every layout, count and cost agrees with what Notify bills."""
    name = str(current_app.config.get("NOTIFY_SMS_PREFIX") or "").strip().removesuffix(":")
    return service_name_prefix(name)


def postcode_message(error: InvalidPostcode) -> str:
    """The message for a postcode that is not one, with an example from the council's own area."""
    return error.message(council().example_postcode)
