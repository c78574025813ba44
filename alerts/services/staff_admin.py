"""What an admin (or the command line) does to staff accounts and API tokens: add a member of staff, change their
role, turn their account off or on, send a reset link, remove a lost second factor, make and revoke tokens. Each is
audited and committed with its audit event. Nobody sets another person's password: a new account or a reset gets a
one-time link to choose one.
"""

from __future__ import annotations

import secrets

from alerts import links
from alerts.data import outbox, staff_accounts
from alerts.data import staff as staff_data
from alerts.extensions import db
from alerts.models import ApiToken, Channel, MessageKind, Role, StaffUser
from alerts.notify import (
    render_staff_invitation_email,
    render_staff_password_link_requested_email,
    render_staff_password_reset_email,
)
from alerts.profile import message_from
from alerts.services.actors import Actor
from alerts.services.shown_text import shown_text as _l


class NotAllowed(ValueError):
    """What an admin asked for is not allowed. The message is safe to show them."""


# Refusals: each reads in the page's language when shown (str() of the refusal).
NEEDS_ENABLING = _l("Enable the account before sending a password reset link")
OWN_ADMIN_ROLE = _l("You cannot remove your own admin role. Ask another admin.")
OWN_ACCOUNT = _l("You cannot disable your own account")

def create_staff_user(email: str, role: Role, actor: Actor, *, password: str | None = None) -> StaffUser:
    """Add a staff account. With no password the new member of staff chooses their own from an emailed link, so
    nobody else ever knows it. Raises StaffUserExists or WeakPassword, having changed nothing."""
    user = staff_data.create_staff_user(email, role, password if password is not None else secrets.token_urlsafe(32))
    actor.audit("staff_user.created", "staff_user", user.id, email=user.email, role=str(user.role))
    if password is None:
        email_password_link(user, actor, new_account=True)
    db.session.commit()
    return user


def email_password_link(user: StaffUser, actor: Actor, *, new_account: bool = False,
                        asked_by_owner: bool = False) -> None:
    """Queue a one-time link to choose a password: a reset an admin asked for, a new account's first password, or
    one the person asked for on "Forgot your password?" (`asked_by_owner`: it lives an hour, not a day). The email
    is hidden in the outbox, so the admin can't use the link. Not sent here: the dispatcher sends top-priority
    messages within a second of the commit. The caller commits."""
    hours = staff_accounts.REQUESTED_LINK_HOURS if asked_by_owner else staff_accounts.RESET_LINK_HOURS
    token = staff_accounts.create_password_reset(user, requested_by=actor.name, hours=hours)
    render = (render_staff_invitation_email if new_account
              else render_staff_password_link_requested_email if asked_by_owner
              else render_staff_password_reset_email)
    email = render(links.external_url(f"/staff/reset-password/{token}"), hours, message_from())
    outbox.queue_direct_message(kind=MessageKind.STAFF_PASSWORD_RESET, channel=Channel.EMAIL,
                                recipient=user.email, subject=email.subject, body=email.body)
    actor.audit("staff_user.password_reset_sent", "staff_user", user.id)


def send_password_reset(user: StaffUser, actor: Actor) -> None:
    """Email a one-time link to choose a new password. Raises NotAllowed for a disabled account."""
    if user.is_disabled:
        raise NotAllowed(NEEDS_ENABLING)
    email_password_link(user, actor)
    db.session.commit()


def change_role(user: StaffUser, role: Role, actor: Actor) -> None:
    """Raises NotAllowed for an admin taking their own admin role away: another admin must."""
    if user.id == actor.user_id and role != Role.ADMIN:
        raise NotAllowed(OWN_ADMIN_ROLE)
    staff_data.change_role(user, role)
    actor.audit("staff_user.role_changed", "staff_user", user.id, role=str(role))
    db.session.commit()


def switch_disabled(user: StaffUser, actor: Actor) -> None:
    """Disable an account (which signs it out everywhere), or enable it again. Raises NotAllowed for your own."""
    if user.id == actor.user_id:
        raise NotAllowed(OWN_ACCOUNT)
    staff_data.set_disabled(user, not user.is_disabled)
    actor.audit("staff_user.disabled" if user.is_disabled else "staff_user.enabled", "staff_user", user.id)
    db.session.commit()


def remove_second_factor(user: StaffUser, actor: Actor) -> None:
    """For someone who lost their phone and recovery codes: signed out, they set up a new one at next sign-in."""
    staff_accounts.remove_second_factor(user)
    actor.audit("staff_user.second_factor_removed", "staff_user", user.id)
    db.session.commit()


def create_api_token(name: str, user: StaffUser, *, days: int, actor: Actor,
                     second_factor_required: bool = False) -> staff_data.NewApiToken:
    """A token for another council system, acting for `user` with their role. Only its hash is kept: the token
    itself is in the answer, once. Raises NotAllowed, making nothing, for a person without a second factor when one
    is required: the token would act for them without it."""
    if second_factor_required and not user.has_second_factor:
        raise NotAllowed(f"{user.email} must set up a second factor before a token can act for them")
    created = staff_data.create_api_token(name, user, days=days, created_by_id=actor.user_id)
    actor.audit("api_token.created", "api_token", created.record.id, name=created.record.name, user=user.email,
                role=str(user.role), days=days)
    db.session.commit()
    return created


def revoke_api_token(record: ApiToken, actor: Actor) -> None:
    staff_data.revoke_api_token(record)
    actor.audit("api_token.revoked", "api_token", record.id, name=record.name)
    db.session.commit()


def record_outbox_viewed(page: int, actor: Actor) -> None:
    """The outbox shows recipients, which are personal data: every page of it an admin opens is audited."""
    actor.audit("outbox.viewed", page=page)
    db.session.commit()
