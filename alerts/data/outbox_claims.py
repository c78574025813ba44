"""The dispatcher's side of the outbox: claiming due messages for sending, and recording what became of each claim.

Every function here commits its own short transaction, so the dispatcher can release its connection before
each HTTP call to Notify. These are the one exception to "data never commits": the dispatcher's short outbox
transactions, described in alerts/delivery/dispatcher.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Interval,
    Row,
    String,
    Table,
    and_,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.dml import Update

from alerts.data import execute_counting_rows
from alerts.extensions import db
from alerts.models import (
    Channel,
    Impact,
    Message,
    MessageKind,
    MessageStatus,
    Notice,
    NoticeStatus,
    NoticeUpdate,
    UpdateKind,
    utc_now,
)
from alerts.models.base import UTCDateTime, new_uuid
from alerts.quiet_hours import quiet_windows_near


@dataclass(frozen=True)
class OutgoingMessage:
    """What a sending thread needs of a claimed message: plain values, safe to use with no session open."""

    id: str
    channel: Channel
    recipient: str | None
    subject: str | None
    body: str
    one_click_unsubscribe_url: str | None
    outcome_unknown: bool
    attempts: int
    priority: int
    claim_token: str | None = None


# What a claim returns: the columns an OutgoingMessage needs (and the kind), not whole ORM objects, which cost a
# claim more CPU to load than the database took to claim them.
_CLAIMED = (Message.id, Message.channel, Message.recipient, Message.subject, Message.body,
            Message.one_click_unsubscribe_url, Message.outcome_unknown, Message.attempts, Message.priority,
            Message.claim_token, Message.kind)


def _outgoing(message: Message | Row[Any]) -> OutgoingMessage:
    return OutgoingMessage(
        id=message.id, channel=Channel(message.channel), recipient=message.recipient, subject=message.subject,
        body=message.body, one_click_unsubscribe_url=message.one_click_unsubscribe_url,
        outcome_unknown=message.outcome_unknown, attempts=message.attempts, priority=message.priority,
        claim_token=message.claim_token,
    )


# The database's clock. Leases, due times and quiet hours are judged by it, never by a worker's own clock, so a
# worker whose clock runs fast cannot take a message whose POST is still in flight. Tests that freeze time set
# this to their frozen clock (freezegun cannot stop the database's).
database_clock_for_tests: Callable[[], dt.datetime] | None = None


def database_now(plus: dt.timedelta = dt.timedelta(0)) -> ColumnElement[dt.datetime]:
    """`now()` (+ `plus`) evaluated by the database inside the statement that uses it."""
    if database_clock_for_tests is not None:
        return literal(database_clock_for_tests() + plus, UTCDateTime())
    if db.engine.dialect.name == "sqlite":
        # SQLite's CURRENT_TIMESTAMP has whole seconds; this has milliseconds, padded to the format SQLAlchemy
        # writes, so it compares correctly with the stored text.
        shifted = func.strftime("%Y-%m-%d %H:%M:%f", "now", f"{plus.total_seconds():+.3f} seconds")
        return type_coerce(shifted.concat("000"), UTCDateTime())
    now = func.now()
    return type_coerce(now + literal(plus, Interval()) if plus else now, UTCDateTime())


class SkipReason(StrEnum):
    """Why an alert was not sent: its news changed while it waited (quiet hours, a hold, retries)."""

    CANCELLED = "Not sent: the notice was cancelled before this message could go"
    RESOLVED = "Not sent: the notice was resolved before this message could go"
    ENDED = "Not sent: the notice ended before this message could go"
    SUPERSEDED = "Not sent: a newer update to the notice replaced this message"
    NEVER_TOLD = "Not sent: their first message about this notice did not go, so they were never told it began"


# What became of a resident's first message about a notice on a channel, as a claim reads it (NULL: none before
# this one, so this one is their first).
FIRST_SENT, FIRST_WAITING, FIRST_LOST = "sent", "waiting", "lost"
# A message waiting for the first one to go is looked at again after this long, or when the first is due if later.
WAIT_FOR_FIRST = dt.timedelta(seconds=2)


def _outer(column: Any, dialect: str) -> ColumnElement[Any]:
    """The claimed row's own column, as a subquery in the claim's RETURNING must name it. SQLAlchemy writes
    RETURNING without table names on SQLite, subqueries included, so there `notice_id` inside a subquery on
    `notice_updates` would mean that table's own column (always equal to itself): name the table outright."""
    if dialect == "sqlite":
        return literal_column(f"{Message.__tablename__}.{column.key}", type_=column.type)
    return column


