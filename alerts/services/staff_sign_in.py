"""Signing in and out of the staff pages, and what each member of staff does with their own sign-in: change their
password, set up the second factor, get new recovery codes, and use the reset link an admin sent them. Also the
officer API's check of the token another council system sends.

Every attempt is audited, the refused and failed ones too, and committed even when nothing else changes, so the
log keeps it whatever the request does next. A turn is taken before any password or code is checked (committed at
once, on its own connection: see `alerts.data.sign_in_throttle`); the right password or code forgets that
account's failures in the same transaction as what it unlocks.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from alerts.credentials import second_factor
from alerts.data import sign_in_throttle, staff_accounts
from alerts.data import staff as staff_data
from alerts.extensions import db
from alerts.models import ApiToken, Role, StaffUser
from alerts.services import account_security
from alerts.services.actors import Actor

# What a throttle counts attempts at, one count each per account and address.
PASSWORD = "password"  # noqa: S105 — a throttle key prefix, not a password
SECURITY_CODE = "security-code"
PASSWORD_CHANGE = "password-change"  # noqa: S105 — a throttle key prefix, not a password
# Signing in (not changing a password while signed in) also counts against the account's daily limit.
SIGNING_IN = (PASSWORD, SECURITY_CODE)
DAY_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Attempt:
    """One attempt at a password or code, reserved against every count it is made under, or refused."""

    allowed: bool
    retry_in_seconds: int = 0  # refused by a per-address count: how long to wait, to tell the person
    # Refused by the account's daily limit: answered exactly as a wrong password, so it says nothing about the
    # account (made-up accounts are counted too).
    paused: bool = False
    reserved: tuple[str, ...] = ()  # the throttle keys it counts against, forgotten or given back on success


def _turn(key: str, free_attempts: int) -> sign_in_throttle.Turn:
    with db.engine.begin() as connection:  # committed at once, apart from the request's own transaction
        return sign_in_throttle.take_turn(connection, key, free_attempts)


def take_turn(purpose: str, email: str, address: str | None, *, device: str | None = None) -> Attempt:
    """One attempt at a password or code for this account from this address: the address as a whole first, then
    the account and address together, then (signing in) the account's daily count across every address.

    `device` is the nonce of a valid device cookie this browser holds for this account (OWASP's device cookie
    pattern): it has signed in here before, so the address as a whole is not counted, and a flood of wrong
    passwords for made-up accounts from the same office address cannot lock it out. The cookie's own failures are
    counted instead: with too many it is no longer trusted, and the address counts again. The account-and-address
    count and the daily limit apply either way."""
    device_key = f"device|{device}" if device is not None else None
    if device_key is not None and _turn(device_key, sign_in_throttle.ACCOUNT_FREE_ATTEMPTS).allowed:
        reserved: tuple[str, ...] = (device_key,)
    else:
        by_address = _turn(sign_in_throttle.address_key(address), sign_in_throttle.ADDRESS_FREE_ATTEMPTS)
        if not by_address.allowed:
            return Attempt(allowed=False, retry_in_seconds=by_address.retry_in_seconds)
        reserved = (sign_in_throttle.address_key(address),)
    account_key = sign_in_throttle.account_key(purpose, email, address)
    turn = _turn(account_key, sign_in_throttle.ACCOUNT_FREE_ATTEMPTS)
    if not turn.allowed:
        _give_back(reserved)
        db.session.commit()
        return Attempt(allowed=False, retry_in_seconds=turn.retry_in_seconds)
    reserved += (account_key,)
    if purpose in SIGNING_IN:
        daily = sign_in_throttle.daily_key(email)
        with db.engine.begin() as connection:
            day = sign_in_throttle.take_daily_turn(connection, daily, _daily_limit(), DAY_SECONDS)
        if not day.allowed:
            if day.first_refusal:
                account_security.tell_of_paused_sign_in(email, address, day.window_ends_epoch)
            db.session.commit()
            return Attempt(allowed=False, paused=True)
        reserved += (daily,)
    return Attempt(allowed=True, reserved=reserved)


def _give_back(keys: tuple[str, ...]) -> None:
    for key in keys:
        sign_in_throttle.give_back(key)


def _daily_limit() -> int:
    return int(current_app.config["STAFF_SIGN_IN_ATTEMPTS_PER_DAY"])


def _forget_failures(reserved: tuple[str, ...]) -> None:
    """The right password or code: the counts of this account from this address, and of this device cookie,
    start again; the attempt is given back to the address's count and the account's daily count. The caller
    commits."""
    for key in reserved:
        if key.startswith(("address|", "account-day|")):
            sign_in_throttle.give_back(key)
        else:
            sign_in_throttle.forget(key)


# Who a sign-in attempt for no account is recorded as: whatever was typed (a colleague's password typed into the
# email box, a resident's address) is not kept.
UNKNOWN_ACCOUNT = "unknown account"


def attempt_actor(email: str, ip_address: str | None, user: StaffUser | None = None) -> Actor:
    """Who an attempt to sign in as `email` is audited as: the account it names, or `UNKNOWN_ACCOUNT`."""
    if user is None:
        user = staff_data.get_staff_user_by_email(email)
    if user is None:
        return Actor(user_id=None, name=UNKNOWN_ACCOUNT, ip_address=ip_address)
    return Actor.staff(user, ip_address)


def record_attempt(actor: Actor, action: str, target_type: str | None = None, target_id: int | None = None) -> None:
    """An attempt refused by the throttle, or a wrong password or code: audited and committed on its own."""
    actor.audit(action, target_type, target_id)
    db.session.commit()


def accept_password(attempt: Attempt, actor: Actor) -> None:
    """The password was right and a security code comes next: half signed in, which grants nothing yet."""
    _forget_failures(attempt.reserved)
    actor.audit("staff.password_accepted")
    db.session.commit()


def sign_in(user: StaffUser, actor: Actor, *, forget: Attempt | None = None,
            recovery_code_used: bool = False) -> None:
    """The password (and the code, if they have a second factor) was right. `forget` is the attempt that let them
    through."""
    if forget is not None:
        _forget_failures(forget.reserved)
    if recovery_code_used:
        actor.audit("staff.recovery_code_used")
    staff_data.record_sign_in(user)
    actor.audit("staff.signed_in")
    db.session.commit()


def code_accepted(user: StaffUser, code: str, secret_key: second_factor.SecretKeys) -> bool:
    """Whether `code` is the authenticator app's code now, or an unused recovery code; either works once. Uses it
    up, in the transaction that `sign_in` then commits (or `record_attempt`, for a wrong one)."""
    if second_factor.looks_like_recovery_code(code):
        return staff_accounts.use_recovery_code(user, code)
    return staff_accounts.accept_totp_code(user, code, secret_key)


def sign_out(user: StaffUser, actor: Actor) -> None:
    """Sessions live in signed cookies: ending every one of this person's is what makes a copied cookie useless."""
    actor.audit("staff.signed_out")
    staff_accounts.end_sessions(user)
    db.session.commit()


