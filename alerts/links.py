"""Signed links in messages: manage, unsubscribe and email confirmation.

Each kind has its own salt, so a token made for one purpose is useless for another. Links are built from
BASE_URL, never from the request's Host header, so a forged Host cannot poison a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

MANAGE = "manage"
UNSUBSCRIBE = "unsubscribe"
CONFIRM_EMAIL = "confirm-email"
CONFIRM_EMAIL_MAX_AGE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class SubscriberToken:
    subscriber_id: int
    version: int  # Subscriber.token_version when the link was made; bumping it revokes old links


class InvalidToken(ValueError):
    """The link is malformed, tampered with, for another purpose, or expired."""


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"alerts-{purpose}")


def _timed_serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"alerts-{purpose}")


def make_token(purpose: str, subscriber_id: int, version: int) -> str:
    if purpose == CONFIRM_EMAIL:
        return _timed_serializer(purpose).dumps([subscriber_id, version])
    return _serializer(purpose).dumps([subscriber_id, version])


def read_token(purpose: str, token: str) -> SubscriberToken:
    try:
        if purpose == CONFIRM_EMAIL:
            data = _timed_serializer(purpose).loads(token, max_age=CONFIRM_EMAIL_MAX_AGE_SECONDS)
        else:
            data = _serializer(purpose).loads(token)
    except SignatureExpired as error:
        raise InvalidToken("This link has expired") from error
    except BadSignature as error:
        raise InvalidToken("This link is not valid") from error
    if not (isinstance(data, list) and len(data) == 2 and all(isinstance(x, int) for x in data)):
        raise InvalidToken("This link is not valid")
    return SubscriberToken(subscriber_id=data[0], version=data[1])


def external_url(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def manage_url(subscriber_id: int, version: int) -> str:
    return external_url(f"/manage/{make_token(MANAGE, subscriber_id, version)}")


def unsubscribe_url(subscriber_id: int, version: int) -> str:
    return external_url(f"/unsubscribe/{make_token(UNSUBSCRIBE, subscriber_id, version)}")


def confirm_email_url(subscriber_id: int, version: int) -> str:
    return external_url(f"/subscribe/confirm-email/{make_token(CONFIRM_EMAIL, subscriber_id, version)}")


def notice_url(notice_id: int) -> str:
    return external_url(f"/notices/{notice_id}")
