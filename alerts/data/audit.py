"""The audit log: who did what, when, from where, to what. Written for every staff action and every view of
personal data; never updated or deleted by the application."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from alerts.extensions import db
from alerts.models import AuditEvent


def record_audit_event(*, actor: str, action: str, staff_user_id: int | None = None, api_token_id: int | None = None,
                       target_type: str | None = None, target_id: str | int | None = None,
                       ip_address: str | None = None, details: dict[str, Any] | None = None) -> AuditEvent:
    """Add an audit event to the current transaction, so it is kept exactly when the action is. The caller commits."""
    event = AuditEvent(actor=actor, action=action, staff_user_id=staff_user_id, api_token_id=api_token_id,
                       target_type=target_type, target_id=None if target_id is None else str(target_id),
                       ip_address=ip_address, details=details or {})
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None  # part of an email address or token name
    action: str | None = None  # an action or the start of one ("notice." finds every notice action)
    on_or_after: dt.datetime | None = None
    before: dt.datetime | None = None


def _filtered(filters: AuditFilter) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent)
    if filters.actor:
        query = query.where(func.lower(AuditEvent.actor).contains(filters.actor.lower(), autoescape=True))
    if filters.action:
        query = query.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.on_or_after:
        query = query.where(AuditEvent.created_at_utc >= filters.on_or_after)
    if filters.before:
        query = query.where(AuditEvent.created_at_utc < filters.before)
    return query


def list_audit_events(filters: AuditFilter, *, page: int = 1, page_size: int = 50) -> tuple[list[AuditEvent], int]:
    query = _filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(AuditEvent.created_at_utc.desc(), AuditEvent.id.desc()).offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows), total


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
