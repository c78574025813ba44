"""Who hears about a notice, and turning a notice update into one outbox message per matching subscriber.

A fan-out row is written in the publishing transaction (DESIGN §3 transactional outbox); `expand_fanout` then
creates the messages in batches. Each batch and its cursor commit together, and messages are unique per
(update, subscriber, channel), so expanding again after a crash, or twice at once, never creates a duplicate.

Those batch commits (in `expand_fanout`, and `expand_next_batch` ending its look for the next fan-out) are the
dispatcher's: its fan-out thread expands a batch at a time, and the publishing service starts a send's first small
batch the same way once its own commit is done. They are among the dispatcher's short outbox transactions, the one
exception to "data never commits" (alerts/delivery/dispatcher.py). Everything else here leaves the commit to its
caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from markupsafe import Markup
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from alerts import links
from alerts.data.kept_audience import kept_audience
from alerts.data.reference import WHOLE_COUNTY_ID
from alerts.extensions import db
from alerts.formatting import london_time
from alerts.languages import ENGLISH, text_in
from alerts.models import (
    Area,
    Channel,
    Fanout,
    FanoutStatus,
    Impact,
    Message,
    MessageKind,
    MessageStatus,
    Notice,
    NoticeStatus,
    NoticeUpdate,
    Subscriber,
    SubscriberStatus,
    Subscription,
    UpdateKind,
    subscriber_services,
    utc_now,
)
from alerts.models.base import new_uuid
from alerts.models.messages import alert_priority
from alerts.notify import (
    AlertContent,
    SmsLayout,
    SmsLength,
    as_read,
    layout_alert_sms,
    render_alert_email,
    render_alert_sms,
)
from alerts.notify.email_markdown import GOVUK_LOOK, notify_email_html
from alerts.notify.pricing import SmsCost, sms_cost
from alerts.profile import council, language_for, message_from
from alerts.quiet_hours import quiet_hours_release_time

DEFAULT_BATCH_SIZE = 1000
# A new fan-out's first batch is small, so its first messages are queued (and sent) within moments of publishing.
FIRST_BATCH_SIZE = 50
SMS_WARNING_FRAGMENTS = 1  # warn past one: Notify charges for each fragment, so every extra one is paid again

# DESIGN §3: texts on publish and resolve; emails on every update the officer chooses to notify.
CHANNELS_FOR_KIND: dict[UpdateKind, tuple[Channel, ...]] = {
    UpdateKind.PUBLISHED: (Channel.EMAIL, Channel.SMS),
    UpdateKind.UPDATED: (Channel.EMAIL,),
    UpdateKind.RESOLVED: (Channel.EMAIL, Channel.SMS),
}


# Audience ---------------------------------------------------------------------------------------------------

def _area_ids(notice: Notice) -> list[str]:
    return [area.id for area in notice.areas] + [WHOLE_COUNTY_ID]


def audience_conditions(notice: Notice) -> list[ColumnElement[bool]]:
    """Confirmed subscribers following one of the notice's areas (any area for a county-wide notice, and the
    whole county for everyone) who chose the notice's service or all services."""
    in_area = Subscription.subscriber_id == Subscriber.id
    if not notice.whole_county:
        in_area = and_(in_area, Subscription.area_id.in_(_area_ids(notice)))
    chose_service = _chose_service(notice)
    # Correlate only the subscriber: the per-area count also joins subscriptions in the outer query.
    follows = select(Subscription.id).where(in_area).correlate(Subscriber).exists()
    return [Subscriber.status == SubscriberStatus.CONFIRMED, Subscriber.contact.is_not(None), follows, chose_service]


def _chose_service(notice: Notice) -> ColumnElement[bool]:
    # IN, not a correlated EXISTS: under OR, PostgreSQL runs an EXISTS once for every subscriber, while an IN
    # list is hashed once per query.
    return or_(Subscriber.all_services.is_(True),
               Subscriber.id.in_(select(subscriber_services.c.subscriber_id)
                                 .where(subscriber_services.c.service_id == notice.service_id)))


