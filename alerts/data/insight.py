"""Insight for service managers, from kept counts and, for today, the live tables.

Counters are bumped by the code that changes the data (sign-ups started and confirmed, unsubscribes by how they
came, sign-ups abandoned when the retention purge deletes them, postcode look-ups per postcode district); the
nightly rollup (`roll_up`, also `flask rollup-insight`) snapshots subscriptions by channel, area and service and
summarises each notice's delivery. Earlier days and the open statistics read these tables, never the raw rows;
the insight page counts today's subscribers live (three grouped counts), so day one is not empty.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import lazyload, selectinload

from alerts.data import update_promises
from alerts.extensions import db
from alerts.formatting import LONDON
from alerts.models import (
    Area,
    Channel,
    InsightCount,
    Message,
    MessageKind,
    MessageStatus,
    Notice,
    NoticeDelivery,
    NoticeStatus,
    Service,
    Subscriber,
    SubscriberStatus,
    Subscription,
    UpdateKind,
    subscriber_services,
    utc_now,
)
from alerts.models.notices import NoticeUpdate
from alerts.profile import council


class Metric(enum.StrEnum):
    SIGNUP_STARTED = "signup_started"  # key: channel
    # A contact already signed up (or waiting to confirm) asked again, for more areas or services. Counted as a
    # sign-up is, so asking again costs the same writes as a first sign-up: the time tells nobody who is signed up.
    SIGNUP_REPEATED = "signup_repeated"  # key: channel
    SIGNUP_CONFIRMED = "signup_confirmed"  # key: channel
    SIGNUP_ABANDONED = "signup_abandoned"  # key: "" (the purge no longer knows more than that it expired)
    UNSUBSCRIBED = "unsubscribed"  # key: UnsubscribeVia
    POSTCODE_LOOKUP = "postcode_lookup"  # key: postcode district ("SW1A"), never the postcode
    FEEDBACK = "feedback"  # key: "<notice id>|<yes or no>|<page or email>" (alerts.data.feedback); nobody's details
    CALL = "call"  # key: "<service id>|<notice id or empty>|<outcome>" (alerts.data.calls); no caller's details
    # Snapshots written by the rollup: the count at the end of that day.
    SUBSCRIBERS_BY_CHANNEL = "subscribers_by_channel"
    SUBSCRIBERS_BY_AREA = "subscribers_by_area"  # key: area id
    SUBSCRIBERS_BY_SERVICE = "subscribers_by_service"  # key: service id, or "all" for every service
    AUDIENCE = "audience"  # key: "<area id>|<service id or all>|<channel>" — what the officer's check page reads
    AUDIENCE_COUNTY = "audience_county"  # key: "<service id or all>|<channel>", each subscriber once


class UnsubscribeVia(enum.StrEnum):
    LINK = "link"
    REPLY = "reply"
    CONTACT_CENTRE = "contact_centre"
    SUSPENDED = "suspended"
    CHANGED_CHANNEL = "changed_channel"  # moved to email or text: the new subscription carries on


SNAPSHOTS = (Metric.SUBSCRIBERS_BY_CHANNEL, Metric.SUBSCRIBERS_BY_AREA, Metric.SUBSCRIBERS_BY_SERVICE,
             Metric.AUDIENCE, Metric.AUDIENCE_COUNTY)
ALL_SERVICES = "all"


def today() -> dt.date:
    return utc_now().astimezone(LONDON).date()


def bump(metric: Metric, key: str = "", by: int = 1, day: dt.date | None = None) -> None:
    """Add to a counter in the caller's transaction: one upsert, whatever the table's size."""
    if by == 0:
        return
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(InsightCount).values(day=day or today(), metric=str(metric), key=key[:100], count=by)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["day", "metric", "key"], set_={"count": InsightCount.count + statement.excluded.count}))


# The rollup ----------------------------------------------------------------------------------------------------

def roll_up(day: dt.date | None = None, *, notices_since: dt.datetime | None = None) -> int:
    """Snapshot today's subscriptions and summarise the delivery of recent notices. Safe to run any number of
    times a day: each run replaces that day's snapshot. Returns how many notices it summarised. The caller
    commits."""
    day = day or today()
    db.session.execute(delete(InsightCount).where(InsightCount.day == day,
                                                  InsightCount.metric.in_([str(m) for m in SNAPSHOTS])))
    confirmed = _CONFIRMED
    rows: list[dict[str, Any]] = [_row(day, metric, key, count) for metric in _LIVE_SNAPSHOTS
                                  for key, count in live_snapshot(metric).items()]
    # Audience per area, service choice and channel: a subscriber following two areas counts under each.
    everyone = select(Subscription.area_id, Subscriber.channel, func.count()).join(
        Subscriber, Subscriber.id == Subscription.subscriber_id).where(*confirmed)
    for area_id, channel, count in db.session.execute(
            everyone.where(Subscriber.all_services.is_(True)).group_by(Subscription.area_id, Subscriber.channel)):
        rows.append(_row(day, Metric.AUDIENCE, f"{area_id}|{ALL_SERVICES}|{channel}", count))
    for area_id, service_id, channel, count in db.session.execute(
            select(Subscription.area_id, subscriber_services.c.service_id, Subscriber.channel, func.count())
            .join(Subscriber, Subscriber.id == Subscription.subscriber_id)
            .join(subscriber_services, subscriber_services.c.subscriber_id == Subscriber.id).where(*confirmed)
            .group_by(Subscription.area_id, subscriber_services.c.service_id, Subscriber.channel)):
        rows.append(_row(day, Metric.AUDIENCE, f"{area_id}|{service_id}|{channel}", count))
    for channel, count in db.session.execute(select(Subscriber.channel, func.count()).where(
            *confirmed, Subscriber.all_services.is_(True)).group_by(Subscriber.channel)):
        rows.append(_row(day, Metric.AUDIENCE_COUNTY, f"{ALL_SERVICES}|{channel}", count))
    for service_id, channel, count in db.session.execute(
            select(subscriber_services.c.service_id, Subscriber.channel, func.count())
            .join(Subscriber, Subscriber.id == subscriber_services.c.subscriber_id).where(*confirmed)
            .group_by(subscriber_services.c.service_id, Subscriber.channel)):
        rows.append(_row(day, Metric.AUDIENCE_COUNTY, f"{service_id}|{channel}", count))
    if rows:
        db.session.execute(insert(InsightCount), rows)
    since = notices_since or utc_now() - dt.timedelta(days=8)
    notice_ids = [notice_id for notice_id in db.session.scalars(
        select(Message.notice_id).where(Message.notice_id.is_not(None), Message.updated_at_utc >= since).distinct())
        if notice_id is not None]
    for notice_id in notice_ids:
        _summarise_notice(notice_id)
    db.session.flush()
    return len(notice_ids)


_CONFIRMED = (Subscriber.status == SubscriberStatus.CONFIRMED, Subscriber.contact.is_not(None))
# The snapshots the insight page shows for today straight from the live tables: a new council sees its first
# sign-ups before any rollup, and today's figures are never an hour behind. A handful of grouped counts.
_LIVE_SNAPSHOTS = (Metric.SUBSCRIBERS_BY_CHANNEL, Metric.SUBSCRIBERS_BY_AREA, Metric.SUBSCRIBERS_BY_SERVICE)


def live_snapshot(metric: Metric) -> dict[str, int]:
    """Key -> count now, from the subscribers themselves, for one of `_LIVE_SNAPSHOTS`."""
    if metric == Metric.SUBSCRIBERS_BY_CHANNEL:
        return {str(channel): count for channel, count in db.session.execute(
            select(Subscriber.channel, func.count()).where(*_CONFIRMED).group_by(Subscriber.channel))}
    if metric == Metric.SUBSCRIBERS_BY_AREA:
        return dict(db.session.execute(
            select(Subscription.area_id, func.count(func.distinct(Subscriber.id)))
            .join(Subscriber, Subscriber.id == Subscription.subscriber_id).where(*_CONFIRMED)
            .group_by(Subscription.area_id)).tuples().all())
    if metric == Metric.SUBSCRIBERS_BY_SERVICE:
        everything = db.session.scalar(
            select(func.count()).where(*_CONFIRMED, Subscriber.all_services.is_(True))) or 0
        return {ALL_SERVICES: everything} | dict(db.session.execute(
            select(subscriber_services.c.service_id, func.count())
            .join(Subscriber, Subscriber.id == subscriber_services.c.subscriber_id).where(*_CONFIRMED)
            .group_by(subscriber_services.c.service_id)).tuples().all())
    raise ValueError(f"{metric} is not counted live")


def _row(day: dt.date, metric: Metric, key: str, count: int) -> dict[str, Any]:
    return {"day": day, "metric": str(metric), "key": key, "count": count}


def _summarise_notice(notice_id: int) -> None:
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        return
    first_update = db.session.scalar(select(NoticeUpdate.id).where(
        NoticeUpdate.notice_id == notice_id, NoticeUpdate.kind == UpdateKind.PUBLISHED).order_by(NoticeUpdate.id))
    alerts = (Message.notice_id == notice_id, Message.kind == MessageKind.ALERT)
    first = (*alerts, Message.notice_update_id == first_update)
    audience = db.session.scalar(select(func.count()).where(*first)) or 0
    delivered = db.session.scalar(select(func.count()).where(*first, Message.status == MessageStatus.DELIVERED)) or 0
    failed = db.session.scalar(select(func.count()).where(*first, Message.status == MessageStatus.FAILED)) or 0
    texts = db.session.scalar(select(func.count()).where(*alerts, Message.channel == Channel.SMS)) or 0
    cost = db.session.scalar(select(func.sum(Message.cost_in_pounds)).where(*alerts))
    reason = func.coalesce(Message.notify_status, Message.last_error, "no reason recorded")
    failures = {str(r): c for r, c in db.session.execute(
        select(reason, func.count()).where(*alerts, Message.status == MessageStatus.FAILED).group_by(reason))}
    started = notice.published_at_utc or notice.starts_at_utc

    def seconds_until(share: float) -> int | None:
        # The k-th delivery of the first alert, k being that share of everyone it went to.
        needed = int(audience * share + 0.999999)
        if not audience or delivered < needed or started is None:
            return None
        at = db.session.scalar(select(Message.completed_at_utc).where(
            *first, Message.status == MessageStatus.DELIVERED, Message.completed_at_utc.is_not(None))
            .order_by(Message.completed_at_utc).offset(needed - 1).limit(1))
        return max(0, int((at - started).total_seconds())) if at else None

    summary = db.session.get(NoticeDelivery, notice_id) or NoticeDelivery(notice_id=notice_id)
    summary.audience, summary.texts, summary.delivered, summary.failed = audience, texts, delivered, failed
    summary.seconds_to_half, summary.seconds_to_95 = seconds_until(0.5), seconds_until(0.95)
    summary.cost_pounds = Decimal(cost) if cost is not None else None
    summary.failures, summary.rolled_up_at_utc = failures, utc_now()
    db.session.add(summary)


# What the pages read ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Table:
    """One table of the insight page, also its CSV and the numbers behind its chart."""

    name: str
    caption: str
    headings: list[str]
    rows: list[list[Any]]


def _counts(metric: Metric, start: dt.date, end: dt.date) -> list[tuple[dt.date, str, int]]:
    return [(day, key, count) for day, key, count in db.session.execute(
        select(InsightCount.day, InsightCount.key, InsightCount.count)
        .where(InsightCount.metric == str(metric), InsightCount.day >= start, InsightCount.day <= end)
        .order_by(InsightCount.day, InsightCount.key))]


def _totals(metrics: list[Metric], start: dt.date, end: dt.date) -> dict[tuple[str, str], int]:
    """(metric, key) -> its sum over the range, added up by the database in one query: a range of counters is a few
    rows a day per key (60 postcode districts for a month is 1,800), and the page wants only their totals."""
    return {(metric, key): int(total) for metric, key, total in db.session.execute(
        select(InsightCount.metric, InsightCount.key, func.sum(InsightCount.count))
        .where(InsightCount.metric.in_([str(m) for m in metrics]), InsightCount.day >= start, InsightCount.day <= end)
        .group_by(InsightCount.metric, InsightCount.key))}


def _names(model: type[Area] | type[Service]) -> dict[str, str]:
    return dict(db.session.execute(select(model.id, model.name)).tuples().all())


def latest_snapshot(metric: Metric, end: dt.date) -> tuple[dt.date | None, dict[str, int]]:
    day = db.session.scalar(select(func.max(InsightCount.day)).where(
        InsightCount.metric == str(metric), InsightCount.day <= end))
    if day is None:
        return None, {}
    return day, dict(db.session.execute(select(InsightCount.key, InsightCount.count).where(
        InsightCount.metric == str(metric), InsightCount.day == day)).tuples().all())


# Which tables each part of the page makes: a CSV of one table runs only its part's queries.
_PARTS: dict[str, tuple[str, ...]] = {
    "subscriptions": ("subscriptions-over-time", "subscriptions-by-area", "subscriptions-by-service"),
    "sign-ups": ("sign-up-funnel", "unsubscribes"),
    "look-ups": ("postcode-lookups",),
    "notices": ("notice-delivery", "notices-by-service", "notices-by-area", "notice-durations"),
    "promises": ("next-updates-kept",),
}


def insight_tables(start: dt.date, end: dt.date, only: str | None = None) -> list[Table]:
    """Every table of the insight page, in order; or, with `only`, just the tables of the part that makes that one
    (a CSV download needs one table, not the whole page's queries)."""
    parts = [part for part, names in _PARTS.items() if only is None or only in names]
    areas, services = _names(Area), _names(Service)
    services[ALL_SERVICES] = _("All services")
    tables: list[Table] = []
    if "subscriptions" in parts:
        tables += _subscription_tables(start, end, areas, services)
    if "sign-ups" in parts:
        tables += _sign_up_tables(start, end)
    if "look-ups" in parts:
        tables += _lookup_tables(start, end)
    if "notices" in parts:
        tables += _notice_tables(start, end, services)
    if "promises" in parts:
        tables.append(_promises_table(start, end))
    return tables


def _promises_table(start: dt.date, end: dt.date) -> Table:
    """How often "next update by" was kept: promises that fell due in the range, per month and service."""
    since = dt.datetime.combine(start, dt.time(), LONDON).astimezone(dt.UTC)
    until = min(dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), LONDON).astimezone(dt.UTC), utc_now())
    rows = [[row.month, row.service, row.due, row.kept, f"{round(100 * row.kept / row.due)}%"]
            for row in update_promises.promises_kept(since, until) if row.due]
    return Table("next-updates-kept", _("Next updates promised and kept"),
                 [_("Month"), _("Service"), _("Promised"), _("Kept"), _("Kept (%)")], rows)


