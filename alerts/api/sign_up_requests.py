"""What the JSON API's sign-up request must hold: checked here, then handed to the sign-up service like a page's
answers. Field errors use the same wording as the pages."""

from __future__ import annotations

import dataclasses

from flask_babel import gettext as _

from alerts.models import Channel
from alerts.notify import InvalidRecipient
from alerts.profile import council
from alerts.services import signups
from alerts.services.signups import SignUp
from alerts.text import hidden_character_error


def validate_sign_up(payload: object) -> tuple[list[SignUp] | None, dict[str, str]]:
    """Check a POST /api/v1/subscriptions body; field errors use the same wording as the pages."""
    if not isinstance(payload, dict):
        return None, {"body": _("Send a JSON object")}
    errors: dict[str, str] = {
        name: error for name in ("channel", "contact", "postcode", "also_contact")
        if (error := hidden_character_error(name, payload.get(name)))
    }
    if errors:
        return None, errors
    channel_text = payload.get("channel")
    channel = Channel(channel_text) if channel_text in ("sms", "email") else None
    if channel is None:
        errors["channel"] = _("Channel must be sms or email")
    contact = payload.get("contact")
    normalised = None
    if not isinstance(contact, str):
        errors["contact"] = _("Enter a UK mobile number or an email address")
    elif channel is not None:
        try:
            normalised = signups.normalise_contact(channel, contact)
        except InvalidRecipient as error:
            errors["contact"] = error.message
    area = None
    postcode = payload.get("postcode")
    if not isinstance(postcode, str):
        errors["postcode"] = _("Enter a postcode")
    else:
        try:
            area = signups.area_for(postcode)
        except ValueError as error:
            errors["postcode"] = str(error)
    services = payload.get("services")
    service_ids: list[str] | None = None
    if services not in (None, []):
        known = set(signups.known_service_ids())
        if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
            errors["services"] = _("Services must be a list of service ids: see /api/v1/services")
        elif unknown := [s for s in services if s not in known]:
            errors["services"] = _("Unknown service %(service)s: see /api/v1/services", service=repr(unknown[0]))
        else:
            service_ids = sorted(set(services))
    also = _also(channel, payload.get("also_contact"), errors)
    language = _language(payload.get("language"), errors)
    if errors or channel is None or normalised is None or area is None:
        return None, errors
    return sign_ups_for(SignUp(channel=channel, contact=normalised, areas=[area], service_ids=service_ids,
                               source="api", language=language), also), {}


def _language(value: object, errors: dict[str, str]) -> str:
    """The language of every message to them: one the council writes in; absent, the council's default."""
    languages = council().languages
    if value is None:
        return languages[0]
    if not isinstance(value, str) or value not in languages:
        errors["language"] = _("Language must be one of: %(languages)s", languages=", ".join(languages))
        return languages[0]
    return value


def _also(channel: Channel | None, value: object, errors: dict[str, str]) -> str | None:
    """The same person's other contact, if given: a UK mobile number with an email sign-up, or the reverse."""
    if value is None or channel is None:
        return None
    other = Channel.SMS if channel == Channel.EMAIL else Channel.EMAIL
    if not isinstance(value, str):
        errors["also_contact"] = _("Enter a UK mobile number") if other == Channel.SMS else _("Enter an email address")
        return None
    try:
        return signups.normalise_contact(other, value)
    except InvalidRecipient as error:
        errors["also_contact"] = error.message
        return None


def sign_ups_for(sign_up: SignUp, also_contact: str | None) -> list[SignUp]:
    """One sign-up, or one person's two (each confirmed on its own, linked as each is)."""
    if also_contact is None:
        return [sign_up]
    other = Channel.SMS if sign_up.channel == Channel.EMAIL else Channel.EMAIL
    return [sign_up, dataclasses.replace(sign_up, channel=other, contact=also_contact)]
