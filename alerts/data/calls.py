"""The contact centre's calls, counted per day, service, notice (when the call was about one) and outcome. Only
counts: nothing about the caller, and not which agent took the call."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import func, select

from alerts.data.insight import Metric, bump
from alerts.extensions import db
from alerts.models import InsightCount


class CallOutcome(enum.StrEnum):
    ANSWERED = "answered"  # answered from the notice (or the website)
    SIGNED_UP = "signed_up"
    PASSED_ON = "passed_on"  # passed to the service


OUTCOME_WORDS = {
    CallOutcome.ANSWERED: "Answered from the notice",
    CallOutcome.SIGNED_UP: "Signed up",
    CallOutcome.PASSED_ON: "Passed to the service",
}


def count_call(service_id: str, notice_id: int | None, outcome: CallOutcome, *, by: int = 1,
               day: dt.date | None = None) -> None:
    """One more call today (or `by` more on `day`, for recorded history). The caller commits."""
    bump(Metric.CALL, f"{service_id}|{notice_id or ''}|{outcome}", by=by, day=day)


def _in_range(start: dt.date | None, end: dt.date | None) -> list:
    conditions = [InsightCount.metric == str(Metric.CALL)]
    if start is not None:
        conditions.append(InsightCount.day >= start)
    if end is not None:
        conditions.append(InsightCount.day <= end)
    return conditions


def calls_per_day(start: dt.date, end: dt.date) -> dict[dt.date, int]:
    return dict(db.session.execute(select(InsightCount.day, func.sum(InsightCount.count))
                                   .where(*_in_range(start, end)).group_by(InsightCount.day)
                                   .order_by(InsightCount.day)).tuples().all())


def calls_by_service(start: dt.date | None, end: dt.date | None) -> dict[str, dict[CallOutcome, int]]:
    """Service id -> outcome -> calls over the range."""
    totals: dict[str, dict[CallOutcome, int]] = {}
    for key, count in db.session.execute(select(InsightCount.key, InsightCount.count).where(*_in_range(start, end))):
        service_id, _, outcome = key.split("|")
        per_outcome = totals.setdefault(service_id, dict.fromkeys(CallOutcome, 0))
        per_outcome[CallOutcome(outcome)] += count
    return dict(sorted(totals.items()))


def calls_by_notice(start: dt.date | None, end: dt.date | None) -> dict[int, int]:
    """Notice id -> calls about it over the range."""
    totals: dict[int, int] = {}
    for key, count in db.session.execute(select(InsightCount.key, InsightCount.count).where(*_in_range(start, end))):
        _, notice_id, _ = key.split("|")
        if notice_id:
            totals[int(notice_id)] = totals.get(int(notice_id), 0) + count
    return totals