def _reachable(notice: Notice) -> list[ColumnElement[bool]]:
    """Who could get the notice, areas aside: confirmed, with a contact, and following its service."""
    return [Subscriber.status == SubscriberStatus.CONFIRMED, Subscriber.contact.is_not(None), _chose_service(notice)]


@dataclass(frozen=True)
class AreaAudience:
    name: str
    emails: int
    texts: int


@dataclass(frozen=True)
class Audience:
    emails: int
    texts: int
    by_area: list[AreaAudience] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.emails + self.texts


def audience_for(notice: Notice, *, with_areas: bool = True) -> Audience:
    """How many people a publish would reach, per channel and per area, counted exactly. A subscriber following
    two of the notice's areas counts once in the totals and once under each area.

    From the counts the database keeps as subscriptions change (alerts/data/kept_audience.py): the check page, the
    bulk page and each foresight card read a few hundred rows, whatever the number of subscribers
    (bench/audience.py). `audience_counted_live` counts the same from the live tables."""
    kept = kept_audience(notice.service_id, None if notice.whole_county else _area_ids(notice))
    by_area: list[AreaAudience] = []
    if with_areas and kept.by_area:
        areas = db.session.execute(select(Area.id, Area.name).where(Area.id.in_(kept.by_area))
                                   .order_by(Area.sort_order, Area.name)).all()
        by_area = [AreaAudience(name, kept.by_area[area_id].get(Channel.EMAIL, 0),
                                kept.by_area[area_id].get(Channel.SMS, 0)) for area_id, name in areas]
    return Audience(emails=kept.by_channel.get(Channel.EMAIL, 0), texts=kept.by_channel.get(Channel.SMS, 0),
                    by_area=by_area)


def audience_at_most(notice: Notice, *, limit: int, channels: Sequence[Channel] | None = None) -> int:
    """How many people a send would reach on `channels` (None: both), no more than `limit`: the approval check
    needs to know only whether it crosses the threshold."""
    kept = kept_audience(notice.service_id, None if notice.whole_county else _area_ids(notice))
    wanted = list(Channel) if channels is None else channels
    return min(limit, sum(kept.by_channel.get(channel, 0) for channel in wanted))


def audience_counted_live(notice: Notice) -> Audience:
    """`audience_for` counted from the live tables (two grouped counts over covering indexes, ~0.3–0.8 s at a
    million subscriptions): the reference the kept counts are tested against."""
    in_areas = [] if notice.whole_county else [Subscription.area_id.in_(_area_ids(notice))]
    totals = dict(db.session.execute(
        select(Subscriber.channel, func.count())
        .where(*_reachable(notice), Subscriber.id.in_(select(Subscription.subscriber_id).where(*in_areas)))
        .group_by(Subscriber.channel)
    ).tuples().all())
    # One row per subscription: a subscriber follows an area at most once, so a plain count is exact.
    rows = db.session.execute(
        select(Subscription.area_id, Subscriber.channel, func.count())
        .join(Subscriber, Subscriber.id == Subscription.subscriber_id)
        .where(*_reachable(notice), *in_areas)
        .group_by(Subscription.area_id, Subscriber.channel)
    ).all()
    counts: dict[str, dict[str, int]] = {}
    for area_id, channel, count in rows:
        counts.setdefault(area_id, {"email": 0, "sms": 0})[str(channel)] = count
    areas = db.session.execute(select(Area.id, Area.name).where(Area.id.in_(counts))
                               .order_by(Area.sort_order, Area.name)).all()
    by_area = [AreaAudience(name, counts[area_id]["email"], counts[area_id]["sms"]) for area_id, name in areas]
    return Audience(emails=totals.get(Channel.EMAIL, 0), texts=totals.get(Channel.SMS, 0), by_area=by_area)


def audience_by_language(notice: Notice) -> dict[str, dict[str, int]]:
    """{language: {"email": n, "sms": n}}: who would get it in Welsh and who in English, for a council that writes
    in both. One more grouped count like audience_for's totals, only on such a council's check page."""
    in_areas = [] if notice.whole_county else [Subscription.area_id.in_(_area_ids(notice))]
    rows = db.session.execute(
        select(Subscriber.language, Subscriber.channel, func.count())
        .where(*_reachable(notice), Subscriber.id.in_(select(Subscription.subscriber_id).where(*in_areas)))
        .group_by(Subscriber.language, Subscriber.channel)
    ).tuples().all()
    counts: dict[str, dict[str, int]] = {}
    for language, channel, count in rows:
        counts.setdefault(language, {"email": 0, "sms": 0})[str(channel)] = count
    return counts


