"""What the sign-up and manage pages share: this browser's key for the codes it asks for, the sign-up waiting for
its code or link, and the pages that refuse a request."""

from __future__ import annotations

import time
from typing import Any

from flask import render_template, session
from flask_babel import gettext as _
from flask_babel import pgettext
from werkzeug.wrappers import Response as BaseResponse

from alerts.languages import WELSH
from alerts.models import Channel, Subscriber
from alerts.profile import council
from alerts.services import signups
from alerts.services.signup_defences import Refused
from alerts.subscribe import subscribe
from alerts.subscribe.forms import ServicesForm

PENDING = "subscribe_pending"  # the sign-up waiting for its code or link: id, channel, masked contact
CARRY_ON = "unsubscribe_carry_on"  # the contacts an unsubscribe page said carry on, for its "Stop all alerts"
CLIENT = "code_client"  # who this browser is to the codes it asks for and tries (signups.check_code)

ViewResult = str | tuple[str, int] | BaseResponse


def all_service_ids(form: ServicesForm) -> list[str]:
    return [choice.value for choice in form.services.choices]


def refused_page(error: Refused) -> tuple[str, int]:
    if error.reason == "sms-budget":
        return render_template("subscribe/sms_paused.html"), 429
    return render_template("errors/429.html", retry_after_minutes=error.retry_after_minutes), 429


def code_client() -> str:
    """This browser's key for the codes it asks for: only its own wrong guesses spend a code it was sent."""
    if not isinstance(session.get(CLIENT), str):
        session[CLIENT] = signups.new_client_key()
    return str(session[CLIENT])


def pending_for(subscriber_id: int, channel: Channel, contact: str) -> dict[str, Any]:
    """What the session keeps of a sign-up waiting for its code or link."""
    return {"id": subscriber_id, "channel": channel.value, "masked": signups.masked(channel, contact),
            "issued_at": time.time()}


def honeypot_page() -> tuple[str, int]:
    return render_template("subscribe/refused.html", reason="honeypot"), 400


def described(contact: Subscriber, *, full: bool = False) -> str:
    """"email to jo@example.com" or "text message to +44 77** ***444" (masked unless `full`)."""
    shown = contact.contact if full and contact.contact else signups.masked(contact.channel, contact.contact or "")
    if contact.channel == Channel.SMS:
        return _("text message to %(contact)s", contact=shown)
    return _("email to %(contact)s", contact=shown)


def bilingual() -> bool:
    """Does the council write in Welsh as well as English? Only then are residents asked which they want."""
    return WELSH in council().languages


VOWELS = "aeiouwyâêîôûŵŷ"


@subscribe.app_template_filter("joined")
def joined(items: list[str]) -> str:
    """"a and b and c", with the page's word for "and": Welsh says "ac" before a vowel ("a neges", "ac e-bost")."""
    words = items[:1]
    for item in items[1:]:
        before_vowel = item[:1].lower() in VOWELS
        words.append(pgettext("and, before a word starting with a vowel", " and ") if before_vowel else _(" and "))
        words.append(item)
    return "".join(words)
