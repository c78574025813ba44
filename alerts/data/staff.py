"""Staff accounts: loading them for sessions."""

from __future__ import annotations

from alerts.extensions import db
from alerts.models import StaffUser


def load_user_from_session(session_id: str) -> StaffUser | None:
    """Flask-Login's loader: the session id is "<user id>:<session version>"."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or user.is_disabled or user.session_version != int(version):
        return None
    return user
