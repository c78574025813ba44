"""Insight on how the council responds to disruption: the contact centre's calls beside the notices published,
residents' feedback per notice and service, how long after a warning the first notice went out, what followed each
kind of warning, and the open statistics of feedback and calls (people's counts under 10 suppressed)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from alerts.data import calls as call_data
from alerts.data import feedback as feedback_data
from alerts.data import foresight
from alerts.data.insight import SUPPRESS_BELOW, Metric, Table
from alerts.extensions import db
from alerts.formatting import LONDON, london_time
from alerts.models import InsightCount, Notice, Service, WeatherWarning

TABLE_NAMES = ("calls-and-notices", "calls-by-service", "feedback-by-notice", "feedback-by-service",
               "warning-to-first-notice", "warning-kinds")


def _service_names() -> dict[str, str]:
    return dict(db.session.execute(select(Service.id, Service.name)).tuples().all())


def _london_day(at: dt.datetime) -> dt.date:
    return at.astimezone(LONDON).date()


def _published_per_day(start: dt.date, end: dt.date) -> Counter[dt.date]:
    since = dt.datetime.combine(start, dt.time(), tzinfo=LONDON)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    return Counter(_london_day(at) for at in db.session.scalars(
        select(Notice.published_at_utc).where(Notice.published_at_utc >= since, Notice.published_at_utc < until))
        if at is not None)


def response_tables(start: dt.date, end: dt.date, only: str | None = None) -> list[Table]:
    services = _service_names()
    tables: list[Table] = []
    if only in (None, "calls-and-notices"):
        published, calls = _published_per_day(start, end), call_data.calls_per_day(start, end)
        tables.append(Table("calls-and-notices", _("Calls to the contact centre beside notices published, each day"),
                            [_("Day"), _("Notices published"), _("Calls")],
                            [[day.isoformat(), published.get(day, 0), calls.get(day, 0)]
                             for day in sorted(set(published) | set(calls))]))
    if only in (None, "calls-by-service"):
        words = [call_data.OUTCOME_WORDS[outcome] for outcome in call_data.CallOutcome]
        tables.append(Table("calls-by-service", _("Calls by service and how they ended"),
                            [_("Service"), *words, _("Calls")],
                            [[services.get(service_id, service_id), *per.values(), sum(per.values())]
                             for service_id, per in call_data.calls_by_service(start, end).items()]))
    if only in (None, "feedback-by-notice"):
        tables.append(Table("feedback-by-notice", _("Was this notice useful? Residents' answers per notice"),
                            [_("Notice"), _("Service"), _("Useful"), _("Not useful")],
                            [[row.title, services.get(row.service_id, row.service_id), row.yes, row.no]
                             for row in feedback_data.feedback_per_notice(start, end)]))
    if only in (None, "feedback-by-service"):
        tables.append(Table("feedback-by-service", _("Residents' answers per service"), [_("Service"), _("Useful"),
                                                                                      _("Not useful")],
                            [[services.get(service_id, service_id), yes, no]
                             for service_id, (yes, no) in feedback_data.feedback_per_service(start, end).items()]))
    if only in (None, "warning-to-first-notice"):
        tables.append(Table("warning-to-first-notice", _("Time from a Met Office warning arriving to the first notice"),
                            [_("Warning"), _("Arrived"), _("First notice"), _("Time taken")],
                            _first_notice_rows(start, end)))
    if only in (None, "warning-kinds"):
        tables.append(Table("warning-kinds", _("What followed each kind of warning"),
                            [_("Kind of warning"), _("Warnings"), _("Services usually disrupted (notices)"), _("Calls"),
                             _("Useful"), _("Not useful"), _("Typical time to first notice")],
                            [[row.kind.capitalize(), row.warnings,
                              "; ".join(f"{name}: {count}" for name, count in Counter(row.services).most_common())
                              or _("None"), row.calls, row.useful, row.not_useful,
                              foresight.in_words(row.typical_first_notice) if row.first_notice_after
                              else _("No notice")]
                             for row in warning_kinds(start, end)]))
    return tables


def _warnings_arrived(start: dt.date | None, end: dt.date | None) -> list[WeatherWarning]:
    query = select(WeatherWarning).order_by(WeatherWarning.created_at_utc)
    if start is not None:
        query = query.where(WeatherWarning.created_at_utc >= dt.datetime.combine(start, dt.time(), tzinfo=LONDON))
    if end is not None:
        query = query.where(WeatherWarning.created_at_utc < dt.datetime.combine(end + dt.timedelta(days=1), dt.time(),
                                                                                tzinfo=LONDON))
    return list(db.session.scalars(query))


def _first_notice_rows(start: dt.date, end: dt.date) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for warning in _warnings_arrived(start, end):
        following = foresight.notices_following(warning)
        first = following[0] if following else None
        after = first.published_at_utc - foresight.arrived_at(warning) if first and first.published_at_utc else None
        rows.append([warning.title, london_time(foresight.arrived_at(warning)), first.title if first else _("None"),
                     foresight.in_words(after) if first else ""])
    return rows


@dataclass
class WarningKind:
    kind: str
    warnings: int = 0
    services: dict[str, int] = field(default_factory=dict)  # service name -> notices that followed
    calls: int = 0
    useful: int = 0
    not_useful: int = 0
    first_notice_after: list[dt.timedelta] = field(default_factory=list)

    @property
    def typical_first_notice(self) -> dt.timedelta | None:
        if not self.first_notice_after:
            return None
        return dt.timedelta(seconds=statistics.median(span.total_seconds() for span in self.first_notice_after))


def warning_kinds(start: dt.date | None = None, end: dt.date | None = None) -> list[WarningKind]:
    """Per kind of warning (each hazard): how many arrived, the services whose notices followed, and the calls (on
    the days each warning covered, from arrival to a day after it ended) and feedback (on the notices that followed)
    that came after."""
    services = _service_names()
    feedback = {row.notice_id: row for row in feedback_data.feedback_per_notice(None, None)}
    by_kind: dict[str, WarningKind] = {}
    for warning in _warnings_arrived(start, end):
        following = foresight.notices_following(warning)
        since, until = foresight.window(warning)
        calls = sum(call_data.calls_per_day(_london_day(since), _london_day(until)).values())
        for kind in sorted(foresight.kinds(warning)) or ["not stated"]:
            row = by_kind.setdefault(kind, WarningKind(kind))
            row.warnings += 1
            row.calls += calls
            for notice in following:
                name = services.get(notice.service_id, notice.service_id)
                row.services[name] = row.services.get(name, 0) + 1
                if notice.id in feedback:
                    row.useful += feedback[notice.id].yes
                    row.not_useful += feedback[notice.id].no
            if following and following[0].published_at_utc:
                row.first_notice_after.append(following[0].published_at_utc - foresight.arrived_at(warning))
    return sorted(by_kind.values(), key=lambda row: (-row.warnings, row.kind))


# Open statistics -----------------------------------------------------------------------------------------------

def _people(count: int) -> dict[str, Any]:
    return {"count": None, "suppressed": True} if count < SUPPRESS_BELOW else {"count": count, "suppressed": False}


def open_response_statistics() -> dict[str, Any]:
    """Feedback and calls by month and service. Both count people (residents answering, people calling), so every
    count under 10 is suppressed."""
    services = _service_names()
    notice_services = dict(db.session.execute(select(Notice.id, Notice.service_id)).tuples().all())
    feedback: dict[tuple[str, str], dict[str, int]] = {}
    calls: dict[tuple[str, str], dict[str, int]] = {}
    for metric, day, key, count in db.session.execute(
            select(InsightCount.metric, InsightCount.day, InsightCount.key, InsightCount.count)
            .where(InsightCount.metric.in_([str(Metric.FEEDBACK), str(Metric.CALL)]))):
        month = day.strftime("%Y-%m")
        if metric == Metric.FEEDBACK:
            notice_id, answer, _rest = key.split("|")
            service_id = notice_services.get(int(notice_id))
            if service_id is None:
                continue
            totals = feedback.setdefault((month, service_id), {"yes": 0, "no": 0})
            totals[answer] = totals.get(answer, 0) + count
        else:
            service_id, _middle, outcome = key.split("|")
            per = calls.setdefault((month, service_id), dict.fromkeys((str(o) for o in call_data.CallOutcome), 0))
            per[outcome] = per.get(outcome, 0) + count

    def service(service_id: str) -> dict[str, str]:
        return {"id": service_id, "name": services.get(service_id, service_id)}

    return {
        "feedback": [{"month": month, "service": service(service_id), "useful": _people(totals["yes"]),
                      "not_useful": _people(totals["no"])}
                     for (month, service_id), totals in sorted(feedback.items())],
        "calls": [{"month": month, "service": service(service_id),
                   **{outcome: _people(count) for outcome, count in per.items()}}
                  for (month, service_id), per in sorted(calls.items())],
    }