def _stale_columns(dialect: str) -> tuple[ColumnElement[Any], ...]:
    """(the notice's status, the kind of the update the message carries, whether a newer update replaced it, what
    became of the resident's first message about the notice on this channel, and when that one is due), as
    correlated subqueries a claim returns with each row it claims: read in the claim's own statement, so checking
    every claimed alert costs no query of its own."""
    notice_id, update_id = _outer(Message.notice_id, dialect), _outer(Message.notice_update_id, dialect)
    channel = _outer(Message.channel, dialect)
    newer = aliased(NoticeUpdate)
    supersedes = or_(channel == Channel.EMAIL, newer.kind.in_([UpdateKind.PUBLISHED, UpdateKind.RESOLVED]))
    superseded = (
        select(newer.id)
        .where(newer.notice_id == notice_id, newer.id > update_id, newer.notify_subscribers.is_(True), supersedes)
        .exists()
    )
    notice_status = select(Notice.status).where(Notice.id == notice_id).scalar_subquery()
    update_kind = select(NoticeUpdate.kind).where(NoticeUpdate.id == update_id).scalar_subquery()
    # The resident's earliest message about this notice on this channel, if it came before this one. Sent means
    # handed to Notify (or the local outbox): `sent_at_utc` is set then and never cleared.
    first = aliased(Message)
    earliest = (
        select(first).where(first.notice_id == notice_id,
                            first.subscriber_id == _outer(Message.subscriber_id, dialect),
                            first.channel == channel, first.kind == MessageKind.ALERT,
                            first.notice_update_id < update_id)
        .order_by(first.notice_update_id).limit(1)
    )
    first_state = earliest.with_only_columns(case(
        (first.sent_at_utc.is_not(None), FIRST_SENT),
        (first.status.in_([MessageStatus.QUEUED, MessageStatus.SENDING]), FIRST_WAITING),
        else_=FIRST_LOST,
    )).scalar_subquery()
    first_due = earliest.with_only_columns(first.next_attempt_at_utc).scalar_subquery()
    return (notice_status.label("notice_status"), update_kind.label("update_kind"), superseded.label("superseded"),
            first_state.label("first_state"), type_coerce(first_due, UTCDateTime()).label("first_due"))


def _skip_reason(notice_status: NoticeStatus | None, update_kind: UpdateKind | None, is_superseded: bool | None,
                 first_state: str | None = None) -> SkipReason | None:
    """Why an alert would now be stale, or None. The rule's one home.

    Stale: its notice was cancelled; or ended (resolved or expired), and it is not the resolution; or it follows a
    first message to the same resident that did not go (or is itself a resolution with no first message before
    it): nobody hears that something changed or is over who was never told it began; or, following a first message,
    a newer update was sent on its channel (updates go by email only; publish and resolve go by text too, DESIGN
    §3). A resident's first message is never replaced by a newer one: what follows waits for it
    (`_waits_for_first`).
    """
    if notice_status == NoticeStatus.CANCELLED:
        return SkipReason.CANCELLED
    if update_kind != UpdateKind.RESOLVED:
        if notice_status == NoticeStatus.RESOLVED:
            return SkipReason.RESOLVED
        if notice_status == NoticeStatus.EXPIRED:
            return SkipReason.ENDED
    if first_state == FIRST_LOST or (first_state is None and update_kind == UpdateKind.RESOLVED):
        return SkipReason.NEVER_TOLD
    if is_superseded and first_state is not None:
        return SkipReason.SUPERSEDED
    return None


