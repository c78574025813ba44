"""Staff passwords: the length rule, a check against common passwords, and hashing with a current KDF.

Ground floor: no Flask, no database. Follows NCSC and NIST SP 800-63B guidance: a minimum length, no
composition rules, and refusal of passwords that appear in breach lists.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

from config.settings import DATA_DIR

MIN_LENGTH = 8
MAX_LENGTH = 128  # long passphrases are welcome; the cap only stops hashing megabytes

_hasher = PasswordHasher()


class WeakPassword(ValueError):
    """A password we refuse. The message is GOV.UK error wording, safe to show."""


@cache
def common_passwords() -> frozenset[str]:
    lines = (DATA_DIR / "common-passwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def check_password_rules(password: str, *, email: str | None = None) -> None:
    if not password:
        raise WeakPassword("Enter a password")
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Password must be {MIN_LENGTH} characters or more")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"Password must be {MAX_LENGTH} characters or fewer")
    lowered = password.lower()
    if lowered in common_passwords() or (email and lowered == email.lower()):
        raise WeakPassword("Choose a password that is harder to guess: this one is too common")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Argon2 hashes, and Werkzeug scrypt/pbkdf2 hashes from before we moved to argon2."""
    if password_hash.startswith("$argon2"):
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(password_hash, password)
    except ValueError:
        return False


def needs_rehash(password_hash: str) -> bool:
    return not password_hash.startswith("$argon2") or _hasher.check_needs_rehash(password_hash)


# Verifying against this when the email is unknown keeps the response time the same, so timing cannot reveal
# which email addresses have accounts.
DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")
