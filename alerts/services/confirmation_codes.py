"""Six-digit confirmation codes: random, kept only as a keyed hash, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

CODE_DIGITS = 6


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def hash_code(secret_key: str, subscriber_id: int, code: str) -> str:
    """Keyed with SECRET_KEY and the subscriber, so a copy of the database alone can't be tried against
    the million possible codes, and one subscriber's hash says nothing about another's."""
    message = f"{subscriber_id}:{code}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def code_matches(secret_keys: list[str], subscriber_id: int, code: str, stored_hash: str) -> bool:
    """secret_keys: SECRET_KEY and its fallbacks, so a code sent just before a key rotation still works. Every key
    is tried, whatever matches, so the work is the same for every guess."""
    matched = False
    for secret_key in secret_keys:
        matched |= hmac.compare_digest(hash_code(secret_key, subscriber_id, code), stored_hash)
    return matched


def issuance_digest(secret_key: str, issuance: str) -> str:
    """What a subscriber row keeps of the client a code was sent for: never the session key itself."""
    return hmac.new(secret_key.encode(), f"issuance:{issuance}".encode(), hashlib.sha256).hexdigest()[:64]


def tidy_code(text: str) -> str:
    """People paste codes with spaces or dashes ("123 456")."""
    return "".join(ch for ch in text if not ch.isspace() and ch != "-")
