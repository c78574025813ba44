"""Slowing down password and code guessing without letting anyone lock a colleague out.

Attempts are counted per *account and address together*: a flood of wrong passwords for an officer from other
addresses fills other rows and never stops that officer signing in from their own. A separate, more generous
count per address alone slows one address spraying guesses across many accounts.

Each attempt is *reserved* before the password is checked, by one atomic INSERT … ON CONFLICT DO UPDATE …
RETURNING: the first `free_attempts` pass at once; from then on every attempt waits an increasing delay (30 s,
60 s, … capped at 15 minutes) and an attempt made too early is refused without touching the count. Twenty
simultaneous guesses therefore reach the password hash at most `free_attempts` times: the database, not a
read-then-write in Python, decides who gets a turn. Nothing is ever locked for good, and a quiet hour forgets it.

Above both, a *daily* count per account across every address (`take_daily_turn`): slowing each address down does
not stop a botnet, so past a fixed number of attempts in a window the account cannot sign in until the window ends.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Table, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from alerts.addresses import client_network
from alerts.data import execute_counting_rows
from alerts.extensions import db
from alerts.models import SignInThrottle

ACCOUNT_FREE_ATTEMPTS = 10
ADDRESS_FREE_ATTEMPTS = 100
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 15 * 60
FORGET_AFTER_SECONDS = 60 * 60


@dataclass(frozen=True)
class Turn:
    allowed: bool
    retry_in_seconds: int = 0  # when refused: how long to wait, to tell the person


def account_key(purpose: str, email: str, address: str | None) -> str:
    return f"{purpose}|{email.strip().lower()}|{client_network(address)}"


def address_key(address: str | None) -> str:
    """An IPv6 client is counted by its /64 (alerts/addresses.py), here as in every per-address limit."""
    return f"address|{client_network(address)}"


def _retry_after(next_attempt: ColumnElement[int], free_attempts: int, now: float) -> ColumnElement[float]:
    """SQL for when the attempt after `next_attempt` may start: at once until the free ones are used, then after a
    doubling delay. The last free attempt already sets a delay, so a burst stops at exactly `free_attempts`."""
    whens: list[tuple[ColumnElement[bool], float]] = [(next_attempt < free_attempts, 0.0)]
    delay, n = FIRST_DELAY_SECONDS, free_attempts
    while delay < MAX_DELAY_SECONDS:
        whens.append((next_attempt == n, now + delay))
        delay, n = delay * 2, n + 1
    return case(*whens, else_=now + MAX_DELAY_SECONDS)


def take_turn(connection: Connection, key: str, free_attempts: int, *, now: float | None = None) -> Turn:
    """Reserve one attempt for `key`, or say how long to wait. On `connection`, which the caller commits at once,
    apart from the request's own transaction, so concurrent requests see the count before anyone's (slow) password
    check, whatever the request does next."""
    now = time.time() if now is None else now
    table = cast(Table, SignInThrottle.__table__)
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    stale = table.c.last_attempt_epoch < now - FORGET_AFTER_SECONDS
    next_attempt = table.c.attempts + 1
    stmt: Any = insert(table).values(key=key, attempts=1, last_attempt_epoch=now,
                                     retry_after_epoch=0.0 if free_attempts > 1 else now + FIRST_DELAY_SECONDS)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "attempts": case((stale, 1), else_=next_attempt),
            "retry_after_epoch": case((stale, 0.0), else_=_retry_after(next_attempt, free_attempts, now)),
            "last_attempt_epoch": now,
        },
        # An attempt made too early changes nothing: waiting, not retrying, is what ends the delay.
        where=stale | (table.c.retry_after_epoch <= now),
    ).returning(table.c.attempts)
    if connection.execute(stmt).scalar_one_or_none() is not None:
        return Turn(allowed=True)
    retry_after = connection.execute(select(table.c.retry_after_epoch).where(table.c.key == key)).scalar_one()
    return Turn(allowed=False, retry_in_seconds=max(1, math.ceil(retry_after - now)))


def daily_key(email: str) -> str:
    """The account's count across every address. Hashed: the row lives for a whole window, and what an attacker
    typed as an email (a colleague's password, a resident's address) must not sit in the database that long."""
    return "account-day|" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


@dataclass(frozen=True)
class DailyTurn:
    allowed: bool
    first_refusal: bool = False  # the attempt that reached the limit: the one to tell people about
    window_ends_epoch: float = 0.0


def take_daily_turn(connection: Connection, key: str, limit: int, window_seconds: float, *,
                    now: float | None = None) -> DailyTurn:
    """Reserve one of `limit` attempts in the window that the key's first attempt started. One atomic upsert: the
    count may pass `limit` by exactly one, so exactly one request ever sees `limit + 1` (the first refusal), and
    after that nothing changes until the window ends, however many requests race. The window's end is kept in
    `retry_after_epoch`, so the row outlives a quiet hour (see `purge_forgotten`)."""
    now = time.time() if now is None else now
    table = cast(Table, SignInThrottle.__table__)
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    ended = table.c.retry_after_epoch <= now
    stmt: Any = insert(table).values(key=key, attempts=1, last_attempt_epoch=now,
                                     retry_after_epoch=now + window_seconds)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "attempts": case((ended, 1), else_=table.c.attempts + 1),
            "retry_after_epoch": case((ended, now + window_seconds), else_=table.c.retry_after_epoch),
            "last_attempt_epoch": now,
        },
        where=ended | (table.c.attempts <= limit),
    ).returning(table.c.attempts, table.c.retry_after_epoch)
    row = connection.execute(stmt).first()
    if row is None:
        ends = connection.execute(select(table.c.retry_after_epoch).where(table.c.key == key)).scalar_one()
        return DailyTurn(allowed=False, window_ends_epoch=ends)
    attempts, ends = row
    return DailyTurn(allowed=attempts <= limit, first_refusal=attempts == limit + 1, window_ends_epoch=ends)


def forget(key: str) -> None:
    """A right password (or code): the account-and-address count starts again. Part of the caller's transaction:
    unlike taking a turn, nothing races on a reset."""
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.key == key))


def give_back(key: str) -> None:
    """A successful (or unused) attempt does not count towards the per-address limit. The caller commits."""
    db.session.execute(update(SignInThrottle).where(SignInThrottle.key == key, SignInThrottle.attempts > 0)
                       .values(attempts=SignInThrottle.attempts - 1))


def purge_forgotten(now: float | None = None) -> int:
    """Delete the counts a quiet hour has already forgotten: their keys hold what was typed as an email and the
    address it came from, which nothing needs once the count no longer slows anyone. The caller commits."""
    now = time.time() if now is None else now
    # A daily count's window ends at its retry_after_epoch: it is kept until then, however quiet the hour.
    return execute_counting_rows(delete(SignInThrottle).where(
        SignInThrottle.last_attempt_epoch < now - FORGET_AFTER_SECONDS, SignInThrottle.retry_after_epoch < now))