def _not_behind_a_waiting_first() -> ColumnElement[bool]:
    """A claim's candidates leave out an update or resolution whose resident's first message about the notice on
    that channel is still queued or in flight: it is claimed once that one was sent, so one worker never has the
    two in flight at once (and `dispatch --once` sends both, in order). The returned row is checked again."""
    first = aliased(Message)
    waiting_first = select(first.id).where(
        first.notice_id == Message.notice_id, first.subscriber_id == Message.subscriber_id,
        first.channel == Message.channel, first.kind == MessageKind.ALERT,
        first.notice_update_id < Message.notice_update_id,
        first.status.in_([MessageStatus.QUEUED, MessageStatus.SENDING]), first.sent_at_utc.is_(None),
    ).correlate(Message).exists()
    return or_(Message.kind != MessageKind.ALERT, Message.notice_update_id.is_(None), ~waiting_first)


def _waits_for_first(first_state: str | None) -> bool:
    """An update or resolution whose resident's first message has not gone yet (queued, or in flight with another
    worker) waits for it: it goes once that one was sent, and is dropped if that one never goes."""
    return first_state == FIRST_WAITING


def _quiet_hours_hold(windows: tuple[tuple[dt.datetime, dt.datetime], ...],
                      now: ColumnElement[dt.datetime]) -> ColumnElement[dt.datetime]:
    """Until when a message must wait now (NULL: it need not), for the quiet periods near now, judged by `now`,
    the database's clock in the claim's own statement.

    Non-severe alert texts only (DESIGN §3); a severe notice's texts, emails and confirmation codes never wait.
    """
    if not windows:
        return type_coerce(null(), UTCDateTime())
    inside = [(and_(now >= start, now < end), end) for start, end in windows]
    non_severe = Message.notice_id.in_(select(Notice.id).where(Notice.impact != Impact.SEVERE))
    waits = and_(Message.channel == Channel.SMS, Message.kind == MessageKind.ALERT, non_severe)
    return case(*((and_(waits, condition), literal(end, UTCDateTime())) for condition, end in inside),
                else_=null())


def claim_due_messages(worker: str, limit: int, lease: dt.timedelta, *, now: dt.datetime | None = None,
                       excluded_channels: set[str] | frozenset[str] = frozenset()) -> list[OutgoingMessage]:
    """Claim up to `limit` due messages for `worker`, most urgent first, and move them to `sending`.

    Due means queued and past `next_attempt_at_utc`, or `sending` with an expired lease: its worker died, maybe
    after its POST reached Notify, so the outcome is marked unknown and the message is looked up before any resend.
    Both are judged by the database's clock (`now` only in tests). Each claim gets a new claim token: recording
    the outcome quotes it, so a worker whose lease has passed cannot write over a newer claim.

    Checked as each message is claimed, which is just before it is sent: an alert whose notice was resolved,
    expired, cancelled or superseded is skipped with the reason recorded, as is an update or resolution whose
    resident's first message about the notice on that channel never went; one whose first message is still
    queued or in flight is not claimed (it waits for it); and a non-severe alert text due in quiet hours (a
    released hold, a retry) goes back to wait for 07:00.

    One UPDATE ... RETURNING claims the rows. On PostgreSQL the inner SELECT is FOR UPDATE SKIP LOCKED, so
    workers claiming at once each take different rows without waiting. SQLite has one writer at a time, which
    makes the same statement atomic there (SQLAlchemy leaves FOR UPDATE out on SQLite).

    The candidates are a MATERIALIZED CTE, so the LIMIT holds. As a plain `id IN (subquery)`, PostgreSQL may plan
    a nested-loop semi join that runs the subquery again for every outer row; each rerun skips the rows this
    UPDATE has already changed and so returns the next one, and a worker asking for 1 row could claim the whole
    queue (it did, whenever table statistics made that plan the cheapest). A materialized CTE runs once.
    """
    clock = now
    windows = quiet_windows_near(clock or utc_now())
    # A pile of stale or night-held rows must not look like an empty outbox: claim again past them.
    for _ in range(20):
        claimed, filtered = _claim_once(worker, limit, lease, clock, excluded_channels, windows)
        if claimed or not filtered:
            return claimed
    return []


