"""Who may see staff pages: sign-in, session timeouts, roles, the second factor, and who is acting (for the
audit log). Sign-in throttling is the staff sign-in service's (`alerts.services.staff_sign_in`)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from alerts.models import Role
from alerts.services.actors import Actor

F = TypeVar("F", bound=Callable[..., Any])

IDLE_TIMEOUT_MINUTES = 30
ABSOLUTE_TIMEOUT_HOURS = 12
# The staff pages a signed-in member of staff may reach before they have set up a second factor, when MFA_REQUIRED
# is on.
SECOND_FACTOR_SET_UP_ENDPOINTS = frozenset({"staff.set_up_second_factor", "staff.sign_out"})
# Session keys set at sign-in through the identity provider: sign-out goes to the provider too; and the provider
# asked for a second factor (its ID token's `amr` has "mfa"), so ours is not asked for.
SIGNED_IN_WITH_PROVIDER = "signed_in_with_provider"
PROVIDER_CHECKED_MFA = "provider_checked_mfa"

def role_required(*roles: Role) -> Callable[[F], F]:
    """Allow signed-in staff with one of `roles` (admins may do everything); 403 for anyone else.

    The roles are kept on the view (`allowed_roles`), so the security tests can check every route.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("staff.sign_in", next=request.full_path))
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles) | {Role.ADMIN}  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def any_staff(view: F) -> F:
    return role_required(Role.OFFICER, Role.CONTACT_CENTRE, Role.MANAGER, Role.ADMIN)(view)


def start_session() -> None:
    now = int(time.time())
    session["signed_in_at"] = now
    session["seen_at"] = now
    session.permanent = True


def session_has_expired() -> bool:
    """Idle for too long, or signed in for too long: either way, sign in again."""
    now = time.time()
    idle = current_app.config.get("STAFF_IDLE_TIMEOUT_MINUTES", IDLE_TIMEOUT_MINUTES) * 60
    absolute = current_app.config.get("STAFF_ABSOLUTE_TIMEOUT_HOURS", ABSOLUTE_TIMEOUT_HOURS) * 3600
    return now - session.get("seen_at", 0) > idle or now - session.get("signed_in_at", 0) > absolute


def check_session() -> Any:
    """Run before every staff request except sign-in: end expired sessions, keep live ones fresh."""
    if not current_user.is_authenticated:
        return None
    if session_has_expired():
        logout_user()
        session.clear()
        flash(_("You were signed out because your session timed out. Sign in again."))
        return redirect(url_for("staff.sign_in"))
    session["seen_at"] = int(time.time())
    if second_factor_missing() and request.endpoint not in SECOND_FACTOR_SET_UP_ENDPOINTS:
        # Production: no staff page until the second factor is set up, whatever URL is asked for.
        return redirect(url_for("staff.set_up_second_factor"))
    return None


def try_again_message(seconds: int, doing: str = "sign in") -> str:
    """Tell the person when to try again, in the unit a person would use."""
    wait = (_("%(count)s seconds", count=seconds) if seconds < 90
            else _("%(count)s minutes", count=math.ceil(seconds / 60)))
    # Whole sentences, one for each thing being done: Welsh words them differently.
    sentences = {"sign in": _("Too many failed attempts to sign in. Wait %(wait)s, then try again.", wait=wait),
                 "change your password": _("Too many failed attempts to change your password. Wait %(wait)s, then "
                                           "try again.", wait=wait),
                 "ask for a link": _("Too many requests to ask for a link. Wait %(wait)s, then try again.", wait=wait)}
    return sentences[doing]


def second_factor_missing() -> bool:
    return (bool(current_app.config.get("MFA_REQUIRED")) and not current_user.has_second_factor
            and not session.get(PROVIDER_CHECKED_MFA))


def acting() -> Actor:
    """The signed-in member of staff and their address: who the services record in the audit log."""
    return Actor.staff(current_user, request.remote_addr)


def safe_next(target: str | None) -> str:
    """Only ever return to a staff page on this site after signing in: never an open redirect.

    Only visible ASCII is kept: a carriage return or line feed in a Location header is a header injection (Werkzeug
    refuses it with a 500), and a space, tab or non-ASCII character has no place in a path this site made.
    """
    if (target and target.startswith("/staff/") and not target.startswith("//") and "\\" not in target
            and all("!" <= character <= "~" for character in target)):
        return target
    return url_for("staff.dashboard")
