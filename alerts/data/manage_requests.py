"""Requests for a manage link or code: recorded by the page for any contact, answered by the scheduler."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update

from alerts.data import execute_counting_rows
from alerts.extensions import db
from alerts.models import Channel, ManageRequest, utc_now

ANSWER_BATCH = 200


def record(channel: Channel, contact: str, *, issued_to: str | None) -> int:
    """One row, whoever the contact is. Returns its id. The caller commits."""
    request = ManageRequest(channel=channel.value, contact=contact, issued_to=issued_to)
    db.session.add(request)
    db.session.flush()
    return request.id


def unanswered(limit: int = ANSWER_BATCH) -> list[ManageRequest]:
    return list(db.session.scalars(select(ManageRequest).where(ManageRequest.answered_at_utc.is_(None))
                                   .order_by(ManageRequest.id).limit(limit)))


def mark_answered(request: ManageRequest) -> None:
    """Forget the contact: the row only stays for the guesses at its code. The caller commits."""
    request.contact = None
    request.answered_at_utc = utc_now()


def spend_guess(request_id: int, most: int) -> bool:
    """Spend one of the request's `most` guesses at its code; False when none are left (or no such request).
    A conditional UPDATE, so parallel guesses never get more between them. The caller commits at once."""
    return bool(execute_counting_rows(
        update(ManageRequest).where(ManageRequest.id == request_id, ManageRequest.guesses < most)
        .values(guesses=ManageRequest.guesses + 1).execution_options(synchronize_session=False)))


def purge_answered_before(moment: dt.datetime) -> None:
    """Rows no code could still be tried for. The caller commits."""
    db.session.execute(delete(ManageRequest).where(ManageRequest.answered_at_utc < moment)
                       .execution_options(synchronize_session=False))