def change_password(user: StaffUser, current_password: str, new_password: str, actor: Actor,
                    attempt: Attempt) -> None:
    """Raises WrongPassword (audited) or WeakPassword (nothing changed). Ends every other session: the caller
    carries on in a new one."""
    try:
        staff_accounts.change_password(user, current_password, new_password)
    except staff_accounts.WrongPassword:
        actor.audit("staff.password_change_failed", "staff_user", user.id)
        db.session.commit()
        raise
    _forget_failures(attempt.reserved)
    actor.audit("staff.password_changed", "staff_user", user.id)
    db.session.commit()


def set_up_second_factor(user: StaffUser, sealed_secret: str, code: str, secret_key: second_factor.SecretKeys,
                         actor: Actor) -> list[str] | None:
    """Turn the second factor on if `code` comes from the secret being set up; the new recovery codes (shown
    once), or None for a wrong code."""
    codes = staff_accounts.confirm_second_factor(user, sealed_secret, code, secret_key)
    if codes is not None:
        actor.audit("staff.second_factor_set_up", "staff_user", user.id)
        db.session.commit()
    return codes


def replace_recovery_codes(user: StaffUser, actor: Actor) -> list[str]:
    """New recovery codes, shown once; the old ones stop working."""
    codes = staff_accounts.replace_recovery_codes(user)
    actor.audit("staff.recovery_codes_replaced", "staff_user", user.id)
    db.session.commit()
    return codes


def reset_password(token: str, new_password: str, ip_address: str | None) -> StaffUser | None:
    """Set a password through a reset link, which then never works again; None if the link is not live. Raises
    WeakPassword before the link is used up."""
    changed = staff_accounts.use_password_reset(token, new_password)
    if changed is None:
        return None
    Actor.staff(changed, ip_address).audit("staff.password_reset")
    db.session.commit()
    return changed


class TokenRefused(Exception):
    """An API token that may not act: `known` is False for an unknown, revoked or expired token (or a disabled
    person's), True for a live token whose person is not an officer."""

    def __init__(self, *, known: bool, needs_second_factor: bool = False) -> None:
        super().__init__("known" if known else "unknown")
        self.known = known
        # A live officer's token while MFA_REQUIRED and they have no second factor: a token must not be a way
        # round the second factor every staff sign-in needs.
        self.needs_second_factor = needs_second_factor


def officer_token(token: str, *, second_factor_required: bool = False) -> ApiToken:
    """The live token with this value, acting for an officer; marked as used now. Raises TokenRefused. A live token
    whose person may not publish, or has no second factor when one is required, is refused, and its use is kept all
    the same."""
    record = staff_data.api_token_for(token) if token else None
    if record is None:
        db.session.rollback()
        raise TokenRefused(known=False)
    user = record.staff_user
    if user is None or not user.has_role(Role.OFFICER):
        db.session.commit()
        raise TokenRefused(known=True)
    if second_factor_required and not user.has_second_factor:
        db.session.commit()
        raise TokenRefused(known=True, needs_second_factor=True)
    return record
