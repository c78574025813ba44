"""The shared token bucket's one atomic step, so every worker process draws on one Notify allowance.

Each draw commits its own short transaction, before the POST it pays for: it is among the dispatcher's short
outbox transactions, the one exception to "data never commits" (alerts/delivery/dispatcher.py).
"""

from __future__ import annotations

from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError

from alerts.extensions import db
from alerts.models import RateBucket


def take_tokens(name: str, count: int, *, now: float, capacity: float, per_second: float) -> float:
    """Refill the bucket to `now` and take `count` tokens if it holds that many, in one UPDATE ... RETURNING.

    Returns 0.0 when the tokens were taken, else the seconds to wait before enough will have refilled. The
    database serialises concurrent UPDATEs of the row (a row lock on PostgreSQL, one writer on SQLite), and each
    re-reads the row it updates, so however many processes ask, no more tokens are granted than were earned.
    `refilled_at` never goes backwards, so a worker whose clock lags cannot mint tokens.
    """
    elapsed = case((RateBucket.refilled_at < now, now - RateBucket.refilled_at), else_=0.0)
    refilled = case((RateBucket.tokens + elapsed * per_second > capacity, capacity),
                    else_=RateBucket.tokens + elapsed * per_second)
    taken = db.session.execute(
        update(RateBucket)
        .where(RateBucket.name == name, refilled >= count)
        .values(tokens=refilled - count,
                refilled_at=case((RateBucket.refilled_at < now, now), else_=RateBucket.refilled_at))
        .returning(RateBucket.tokens)
        .execution_options(synchronize_session=False)
    ).first()
    if taken is not None:
        db.session.commit()
        return 0.0
    row = db.session.execute(select(RateBucket.tokens, RateBucket.refilled_at).where(RateBucket.name == name)).first()
    if row is None:
        _create_bucket(name, capacity=capacity, now=now)
        return take_tokens(name, count, now=now, capacity=capacity, per_second=per_second)
    db.session.commit()
    available = min(capacity, row.tokens + max(0.0, now - row.refilled_at) * per_second)
    return max((count - available) / per_second, 0.001)


def _create_bucket(name: str, *, capacity: float, now: float) -> None:
    db.session.add(RateBucket(name=name, tokens=capacity, refilled_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # another worker created it first: use theirs
        db.session.rollback()
