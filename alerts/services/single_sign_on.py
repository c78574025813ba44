"""Who a person signing in through the council's identity provider (OpenID Connect) is here: the staff account with
their verified email, or one made or changed to the role the provider asserts. The views check the ID token
(signature, issuer, audience, expiry, nonce) before anything here runs; this decides what the checked claims allow.

- A role asserted by the provider (Microsoft Entra ID app roles) is the person's role: a new account is made with
  it, an existing one takes it, and the account is marked as the provider's (`roles_from_provider`).
- No role asserted: an account an admin made signs in with its own role when the provider says the email is verified
  (Google Workspace, which has no app roles); an account whose role came from the provider is refused, because the
  role was taken away there.
- A disabled account is always refused: disabling it here is how a council keeps someone out at once.

Every outcome is audited and committed once; signing in itself then goes through `staff_sign_in.sign_in`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from alerts.data import staff as staff_data
from alerts.extensions import db
from alerts.models import Role, StaffUser
from alerts.services.actors import Actor
from alerts.services.shown_text import ShownText
from alerts.services.shown_text import shown_text as _l

# When the provider asserts several of our roles, the first of these wins.
ROLE_PRECEDENCE = (Role.ADMIN, Role.OFFICER, Role.MANAGER, Role.CONTACT_CENTRE)

# Refusals: each reads in the page's language when shown (str() of the refusal).
NO_EMAIL = _l("Your account at the identity provider has no email address, so we cannot tell who you are.")
NOT_VERIFIED = _l("Your identity provider did not confirm your email address.")
NO_ACCESS = _l("Your council account has not been given access to this service. Ask your IT team or an admin.")
ROLE_REMOVED = _l("Your access to this service has been removed. Ask your IT team or an admin if you need it back.")
DISABLED = _l("Your staff account is turned off. Ask an admin if you need it back.")


@dataclass(frozen=True)
class ProviderIdentity:
    """What a checked ID token says about the person."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    roles: tuple[str, ...]  # the values of the roles claim, ours and others
    mfa: bool  # `amr` contains "mfa": the provider asked for a second factor


class Refused(Exception):
    """The provider vouched for someone who may not sign in here. The message is safe to show them."""


def role_asserted(identity: ProviderIdentity) -> Role | None:
    """The one role of ours the provider asserts, if any (values it knows that we don't are ignored)."""
    asserted = {value.strip().lower() for value in identity.roles}
    return next((role for role in ROLE_PRECEDENCE if role.value in asserted), None)


def _refuse(identity: ProviderIdentity, ip_address: str | None, reason: str, user: StaffUser | None,
            message: ShownText) -> Refused:
    actor = Actor(user_id=user.id if user else None, name=identity.email or f"{identity.issuer} {identity.subject}",
                  ip_address=ip_address)
    actor.audit("staff.single_sign_on_refused", "staff_user" if user else None, user.id if user else None,
                reason=reason, issuer=identity.issuer)
    db.session.commit()
    return Refused(message)


def account_for(identity: ProviderIdentity, ip_address: str | None) -> StaffUser:
    """The enabled staff account this person signs in as, made or given the asserted role first. Raises Refused
    (audited). Commits."""
    if not identity.email:
        raise _refuse(identity, ip_address, "no email", None, NO_EMAIL)
    email = staff_data.normalise_staff_email(identity.email)
    user = staff_data.get_staff_user_by_email(email)
    role = role_asserted(identity)
    if user is not None and user.is_disabled:
        raise _refuse(identity, ip_address, "disabled", user, DISABLED)
    if role is None:
        if user is None:
            raise _refuse(identity, ip_address, "no account and no role", None, NO_ACCESS)
        if user.roles_from_provider:
            raise _refuse(identity, ip_address, "role removed at the provider", user, ROLE_REMOVED)
        if not identity.email_verified:
            raise _refuse(identity, ip_address, "email not verified", user, NOT_VERIFIED)
        return user
    provider = Actor(user_id=None, name=f"identity provider: {identity.issuer}", ip_address=ip_address)
    if user is None:
        # Nobody signs in to this account with a password: the random one is never shown or kept anywhere.
        user = staff_data.create_staff_user(email, role, secrets.token_urlsafe(32))
        user.roles_from_provider = True
        provider.audit("staff_user.created", "staff_user", user.id, email=user.email, role=str(role))
    elif user.role != role or not user.roles_from_provider:
        if user.role != role:
            staff_data.change_role(user, role)  # ends their other sessions, which had the old role
            provider.audit("staff_user.role_changed", "staff_user", user.id, role=str(role))
        user.roles_from_provider = True
    db.session.commit()
    return user
