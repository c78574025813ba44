"""Signed links in messages: manage, unsubscribe, email confirmation and the short link in texts.

Each kind has its own key, so a token made for one purpose is useless for another, and each expires:
a link forwarded, left in an inbox or copied from an outbox stops working. Links are built from BASE_URL, never
from the request's Host header, so a forged Host cannot poison a message. Links are made with SECRET_KEY and
accepted under it or any retired key in SECRET_KEY_FALLBACKS, so rotating the key breaks no link in an inbox.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
import time
from dataclasses import dataclass

from flask import current_app

from alerts.languages import ENGLISH, WELSH

MANAGE = "manage"
UNSUBSCRIBE = "unsubscribe"
CONFIRM_EMAIL = "confirm-email"
CONFIRM_EMAIL_MAX_AGE_SECONDS = 24 * 60 * 60
_DAY_SECONDS = 24 * 60 * 60
# Subscriber id, token version, issued at (Unix seconds): 12 bytes, 16 characters once encoded.
_PAYLOAD = struct.Struct(">III")
_MAC_BYTES = 12  # 96 bits: far beyond guessing, and keeps the link in a text short


@dataclass(frozen=True)
class SubscriberToken:
    subscriber_id: int
    version: int  # Subscriber.token_version when the link was made; bumping it revokes old links


class InvalidToken(ValueError):
    """The link is malformed, tampered with, for another purpose, or expired."""


def max_age_seconds(purpose: str) -> int:
    """How long a link of this kind works. Manage and one-click unsubscribe links come from settings that the
    privacy notice states (MANAGE_LINK_DAYS, UNSUBSCRIBE_LINK_DAYS); a fresh one goes in every message."""
    if purpose == CONFIRM_EMAIL:
        return CONFIRM_EMAIL_MAX_AGE_SECONDS
    setting = "MANAGE_LINK_DAYS" if purpose == MANAGE else "UNSUBSCRIBE_LINK_DAYS"
    return int(current_app.config[setting]) * _DAY_SECONDS


def signing_keys() -> list[str]:
    """SECRET_KEY first (the one that signs), then the retired keys still accepted (SECRET_KEY_FALLBACKS)."""
    return [current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]


def _mac(purpose: str, payload: bytes, secret_key: str | None = None) -> bytes:
    # The purpose is part of the key, so a token made for one purpose is useless for another.
    secret = current_app.config["SECRET_KEY"] if secret_key is None else secret_key
    key = hashlib.sha256(f"alerts-link-{purpose}:{secret}".encode()).digest()
    return hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_BYTES]


def _mac_matches(mac: bytes, purpose: str, payload: bytes) -> bool:
    # Every key is tried, not just until one matches, so timing says nothing about which key made the link.
    matched = False
    for secret_key in signing_keys():
        matched |= hmac.compare_digest(mac, _mac(purpose, payload, secret_key))
    return matched


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_token(purpose: str, subscriber_id: int, version: int) -> str:
    payload = _PAYLOAD.pack(subscriber_id, version, int(time.time()))
    return f"{_encode(payload)}.{_encode(_mac(purpose, payload))}"


def read_token(purpose: str, token: str) -> SubscriberToken:
    try:
        payload_text, mac_text = token.split(".")
        payload, mac = _decode(payload_text), _decode(mac_text)
        subscriber_id, version, issued_at = _PAYLOAD.unpack(payload)
    except (ValueError, binascii.Error, struct.error) as error:
        raise InvalidToken("This link is not valid") from error
    if not _mac_matches(mac, purpose, payload):
        raise InvalidToken("This link is not valid")
    if time.time() - issued_at > max_age_seconds(purpose):
        raise InvalidToken("This link has expired")
    return SubscriberToken(subscriber_id=subscriber_id, version=version)


def external_url(path: str, language: str = ENGLISH) -> str:
    """BASE_URL and `path`; for a Welsh reader the Welsh page, which the app serves at /cy/<the same path>."""
    return current_app.config["BASE_URL"].rstrip("/") + ("/" + WELSH if language == WELSH else "") + path


def manage_url(subscriber_id: int, version: int, language: str = ENGLISH) -> str:
    return external_url(f"/manage/{make_token(MANAGE, subscriber_id, version)}", language)


def unsubscribe_url(subscriber_id: int, version: int, language: str = ENGLISH) -> str:
    return external_url(f"/unsubscribe/{make_token(UNSUBSCRIBE, subscriber_id, version)}", language)


def confirm_email_url(subscriber_id: int, version: int, language: str = ENGLISH) -> str:
    return external_url(f"/subscribe/confirm-email/{make_token(CONFIRM_EMAIL, subscriber_id, version)}", language)


# The short personal link in texts, `/s/<code>`. A manage link (33 characters of token) would take a
# text past one fragment; this code is 14. It holds the subscriber id and a 48-bit MAC over the id and the current
# token version, so it needs no table, ends with the subscription (unsubscribing or erasure bumps the version or
# empties the contact) and is unguessable behind its rate limit (SHORT_LINK_LIMITS_PER_IP): one guess in 2**48
# per subscriber. It never expires by age: a text stays on a phone for as long as the alerts do.
SHORT = "short"
_SHORT_ID = struct.Struct(">I")
_SHORT_MAC_BYTES = 6


def short_code(subscriber_id: int, version: int, secret_key: str | None = None) -> str:
    payload = _SHORT_ID.pack(subscriber_id)
    mac = _mac(SHORT, payload + struct.pack(">I", version & 0xFFFFFFFF), secret_key)
    return _encode(payload + mac[:_SHORT_MAC_BYTES])


def short_code_subscriber(code: str) -> int:
    """The subscriber id a short code names; `short_code_matches` then checks it against their token version."""
    try:
        raw = _decode(code)
    except (ValueError, binascii.Error) as error:
        raise InvalidToken("This link is not valid") from error
    if len(raw) != _SHORT_ID.size + _SHORT_MAC_BYTES:
        raise InvalidToken("This link is not valid")
    return int(_SHORT_ID.unpack(raw[:_SHORT_ID.size])[0])


def short_code_matches(code: str, subscriber_id: int, version: int) -> bool:
    matched = False
    for secret_key in signing_keys():
        matched |= hmac.compare_digest(code, short_code(subscriber_id, version, secret_key))
    return matched


def short_url(subscriber_id: int, version: int, language: str = ENGLISH) -> str:
    return external_url(f"/s/{short_code(subscriber_id, version)}", language)


def notice_url(notice_id: int, language: str = ENGLISH) -> str:
    return external_url(f"/notices/{notice_id}", language)


# "Was this useful?" links in alert emails: one per notice and answer, the same for every resident, so the link
# names nobody. The signature only proves we made it; a GET of it never counts (a person presses a button).
FEEDBACK = "feedback"
FEEDBACK_ANSWERS = ("yes", "no")


def feedback_signature(notice_id: int, answer: str, secret_key: str | None = None) -> str:
    return _encode(_mac(FEEDBACK, f"{notice_id}:{answer}".encode(), secret_key))


def feedback_signature_matches(notice_id: int, answer: str, signature: str) -> bool:
    matched = False
    for secret_key in signing_keys():
        matched |= hmac.compare_digest(signature, feedback_signature(notice_id, answer, secret_key))
    return matched and answer in FEEDBACK_ANSWERS


def feedback_url(notice_id: int, answer: str, language: str = ENGLISH) -> str:
    return external_url(f"/notices/{notice_id}/feedback/{answer}/{feedback_signature(notice_id, answer)}", language)