def _subscription_tables(start: dt.date, end: dt.date, areas: dict[str, str],
                         services: dict[str, str]) -> list[Table]:
    tables: list[Table] = []
    by_day: dict[dt.date, dict[str, int]] = {}
    for day, key, count in _counts(Metric.SUBSCRIBERS_BY_CHANNEL, start, end):
        by_day.setdefault(day, {})[key] = count
    now = today()
    live = start <= now <= end  # today from the live tables, earlier days from the kept counts
    if live:
        by_day[now] = live_snapshot(Metric.SUBSCRIBERS_BY_CHANNEL)
    tables.append(Table("subscriptions-over-time", _("Subscribers by channel, at the end of each day"),
                        [_("Day"), _("Email"), _("Text")],
                        [[day.isoformat(), c.get("email", 0), c.get("sms", 0)] for day, c in sorted(by_day.items())]))
    by_area = live_snapshot(Metric.SUBSCRIBERS_BY_AREA) if live else latest_snapshot(Metric.SUBSCRIBERS_BY_AREA, end)[1]
    tables.append(Table("subscriptions-by-area", _("Subscribers by area (latest day in the range)"),
                        [_("Area"), _("Subscribers")],
                        [[areas.get(k, k), v] for k, v in sorted(by_area.items(), key=lambda kv: -kv[1])]))
    by_service = (live_snapshot(Metric.SUBSCRIBERS_BY_SERVICE) if live
                  else latest_snapshot(Metric.SUBSCRIBERS_BY_SERVICE, end)[1])
    tables.append(Table("subscriptions-by-service", _("Subscribers by service chosen (latest day in the range)"),
                        [_("Service"), _("Subscribers")],
                        [[services.get(k, k), v] for k, v in sorted(by_service.items(), key=lambda kv: -kv[1])]))
    return tables


