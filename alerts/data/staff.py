"""Staff accounts and API tokens: sessions, sign-in bookkeeping, administration."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from alerts.credentials.passwords import check_password_rules, hash_password, needs_rehash, verify_password
from alerts.extensions import db
from alerts.models import ApiToken, Role, StaffUser, utc_now
from alerts.profile import council

API_TOKEN_PREFIX = "dsa_"  # noqa: S105 — a label on every token, so leaked ones are easy to spot
API_TOKEN_DEFAULT_DAYS = 90  # DESIGN §4
API_TOKEN_MAX_DAYS = 366


class StaffUserExists(ValueError):
    """There is already an account with this email address."""


def load_user_from_session(session_id: str) -> StaffUser | None:
    """Flask-Login's loader: the session id is "<user id>:<session version>"."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or user.is_disabled or user.session_version != int(version):
        return None
    return user


def normalise_staff_email(email: str) -> str:
    return email.strip().lower()


def get_staff_user(user_id: int) -> StaffUser | None:
    return db.session.get(StaffUser, user_id)


def get_staff_user_by_email(email: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == normalise_staff_email(email)))


def list_staff_users() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.email)))


def password_context_words() -> list[str]:
    """What a staff password must not be built from, beyond the person's email: this council's names, places and
    services (NIST SP 800-63B's context-specific words)."""
    profile = council()
    return [profile.name, profile.short_name, profile.domain, profile.whole_area_name, profile.warnings_area_name,
            profile.service_name, *(area.name for area in profile.areas),
            *(service.name for service in profile.services)]


def check_staff_password(password: str, email: str) -> None:
    """The password rules with this council's context words: raises WeakPassword."""
    check_password_rules(password, email=email, context_words=password_context_words())


def create_staff_user(email: str, role: Role, password: str) -> StaffUser:
    """Check the password rules (WeakPassword) and add the account. The caller commits."""
    email = normalise_staff_email(email)
    if get_staff_user_by_email(email) is not None:
        raise StaffUserExists(f"There is already a staff account for {email}")
    check_staff_password(password, email)
    user = StaffUser(email=email, role=role, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(user: StaffUser | None, password: str) -> bool:
    """Check a password; on success upgrade an old hash (scrypt from before argon2) in place."""
    if user is None:
        return False
    if not verify_password(user.password_hash, password):
        return False
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def record_sign_in(user: StaffUser) -> None:
    user.last_signed_in_at_utc = utc_now()


def change_role(user: StaffUser, role: Role) -> None:
    if user.role != role:
        user.role = role
        # A role change must not leave an old session with the old permissions.
        user.session_version += 1


def set_disabled(user: StaffUser, disabled: bool) -> None:
    user.is_disabled = disabled
    if disabled:
        user.session_version += 1  # ends every session of this user at their next request


# API tokens ---------------------------------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    # A token is 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force, unlike a password.
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewApiToken:
    token: str  # shown once, never stored
    record: ApiToken


def create_api_token(name: str, user: StaffUser, *, days: int = API_TOKEN_DEFAULT_DAYS,
                     created_by_id: int | None = None) -> NewApiToken:
    """A token that acts for `user`, with whatever role they hold when it is used, until it expires."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(name=name.strip(), role=user.role, token_hash=_token_hash(token), token_prefix=token[:12],
                      staff_user_id=user.id, expires_at_utc=utc_now() + dt.timedelta(days=days),
                      created_by_id=created_by_id)
    db.session.add(record)
    db.session.flush()
    return NewApiToken(token=token, record=record)


def list_token_users() -> list[StaffUser]:
    """Staff a token may act for: enabled accounts."""
    return list(db.session.scalars(select(StaffUser).where(StaffUser.is_disabled.is_(False))
                                   .order_by(StaffUser.email)))


def list_api_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.revoked_at_utc.is_not(None), ApiToken.name)))


def get_api_token(token_id: int) -> ApiToken | None:
    return db.session.get(ApiToken, token_id)


def revoke_api_token(record: ApiToken) -> None:
    if record.revoked_at_utc is None:
        record.revoked_at_utc = utc_now()


def api_token_for(token: str) -> ApiToken | None:
    """The live token with this value, marked as used now; None if unknown, revoked, expired, made before tokens
    acted for a person, or if its person is disabled."""
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if record is None or record.revoked_at_utc is not None:
        return None
    if record.expires_at_utc is None or record.expires_at_utc <= utc_now():
        return None
    if record.staff_user is None or record.staff_user.is_disabled:
        return None
    record.last_used_at_utc = utc_now()
    return record