def _claim_once(worker: str, limit: int, lease: dt.timedelta, clock: dt.datetime | None,
                excluded_channels: set[str] | frozenset[str],
                windows: list[tuple[dt.datetime, dt.datetime]]) -> tuple[list[OutgoingMessage], int]:
    token = new_uuid()
    params = {"claim_worker": worker, "claim_token": token, "claim_limit": limit}
    if clock is None and database_clock_for_tests is None:
        # Keyed by the dialect too: the database's clock is written differently on SQLite and PostgreSQL.
        statement = _claim_statement(lease, tuple(sorted(excluded_channels)), tuple(windows),
                                     dialect=db.engine.dialect.name)
    else:  # a frozen clock is a literal in the statement: build it afresh
        statement = _claim_statement.__wrapped__(lease, tuple(sorted(excluded_channels)), tuple(windows), clock,
                                                 dialect=db.engine.dialect.name)
    # On the session's connection, as Core: the ORM's bulk-update machinery has nothing to do for a statement
    # that loads no objects, and cost as much as the rest of the claim.
    # RETURNING keeps no order (PostgreSQL's is the heap's): most urgent first, then the longest due, as claimed.
    claimed = sorted(db.session.connection().execute(statement, params).all(),
                     key=lambda row: (row.priority, row.next_attempt_at_utc or _EARLIEST))
    result: dict[str, OutgoingMessage] = {}
    skipped: dict[SkipReason, list[str]] = {}
    held: dict[dt.datetime, list[str]] = {}
    behind_first: dict[dt.datetime | None, list[str]] = {}
    for row in claimed:
        if row.kind == MessageKind.ALERT:
            reason = _skip_reason(row.notice_status, row.update_kind, row.superseded, row.first_state)
            if reason is not None:
                skipped.setdefault(reason, []).append(row.id)
                continue
            if row.quiet_until is not None:
                # A text due at night (a hold released at 00:01, a retry) goes back to wait for 07:00.
                held.setdefault(row.quiet_until, []).append(row.id)
                continue
            if _waits_for_first(row.first_state):
                behind_first.setdefault(row.first_due, []).append(row.id)
                continue
        result[row.id] = _outgoing(row)
    now = literal(clock, UTCDateTime()) if clock is not None else database_now()
    for reason, ids in skipped.items():
        db.session.execute(
            update(Message).where(Message.id.in_(ids), Message.claim_token == token)
            .values(status=MessageStatus.SKIPPED, last_error=reason.value, completed_at_utc=now,
                    lease_expires_at_utc=None, claimed_by=None)
            .execution_options(synchronize_session=False)
        )
    for until, ids in held.items():
        db.session.execute(
            update(Message).where(Message.id.in_(ids), Message.claim_token == token)
            .values(status=MessageStatus.QUEUED, next_attempt_at_utc=until, lease_expires_at_utc=None,
                    claimed_by=None, attempts=Message.attempts - 1)
            .execution_options(synchronize_session=False)
        )
    soon = database_now(WAIT_FOR_FIRST) if clock is None else literal(clock + WAIT_FOR_FIRST, UTCDateTime())
    for first_due, ids in behind_first.items():
        again = soon if first_due is None else case((soon > literal(first_due, UTCDateTime()), soon),
                                                    else_=literal(first_due, UTCDateTime()))
        db.session.execute(
            update(Message).where(Message.id.in_(ids), Message.claim_token == token)
            .values(status=MessageStatus.QUEUED, next_attempt_at_utc=again, lease_expires_at_utc=None,
                    claimed_by=None, attempts=Message.attempts - 1)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    filtered = sum(len(ids) for ids in skipped.values()) + sum(len(ids) for ids in held.values()) \
        + sum(len(ids) for ids in behind_first.values())
    return list(result.values()), filtered


_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)