def _sign_up_tables(start: dt.date, end: dt.date) -> list[Table]:
    tables: list[Table] = []
    totals = _totals([Metric.SIGNUP_STARTED, Metric.SIGNUP_CONFIRMED, Metric.SIGNUP_ABANDONED, Metric.UNSUBSCRIBED],
                     start, end)
    funnel: Counter[str] = Counter()
    for (metric, _key), total in totals.items():
        funnel[metric] += total
    tables.append(Table("sign-up-funnel", _("Sign-ups started, confirmed and abandoned"), [_("Stage"), _("Sign-ups")],
                        [[_("Started"), funnel["signup_started"]], [_("Confirmed"), funnel["signup_confirmed"]],
                         [_("Abandoned (never confirmed)"), funnel["signup_abandoned"]]]))
    labels = {"link": _("Link in a message"), "reply": _("Replied STOP"), "contact_centre": _("Contact centre"),
              "suspended": _("Suspended (messages could not be delivered)"),
              "changed_channel": _("Changed to email or text (still subscribed)")}
    tables.append(Table("unsubscribes", _("Unsubscribes by how they came"), [_("Reason"), _("Unsubscribes")],
                        [[labels.get(k, k), totals.get((str(Metric.UNSUBSCRIBED), k), 0)] for k in labels]))
    return tables


