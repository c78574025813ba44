"""Residents' answers to "Was this useful?", kept as counts per day, notice, answer and where it was asked (the
notice page or an alert email). Nothing about the resident is kept: no address, no subscriber, no cookie."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import select

from alerts.data.insight import Metric, bump
from alerts.extensions import db
from alerts.models import InsightCount, Notice


class Answer(enum.StrEnum):
    YES = "yes"
    NO = "no"


class AskedOn(enum.StrEnum):
    PAGE = "page"
    EMAIL = "email"


def count_answer(notice_id: int, answer: Answer, asked_on: AskedOn, *, by: int = 1,
                 day: dt.date | None = None) -> None:
    """One more answer for this notice today (or `by` more on `day`, for recorded history). The caller commits."""
    bump(Metric.FEEDBACK, f"{notice_id}|{answer}|{asked_on}", by=by, day=day)


@dataclass(frozen=True)
class NoticeFeedback:
    notice_id: int
    title: str
    service_id: str
    yes: int
    no: int


def _answers(start: dt.date | None, end: dt.date | None) -> dict[int, list[int]]:
    """Notice id -> [yes, no] over the days from start to end (either open)."""
    query = select(InsightCount.key, InsightCount.count).where(InsightCount.metric == str(Metric.FEEDBACK))
    if start is not None:
        query = query.where(InsightCount.day >= start)
    if end is not None:
        query = query.where(InsightCount.day <= end)
    totals: dict[int, list[int]] = {}
    for key, count in db.session.execute(query):
        notice_id, answer, _ = key.split("|")
        totals.setdefault(int(notice_id), [0, 0])[0 if answer == Answer.YES else 1] += count
    return totals


def feedback_per_notice(start: dt.date | None, end: dt.date | None) -> list[NoticeFeedback]:
    """Every notice answered about in the range, most answers first."""
    totals = _answers(start, end)
    if not totals:
        return []
    notices = db.session.execute(select(Notice.id, Notice.title, Notice.service_id)
                                 .where(Notice.id.in_(totals))).tuples().all()
    rows = [NoticeFeedback(notice_id, title, service_id, *totals[notice_id])
            for notice_id, title, service_id in notices]
    return sorted(rows, key=lambda row: (-(row.yes + row.no), row.notice_id))


def feedback_per_service(start: dt.date | None, end: dt.date | None) -> dict[str, tuple[int, int]]:
    """Service id -> (yes, no) over the range."""
    per_service: dict[str, list[int]] = {}
    for row in feedback_per_notice(start, end):
        totals = per_service.setdefault(row.service_id, [0, 0])
        totals[0] += row.yes
        totals[1] += row.no
    return {service_id: (yes, no) for service_id, (yes, no) in sorted(per_service.items())}
