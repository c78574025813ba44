"""A staff member's own account: password change and reset links, the second factor and recovery codes.

Every "use once" rule here is one conditional UPDATE whose row count decides, so two requests racing with the
same reset link, recovery code or TOTP code cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import func, select, update

from alerts.credentials import second_factor
from alerts.credentials.passwords import hash_password, verify_password
from alerts.data import execute_counting_rows
from alerts.data.staff import check_staff_password
from alerts.extensions import db
from alerts.models import PasswordReset, RecoveryCode, StaffUser, utc_now

RESET_LINK_HOURS = 24
# A link someone asked for themselves on "Forgot your password?": whoever asks must be reading the email now.
REQUESTED_LINK_HOURS = 1


class WrongPassword(ValueError):
    """The current password given to change it was wrong."""


def end_sessions(user: StaffUser) -> None:
    """Sign out every copy of every session of this user. The caller commits."""
    # Sessions carry the version (StaffUser.get_id): bumping it signs out every copy of every session.
    user.session_version += 1


def set_password(user: StaffUser, new_password: str) -> None:
    """Check the rules (WeakPassword), store the new hash and end every session. The caller commits."""
    check_staff_password(new_password, user.email)
    user.password_hash = hash_password(new_password)
    user.password_changed_at_utc = utc_now()
    end_sessions(user)


def change_password(user: StaffUser, current_password: str, new_password: str) -> None:
    """WrongPassword unless `current_password` is right; WeakPassword if the new one breaks the rules."""
    if not verify_password(user.password_hash, current_password):
        raise WrongPassword("Your current password is not right")
    set_password(user, new_password)


# Reset links ---------------------------------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()  # 256 random bits: nothing to brute-force


def create_password_reset(user: StaffUser, requested_by: str, hours: int = RESET_LINK_HOURS) -> str:
    """A new one-time link token (returned once, only its hash kept); earlier unused links stop working."""
    now = utc_now()
    db.session.execute(update(PasswordReset)
                       .where(PasswordReset.staff_user_id == user.id, PasswordReset.used_at_utc.is_(None))
                       .values(used_at_utc=now))
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordReset(staff_user_id=user.id, token_hash=_token_hash(token), requested_by=requested_by,
                                 expires_at_utc=now + dt.timedelta(hours=hours)))
    db.session.flush()
    return token


def user_for_reset_token(token: str) -> StaffUser | None:
    """The account a live (unused, unexpired) reset link is for, without using it up."""
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _token_hash(token)))
    if reset is None or reset.used_at_utc is not None or reset.expires_at_utc <= utc_now():
        return None
    user = db.session.get(StaffUser, reset.staff_user_id)
    return None if user is None or user.is_disabled else user


def use_password_reset(token: str, new_password: str) -> StaffUser | None:
    """Set the password through a reset link, which then never works again. None if the link is not live;
    WeakPassword (before the link is used up) if the password breaks the rules. The caller commits."""
    user = user_for_reset_token(token)
    if user is None:
        return None
    check_staff_password(new_password, user.email)
    claimed = execute_counting_rows(
        update(PasswordReset)
        .where(PasswordReset.token_hash == _token_hash(token), PasswordReset.used_at_utc.is_(None),
               PasswordReset.expires_at_utc > utc_now())
        .values(used_at_utc=utc_now())
    )
    if claimed != 1:
        return None
    set_password(user, new_password)
    return user


# Second factor -------------------------------------------------------------------------------------------------

def confirm_second_factor(user: StaffUser, sealed_secret: str, code: str,
                          secret_key: second_factor.SecretKeys) -> list[str] | None:
    """Turn the second factor on if `code` comes from `sealed_secret`; give the new recovery codes (shown once),
    or None for a wrong code. The caller commits."""
    secret = second_factor.unseal(sealed_secret, secret_key)
    step = second_factor.matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret_sealed = sealed_secret
    user.totp_confirmed_at_utc = utc_now()
    user.totp_last_step = step
    return replace_recovery_codes(user)


def accept_totp_code(user: StaffUser, code: str, secret_key: second_factor.SecretKeys) -> bool:
    """True once per time step: the same code (or an earlier one) used again is refused, even by two requests
    at the same moment, because only one conditional UPDATE can move the last accepted step forward."""
    if not user.has_second_factor or not user.totp_secret_sealed:
        return False
    try:
        secret = second_factor.unseal(user.totp_secret_sealed, secret_key)
    except second_factor.SecretUnreadable:
        return False
    step = second_factor.matching_step(secret, code)
    if step is None:
        return False
    moved = execute_counting_rows(
        update(StaffUser)
        .where(StaffUser.id == user.id, (StaffUser.totp_last_step.is_(None)) | (StaffUser.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return moved == 1


def users_with_sealed_secrets() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).where(StaffUser.totp_secret_sealed.is_not(None))
                                   .order_by(StaffUser.id)))


def use_recovery_code(user: StaffUser, code: str) -> bool:
    """True the first time a recovery code of this user is used; never again."""
    used = execute_counting_rows(
        update(RecoveryCode)
        .where(RecoveryCode.staff_user_id == user.id, RecoveryCode.used_at_utc.is_(None),
               RecoveryCode.code_hash == second_factor.recovery_code_hash(code))
        .values(used_at_utc=utc_now())
    )
    return used == 1


def replace_recovery_codes(user: StaffUser) -> list[str]:
    """New recovery codes (returned once; only hashes kept); the old ones stop working."""
    db.session.execute(update(RecoveryCode)
                       .where(RecoveryCode.staff_user_id == user.id, RecoveryCode.used_at_utc.is_(None))
                       .values(used_at_utc=utc_now()))
    codes = second_factor.new_recovery_codes()
    db.session.add_all(RecoveryCode(staff_user_id=user.id, code_hash=second_factor.recovery_code_hash(code))
                       for code in codes)
    db.session.flush()
    return codes


def count_unused_recovery_codes(user: StaffUser) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.staff_user_id == user.id, RecoveryCode.used_at_utc.is_(None))) or 0


def remove_second_factor(user: StaffUser) -> None:
    """For someone who lost both the app and the codes: they set it up again at their next sign-in."""
    user.totp_secret_sealed = None
    user.totp_confirmed_at_utc = None
    user.totp_last_step = None
    db.session.execute(update(RecoveryCode)
                       .where(RecoveryCode.staff_user_id == user.id, RecoveryCode.used_at_utc.is_(None))
                       .values(used_at_utc=utc_now()))
    end_sessions(user)