# Rendering ---------------------------------------------------------------------------------------------------

def _area_names(notice: Notice, language: str = ENGLISH) -> list[str]:
    if notice.whole_county:
        return [text_in(council(), "whole_area_name", language)]
    return [text_in(area, "name", language) for area in notice.areas]


def alert_content(notice: Notice, update: NoticeUpdate | None, *, kind: UpdateKind, manage_url: str,
                  unsubscribe_url: str, short_url: str | None = None, language: str = ENGLISH) -> AlertContent:
    """What an alert says, in `language`: the notice's Welsh where the officer wrote it (else its English), the
    council's, service's and areas' names, dates and links in it too."""
    if update is None:
        summary, advice = text_in(notice, "summary", language), text_in(notice, "advice", language)
    else:
        # An update without new advice keeps the notice's; a resolution has no advice unless it gives one.
        summary = text_in(update, "summary", language)
        advice = text_in(update, "advice", language) or (
            "" if kind == UpdateKind.RESOLVED else text_in(notice, "advice", language))
    return AlertContent(
        title=text_in(notice, "title", language), service_name=text_in(notice.service, "name", language),
        impact=str(notice.impact),  # type: ignore[arg-type]
        area_names=_area_names(notice, language), summary=summary, advice=advice, kind=str(kind),  # type: ignore[arg-type]
        notice_url=links.notice_url(notice.id, language), manage_url=manage_url, unsubscribe_url=unsubscribe_url,
        expected_end_text=london_time(notice.expected_end_at_utc, language) or None, short_url=short_url,
        message_from=message_from(language), feedback_yes_url=links.feedback_url(notice.id, "yes", language),
        feedback_no_url=links.feedback_url(notice.id, "no", language),
    )


def texts_take_replies() -> bool:
    """Texts end "Reply STOP to stop" only when they come from a number that receives replies."""
    return bool(current_app.config.get("NOTIFY_INBOUND_NUMBER"))


@dataclass(frozen=True)
class Preview:
    subject: str
    email_body: str
    # The email as Notify's HTML email shows it: its Markdown read by Notify's rules (inset text, rules, headings,
    # lists, links), in the Design System's dress.
    email_html: Markup
    sms: SmsLayout
    # What Notify puts before the text ("<service name>: "); counted in `sms`, shown so the officer sees it.
    sms_prefix: str = ""

    @property
    def sms_body(self) -> str:
        return self.sms.body

    @property
    def sms_length(self) -> SmsLength:
        return self.sms.length

    @property
    def sms_over_budget(self) -> bool:
        return self.sms_length.fragments > SMS_WARNING_FRAGMENTS

    def cost_for(self, texts: int) -> SmsCost:
        """Texts × fragments × the price per fragment, and the share of the year's free allowance."""
        return sms_cost(texts, self.sms_length.fragments, current_app.config)


# A subscriber id of this size gives links as long as any real one, so the preview's counts are never short.
_PREVIEW_SUBSCRIBER_ID = 9_999_999


def preview_for(notice: Notice, kind: UpdateKind = UpdateKind.PUBLISHED, update: NoticeUpdate | None = None,
                language: str = ENGLISH) -> Preview:
    """The email and text exactly as a subscriber reading `language` gets them, with example manage and
    unsubscribe links; the text's length, fragments and cost counted as Notify counts that language's words."""
    content = alert_content(notice, update, kind=kind,
                            manage_url=links.manage_url(_PREVIEW_SUBSCRIBER_ID, 1, language),
                            unsubscribe_url=links.unsubscribe_url(_PREVIEW_SUBSCRIBER_ID, 1, language),
                            short_url=links.short_url(_PREVIEW_SUBSCRIBER_ID, 1, language), language=language)
    email = render_alert_email(content)
    # The officer sees the email as residents read it: without the escapes that keep their words from being Markdown.
    return Preview(subject=email.subject, email_body=as_read(email.body),
                   email_html=notify_email_html(email.body, GOVUK_LOOK), sms_prefix=content.message_from.sms_prefix,
                   sms=layout_alert_sms(content, reply_stop=texts_take_replies()))