@lru_cache(maxsize=16)
def _claim_statement(lease: dt.timedelta, excluded_channels: tuple[str, ...],
                     windows: tuple[tuple[dt.datetime, dt.datetime], ...],
                     clock: dt.datetime | None = None, *, dialect: str) -> Update:
    """The claim, built once for each lease, set of held channels and night: building it (the ORM's operators, its
    cache key) cost a claim more CPU than the database took to run it. Worker, token and limit are parameters.

    It returns, with each row it claims, what the checks at send time need: whether the alert is now stale
    (`_skip_reason`) and, at night, until when a non-severe text must wait, all read by the same statement under
    the database's clock."""
    now = literal(clock, UTCDateTime()) if clock is not None else database_now()
    expires = literal(clock + lease, UTCDateTime()) if clock is not None else database_now(lease)
    due = or_(
        and_(Message.status == MessageStatus.QUEUED, Message.next_attempt_at_utc <= now),
        and_(Message.status == MessageStatus.SENDING, Message.lease_expires_at_utc < now),
    )
    conditions = [due, _not_behind_a_waiting_first()]
    if excluded_channels:
        conditions.append(Message.channel.notin_(excluded_channels))
    candidates = (
        select(Message.id)
        .where(*conditions)
        .order_by(Message.priority, Message.next_attempt_at_utc)
        .limit(bindparam("claim_limit", type_=Integer()))
        .with_for_update(skip_locked=True)
        .cte("claim_candidates")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    return (
        update(Message)
        .where(Message.id.in_(select(candidates.c.id)), due)
        .values(
            outcome_unknown=case((Message.status == MessageStatus.SENDING, True), else_=Message.outcome_unknown),
            status=MessageStatus.SENDING,
            claimed_by=bindparam("claim_worker", type_=String()),
            claim_token=bindparam("claim_token", type_=String()),
            lease_expires_at_utc=expires,
            attempts=Message.attempts + 1,
        )
        .returning(*_CLAIMED, Message.next_attempt_at_utc, *_stale_columns(dialect),
                   _quiet_hours_hold(windows, now).label("quiet_until"))
        .execution_options(synchronize_session=False)
    )


def _fenced(message_id: str, claim_token: str | None) -> ColumnElement[bool]:
    """This message, and only while the claim that sent it is still its latest (no token: unconditional)."""
    if claim_token is None:
        return Message.id == message_id
    return and_(Message.id == message_id, Message.claim_token == claim_token)


def record_sent(message_id: str, notify_id: str | None, *, local_outbox: bool, claim_token: str | None = None) -> bool:
    """Notify accepted the message (or it was found by reference). A receipt may already have moved it on.

    One conditional UPDATE, not a read then a write: the receipt callback runs in the web process and can land
    between the two, and on SQLite (where FOR UPDATE does nothing) the write would then put a delivered message
    back to `sent`. Seen end to end against the Notify simulator, with receipts 1.5 s after each POST.
    False if the claim was no longer the message's latest: a newer claimer records it.
    """
    in_flight = Message.status.in_([MessageStatus.SENDING, MessageStatus.QUEUED])
    changed = execute_counting_rows(
        update(Message)
        .where(_fenced(message_id, claim_token))
        .values(
            notify_id=func.coalesce(Message.notify_id, notify_id),
            status=case((in_flight, MessageStatus.NOT_SENT if local_outbox else MessageStatus.SENT),
                        else_=Message.status),
            sent_at_utc=case((in_flight, utc_now()), else_=Message.sent_at_utc),
            last_error=case((in_flight, None), else_=Message.last_error),
            outcome_unknown=False,
            lease_expires_at_utc=None,
            claimed_by=None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(changed)


def record_sent_many(sent: list[tuple[str, str | None, bool, str]]) -> None:
    """`record_sent` for many messages in one transaction: (message id, Notify id, local outbox, claim token).

    One executemany UPDATE on the table, not one ORM load per row: this is most of what a send costs the
    database. Rows still `sending` (or `queued`) move to sent; a row a receipt already moved on keeps its status
    (the CASEs decide per row, as `record_sent` does). A row claimed again since (its token changed) is left to its
    newer claimer.
    """
    if not sent:
        return
    now = utc_now()
    params = [{"message_id": message_id, "new_notify_id": notify_id, "token": token, "now": now,
               "new_status": MessageStatus.NOT_SENT if local else MessageStatus.SENT}
              for message_id, notify_id, local, token in sent]
    db.session.execute(_record_sent_many_statement(), params)
    db.session.commit()


@cache
def _record_sent_many_statement() -> Update:
    """Built once: building it (its CASEs, their bound parameters' cache key) cost as much CPU as running it."""
    table = Message.__table__
    assert isinstance(table, Table)  # a mapped class's table; typed as the wider FromClause
    now = bindparam("now", type_=table.c.sent_at_utc.type)
    claim_cleared = {"outcome_unknown": False, "lease_expires_at_utc": None, "claimed_by": None, "last_error": None,
                     "notify_id": func.coalesce(table.c.notify_id, bindparam("new_notify_id")),
                     "updated_at_utc": now}
    # Plain comparisons: an IN list cannot be expanded inside executemany.
    waiting = or_(table.c.status == MessageStatus.SENDING, table.c.status == MessageStatus.QUEUED)
    ours = and_(table.c.id == bindparam("message_id"), table.c.claim_token == bindparam("token"))
    return (
        update(table).where(ours)
        .values(status=case((waiting, bindparam("new_status", type_=table.c.status.type)), else_=table.c.status),
                sent_at_utc=case((waiting, now), else_=table.c.sent_at_utc), **claim_cleared)
    )


def record_failed(message_id: str, reason: str, *, claim_token: str | None = None) -> None:
    db.session.execute(
        update(Message).where(_fenced(message_id, claim_token))
        .values(status=MessageStatus.FAILED, last_error=reason, completed_at_utc=utc_now(),
                lease_expires_at_utc=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def record_retry(message_id: str, reason: str | None, *, at: dt.datetime | None = None,
                 after: dt.timedelta | None = None, outcome_unknown: bool, refund_attempt: bool = False,
                 claim_token: str | None = None) -> None:
    """Put the message back in the queue for a later attempt. An unknown outcome is remembered for the lookup.

    The next attempt is `after` from now by the database's clock (`at` is turned into that). `refund_attempt` is
    for messages released without being tried (a hold, a shutdown): they keep their retries. With a claim token,
    only a message still `sending` under that claim goes back: a newer claim or a receipt has the last word.
    """
    delay = after if after is not None else max((at or utc_now()) - utc_now(), dt.timedelta(0))
    values: dict[str, Any] = {
        "status": MessageStatus.QUEUED, "next_attempt_at_utc": database_now(delay),
        "lease_expires_at_utc": None, "claimed_by": None,
    }
    if reason is not None:
        values["last_error"] = reason
    if outcome_unknown:
        values["outcome_unknown"] = True
    if refund_attempt:
        values["attempts"] = case((Message.attempts > 0, Message.attempts - 1), else_=0)
    condition = _fenced(message_id, claim_token)
    if claim_token is not None:
        condition = and_(condition, Message.status == MessageStatus.SENDING)
    db.session.execute(update(Message).where(condition).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()