def _lookup_tables(start: dt.date, end: dt.date) -> list[Table]:
    lookups = Counter({key: total for (_metric, key), total in _totals([Metric.POSTCODE_LOOKUP], start, end).items()})
    return [Table("postcode-lookups", _("Postcode look-ups by postcode district"), [_("District"), _("Look-ups")],
                  [[k, v] for k, v in sorted(lookups.items(), key=lambda kv: (-kv[1], kv[0]))])]


def _notice_tables(start: dt.date, end: dt.date, services: dict[str, str]) -> list[Table]:
    tables: list[Table] = []
    window = (Notice.published_at_utc >= _start_of(start), Notice.published_at_utc < _start_of(end + dt.timedelta(1)))
    rows = db.session.execute(
        select(Notice, NoticeDelivery).outerjoin(NoticeDelivery, NoticeDelivery.notice_id == Notice.id)
        # Only the areas: a notice's other relationships (updates, editors, who asked...) are 6 queries unread here.
        .options(lazyload("*"), selectinload(Notice.areas))
        .where(*window).order_by(Notice.published_at_utc.desc())).all()
    delivery_rows = []
    for notice, summary in rows:
        if summary is None:
            delivery_rows.append([notice.title, 0, "", "", "", "", "", ""])
            continue
        share = f"{summary.delivered * 100 / summary.audience:.1f}%" if summary.audience else ""
        failures = "; ".join(f"{k}: {v}" for k, v in sorted(summary.failures.items())) or "None"
        delivery_rows.append([notice.title, summary.audience, share, _duration(summary.seconds_to_half),
                              _duration(summary.seconds_to_95), summary.failed, failures,
                              f"£{summary.cost_pounds:.2f}" if summary.cost_pounds is not None else _("Not known yet")])
    tables.append(Table("notice-delivery", _("Each notice: whom it reached, how fast, and what it cost"),
                        [_("Notice"), _("Audience"), _("Delivered"), _("Time to 50%"), _("Time to 95%"), _("Failed"),
                         _("Failures by reason"), _("Cost (Notify)")], delivery_rows))

    by_service_count: Counter[str] = Counter()
    durations: list[list[Any]] = []
    by_area_count: Counter[str] = Counter()
    for notice, _summary in rows:
        by_service_count[services.get(notice.service_id, notice.service_id)] += 1
        for area in notice.areas:
            by_area_count[area.name] += 1
        if notice.whole_county:
            by_area_count[council().whole_area_name] += 1
        ended = notice.resolved_at_utc or (notice.expected_end_at_utc if notice.status == NoticeStatus.EXPIRED
                                           else None)
        lasted = _duration(int((ended - notice.starts_at_utc).total_seconds())) if ended and notice.starts_at_utc \
            else _("Still going")
        durations.append([notice.title, services.get(notice.service_id, notice.service_id), lasted])
    tables.append(Table("notices-by-service", _("Notices by service"), [_("Service"), _("Notices")],
                        [[k, v] for k, v in by_service_count.most_common()]))
    tables.append(Table("notices-by-area", _("Notices by area"), [_("Area"), _("Notices")],
                        [[k, v] for k, v in by_area_count.most_common()]))
    tables.append(Table("notice-durations", _("How long each notice lasted"), [_("Notice"), _("Service"), _("Lasted")],
                        durations))
    return tables


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h {rest // 60} min"


# Open statistics (GET /api/v1/statistics) -------------------------------------------------------------------------

SUPPRESS_BELOW = 10  # DESIGN §4: any count under 10 is null with "suppressed": true, never exact


def _open_count(count: int) -> dict[str, Any]:
    return {"count": None, "suppressed": True} if count < SUPPRESS_BELOW else {"count": count, "suppressed": False}


def open_statistics() -> dict[str, Any]:
    """Aggregates safe to publish: subscriptions by area, service and channel (the latest rollup), and notices and
    their reach by service and month. Small counts are suppressed so nobody can be singled out."""
    areas, services = _names(Area), _names(Service)
    as_of, by_channel = latest_snapshot(Metric.SUBSCRIBERS_BY_CHANNEL, today())
    _day, by_area = latest_snapshot(Metric.SUBSCRIBERS_BY_AREA, today())
    _day, by_service = latest_snapshot(Metric.SUBSCRIBERS_BY_SERVICE, today())
    monthly: dict[tuple[str, str], list[int]] = {}
    for published, service_id, audience in db.session.execute(
            select(Notice.published_at_utc, Notice.service_id, NoticeDelivery.audience)
            .outerjoin(NoticeDelivery, NoticeDelivery.notice_id == Notice.id)
            .where(Notice.published_at_utc.is_not(None))):
        month = published.astimezone(LONDON).strftime("%Y-%m")
        totals = monthly.setdefault((month, service_id), [0, 0])
        totals[0] += 1
        totals[1] += audience or 0
    return {
        "subscriptions": {
            "as_of": as_of.isoformat() if as_of else None,
            "by_channel": [{"channel": channel, **_open_count(by_channel.get(channel, 0))}
                           for channel in (str(Channel.EMAIL), str(Channel.SMS))],
            "by_area": [{"area": {"id": area_id, "name": name}, **_open_count(by_area.get(area_id, 0))}
                        for area_id, name in sorted(areas.items(), key=lambda kv: kv[1])],
            "by_service": [{"service": {"id": service_id, "name": name}, **_open_count(by_service.get(service_id, 0))}
                           for service_id, name in sorted(services.items(), key=lambda kv: kv[1])]
                          + [{"service": {"id": ALL_SERVICES, "name": "All services"},
                              **_open_count(by_service.get(ALL_SERVICES, 0))}],
        },
        "notices": [{"month": month, "service": {"id": service_id, "name": services.get(service_id, service_id)},
                     # How many notices is public already (the notices page lists them): only people are hidden.
                     "notices": {"count": count, "suppressed": False}, "reach": _open_count(reach)}
                    for (month, service_id), (count, reach) in sorted(monthly.items())],
        "suppression": f"Any count of people under {SUPPRESS_BELOW} is null with suppressed: true.",
    }
