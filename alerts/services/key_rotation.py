"""Rotating SECRET_KEY: what is stored sealed under the old key is sealed again under the new one.

Signed things (sessions, links) need nothing stored: they are accepted under SECRET_KEY_FALLBACKS until they
expire. Sealed second factor secrets live in the database, so they are re-sealed here before a retired key leaves
SECRET_KEY_FALLBACKS.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alerts.credentials import second_factor
from alerts.data import staff_accounts
from alerts.extensions import db


@dataclass
class ResealResult:
    resealed: int = 0
    unreadable: list[int] = field(default_factory=list)  # staff user ids whose secret no key given can read


def reseal_second_factor_secrets(secret_keys: list[str]) -> ResealResult:
    """secret_keys: the current SECRET_KEY first, then the fallbacks. Commits once; a secret no key can read is
    left untouched (and named), so running it with a key missing loses nothing."""
    result = ResealResult()
    for user in staff_accounts.users_with_sealed_secrets():
        sealed = user.totp_secret_sealed
        assert sealed is not None  # the query's condition
        try:
            user.totp_secret_sealed = second_factor.reseal(sealed, secret_keys)
        except second_factor.SecretUnreadable:
            result.unreadable.append(user.id)
            continue
        result.resealed += 1
    db.session.commit()
    return result
