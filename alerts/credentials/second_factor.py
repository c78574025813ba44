"""Staff second factor: TOTP (RFC 6238) secrets, codes, recovery codes and the set-up QR code.

Ground floor like passwords.py beside it: no Flask, no database. The data layer decides what is stored; this
module only does the arithmetic and the cryptography.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Sequence

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

STEP_SECONDS = 30
# Accept the code before and after the current one: phones' clocks drift and people type slowly.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed from paper


# One key, or the current SECRET_KEY followed by the retired ones (SECRET_KEY_FALLBACKS) that may still unseal.
SecretKeys = str | Sequence[str]


class SecretUnreadable(ValueError):
    """The stored secret was sealed with another SECRET_KEY (or tampered with)."""


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def _fernet(secret_key: str) -> Fernet:
    # The TOTP secret must not be readable from a database dump alone: seal it with a key derived from SECRET_KEY,
    # which lives in the environment, not the database.
    digest = hashlib.sha256(b"staff-totp-secret\x00" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _multi_fernet(secret_keys: SecretKeys) -> MultiFernet:
    # Seals with the first (current) key and unseals with any, so a rotated SECRET_KEY that keeps the old one in
    # SECRET_KEY_FALLBACKS leaves every officer's authenticator working until `reseal-secrets` has run.
    keys = [secret_keys] if isinstance(secret_keys, str) else list(secret_keys)
    return MultiFernet([_fernet(key) for key in keys])


def seal(secret: str, secret_keys: SecretKeys) -> str:
    return _multi_fernet(secret_keys).encrypt(secret.encode()).decode()


def unseal(sealed: str, secret_keys: SecretKeys) -> str:
    try:
        return _multi_fernet(secret_keys).decrypt(sealed.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable("The second factor secret cannot be read with this SECRET_KEY") from error


def reseal(sealed: str, secret_keys: SecretKeys) -> str:
    """The same secret sealed under the current (first) key; SecretUnreadable if no key given can unseal it."""
    try:
        return _multi_fernet(secret_keys).rotate(sealed.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable("The second factor secret cannot be read with this SECRET_KEY") from error


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    """issuer: what the authenticator app calls the account ("<council name> disruption alerts")."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_code_svg(uri: str) -> str:
    """An inline SVG the page can show without JavaScript or an image request."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff")


def grouped(secret: str) -> str:
    """ABCD EFGH …: easier to copy by hand into an app for someone who cannot scan."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time step whose code this is (within the allowed drift), or None. The caller refuses a step it has
    already accepted, so a code seen over someone's shoulder cannot be used again."""
    code = normalise_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        # Compare every candidate in constant time and keep going, so timing says nothing about which matched.
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            found = step
    return found


def new_recovery_codes() -> list[str]:
    """Ten codes of 16 characters (80 random bits each), shown as four groups of four."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
    return codes


def recovery_code_hash(code: str) -> str:
    # 80 random bits cannot be guessed from a hash, so SHA-256 is enough (a password would need argon2).
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    return len(normalise_code(code)) == 16
