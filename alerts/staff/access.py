"""Who may see staff pages: sign-in, session timeouts, roles, sign-in throttling and the audit helper."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from alerts.data.audit import record_audit_event
from alerts.extensions import limiter
from alerts.models import AuditEvent, Role

F = TypeVar("F", bound=Callable[..., Any])

IDLE_TIMEOUT_MINUTES = 30
ABSOLUTE_TIMEOUT_HOURS = 12
# NCSC: throttle guessing, but keep any lock-out short so nobody can lock a colleague out for long.
SIGN_IN_FAILURES = parse("10 per 5 minutes")
THROTTLED = "Too many failed attempts to sign in. Wait 5 minutes, then try again."


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
    return role_required(Role.OFFICER, Role.CONTACT_CENTRE, Role.ADMIN)(view)


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
        flash("You were signed out because your session timed out. Sign in again.")
        return redirect(url_for("staff.sign_in"))
    session["seen_at"] = int(time.time())
    return None


def _throttle() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(limiter.storage)


def _throttle_keys(email: str) -> list[tuple[str, str]]:
    return [("staff-sign-in-ip", request.remote_addr or "unknown"), ("staff-sign-in-email", email.strip().lower())]


def sign_in_is_throttled(email: str) -> bool:
    return any(not _throttle().test(SIGN_IN_FAILURES, *key) for key in _throttle_keys(email))


def count_failed_sign_in(email: str) -> None:
    for key in _throttle_keys(email):
        _throttle().hit(SIGN_IN_FAILURES, *key)


def audit(action: str, target_type: str | None = None, target_id: str | int | None = None,
          **details: Any) -> AuditEvent:
    """Record what the signed-in user did, from where, to what. Committed with the action itself."""
    return record_audit_event(actor=current_user.email, staff_user_id=current_user.id, action=action,
                              target_type=target_type, target_id=target_id, ip_address=request.remote_addr,
                              details=details)


def safe_next(target: str | None) -> str:
    """Only ever return to a staff page on this site after signing in: never an open redirect."""
    if target and target.startswith("/staff/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("staff.dashboard")
