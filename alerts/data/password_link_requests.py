"""The "Forgot your password?" page's queue: one row per request, whatever was typed. The caller commits."""

from __future__ import annotations

from sqlalchemy import delete, select

from alerts.extensions import db
from alerts.models import PasswordLinkRequest

BATCH = 100


def add(email: str, ip_address: str | None) -> None:
    db.session.add(PasswordLinkRequest(email=email, ip_address=ip_address))
    db.session.flush()


def take_waiting() -> list[PasswordLinkRequest]:
    """The oldest waiting requests, deleted as they are taken: what was typed is not kept once acted on. Two
    schedulers never run at once (the leader lock), so nothing is taken twice."""
    taken = list(db.session.scalars(select(PasswordLinkRequest).order_by(PasswordLinkRequest.id).limit(BATCH)))
    if taken:
        db.session.execute(delete(PasswordLinkRequest).where(PasswordLinkRequest.id.in_([r.id for r in taken])))
    return taken