# Fan-outs ----------------------------------------------------------------------------------------------------

def record_fanout(notice: Notice, update: NoticeUpdate) -> Fanout:
    """Record, in the caller's transaction, that this update must reach its audience."""
    channels = CHANNELS_FOR_KIND[UpdateKind(update.kind)]
    fanout = Fanout(notice_id=notice.id, notice_update_id=update.id, channels=",".join(str(c) for c in channels),
                    status=FanoutStatus.PENDING)
    db.session.add(fanout)
    db.session.flush()
    return fanout


def pending_fanout_ids() -> list[int]:
    return list(db.session.scalars(select(Fanout.id).where(Fanout.status == FanoutStatus.PENDING).order_by(Fanout.id)))


def get_fanout(fanout_id: int) -> Fanout | None:
    return db.session.get(Fanout, fanout_id)


def _claim(fanout_id: int) -> Fanout | None:
    query = select(Fanout).where(Fanout.id == fanout_id, Fanout.status == FanoutStatus.PENDING)
    if db.engine.dialect.name == "postgresql":
        # Two expanders never work on the same fan-out at once; the loser simply moves on.
        query = query.with_for_update(skip_locked=True)
    return db.session.scalar(query)


def expand_fanout(fanout_id: int, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Create the next batch of messages for a pending fan-out and commit it with the cursor.

    Returns the number of messages created (0 once the fan-out is done). Safe to run again at any time.
    """
    fanout = _claim(fanout_id)
    if fanout is None:
        db.session.rollback()
        return 0
    update = db.session.get(NoticeUpdate, fanout.notice_update_id)
    notice = db.session.get(Notice, fanout.notice_id)
    if update is None or notice is None:
        fanout.status, fanout.completed_at_utc = FanoutStatus.DONE, utc_now()
        db.session.commit()
        return 0
    kind = UpdateKind(update.kind)
    if kind != UpdateKind.RESOLVED and notice.status in ENDED:
        # Over before everyone was told it began: nobody more is told now (the rest was dropped as it ended).
        fanout.status, fanout.completed_at_utc = FanoutStatus.DONE, utc_now()
        db.session.commit()
        return 0
    channels = [Channel(c) for c in fanout.channel_list]
    conditions = audience_conditions(notice)
    if notice.impact != Impact.SEVERE:
        # Who chose one email a day reads this in tonight's digest (alerts/data/digests.py).
        conditions.append(or_(Subscriber.channel != Channel.EMAIL, Subscriber.digest.is_(False)))
    if kind == UpdateKind.RESOLVED:
        # Only a resident whose first message about the disruption went (or may still go) on their channel hears
        # that it is over; the dispatcher decides again as it sends (alerts/data/outbox_claims.py).
        conditions.append(told_on_their_channel(notice.id))
    rows = db.session.execute(
        select(Subscriber.id, Subscriber.channel, Subscriber.contact, Subscriber.token_version, Subscriber.language)
        .where(*conditions, Subscriber.id > fanout.cursor, Subscriber.channel.in_(channels))
        .order_by(Subscriber.id)
        .limit(batch_size)
    ).all()
    now = utc_now()
    # Stamped as each text is created, not applied afterwards, so no dispatcher can see a text before it waits.
    texts_from = quiet_hours_release_time(now, notice.impact)
    values = [_message_values(notice, update, kind, *row, now=now, texts_from=texts_from) for row in rows]
    if values:
        insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        db.session.execute(
            insert(Message).on_conflict_do_nothing(index_elements=["notice_update_id", "subscriber_id", "channel"]),
            values,
        )
        fanout.cursor = rows[-1][0]
        fanout.messages_created += len(values)
    if len(rows) < batch_size:
        fanout.status, fanout.completed_at_utc = FanoutStatus.DONE, utc_now()
    db.session.commit()
    return len(values)


ENDED = (NoticeStatus.RESOLVED, NoticeStatus.EXPIRED, NoticeStatus.CANCELLED)


def told_on_their_channel(notice_id: int) -> ColumnElement[bool]:
    """The subscriber has a message about this notice on their channel that was sent or is still to go."""
    return select(Message.id).where(
        Message.notice_id == notice_id, Message.subscriber_id == Subscriber.id,
        Message.channel == Subscriber.channel, Message.kind == MessageKind.ALERT,
        or_(Message.sent_at_utc.is_not(None), Message.status.in_([MessageStatus.QUEUED, MessageStatus.SENDING])),
    ).correlate(Subscriber).exists()


def _message_values(notice: Notice, update: NoticeUpdate, kind: UpdateKind, subscriber_id: int, channel: Channel,
                    contact: str, token_version: int, language: str | None, *, now: dt.datetime,
                    texts_from: dt.datetime) -> dict[str, Any]:
    # Each subscriber's message in their language: links, names and words (English for a council without Welsh).
    language = language_for(language)
    unsubscribe = links.unsubscribe_url(subscriber_id, token_version, language)
    content = alert_content(notice, update, kind=kind,
                            manage_url=links.manage_url(subscriber_id, token_version, language),
                            unsubscribe_url=unsubscribe, language=language,
                            short_url=(links.short_url(subscriber_id, token_version, language)
                                       if channel == Channel.SMS else None))
    values: dict[str, Any] = {
        "id": new_uuid(), "kind": MessageKind.ALERT, "channel": channel, "status": MessageStatus.QUEUED,
        "priority": alert_priority(notice.impact), "notice_id": notice.id, "notice_update_id": update.id,
        "subscriber_id": subscriber_id, "recipient": contact, "attempts": 0, "outcome_unknown": False,
        # Quiet hours: a non-severe text created at night waits for 07:00 London time; emails never wait.
        "next_attempt_at_utc": texts_from if channel == Channel.SMS else now,
        "created_at_utc": now, "updated_at_utc": now,
        "subject": None, "one_click_unsubscribe_url": None,
    }
    if channel == Channel.EMAIL:
        email = render_alert_email(content)
        values.update(subject=email.subject, body=email.body, one_click_unsubscribe_url=unsubscribe)
    else:
        values["body"] = render_alert_sms(content, reply_stop=texts_take_replies())
    return values


def expand_pending_fanouts(batch_size: int = DEFAULT_BATCH_SIZE, max_batches: int | None = None) -> int:
    """Expand every pending fan-out (oldest first); returns the number of messages created."""
    created = batches = 0
    for fanout_id in pending_fanout_ids():
        while max_batches is None or batches < max_batches:
            count = expand_fanout(fanout_id, batch_size)
            batches += 1
            created += count
            fanout = get_fanout(fanout_id)
            if fanout is None or fanout.status == FanoutStatus.DONE:
                break
    return created


def expand_next_batch(*, first_batch_size: int = FIRST_BATCH_SIZE, batch_size: int = DEFAULT_BATCH_SIZE) -> int | None:
    """Expand one batch of one pending fan-out: None if none is pending, else how many messages it created.

    The dispatcher calls this between sending batches, so expansion keeps ahead of sending without starving it.
    A fan-out not yet started goes first with a small batch, so a new publish is heard within moments even while
    a county-wide fan-out is still expanding; after that, the oldest goes on in full batches.
    """
    fanout_id, started = db.session.execute(
        select(Fanout.id, Fanout.cursor > 0).where(Fanout.status == FanoutStatus.PENDING)
        .order_by(Fanout.cursor > 0, Fanout.id).limit(1)
    ).first() or (None, None)
    db.session.commit()
    if fanout_id is None:
        return None
    return expand_fanout(fanout_id, batch_size if started else first_batch_size)


def message_counts_for_notice(notice_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(Message.channel, func.count()).where(Message.notice_id == notice_id).group_by(Message.channel)
    ).tuples().all()
    return {str(channel): count for channel, count in rows}


def fanouts_for_notice(notice_id: int) -> Sequence[Fanout]:
    return list(db.session.scalars(select(Fanout).where(Fanout.notice_id == notice_id).order_by(Fanout.id)))
