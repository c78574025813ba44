"""The daily email digest. A resident who chose it gets one email a day listing what changed in the notices they
follow, instead of an email for each; severe notices still reach them at once (the fan-out leaves digest
subscribers out only for notices that are not severe).

Built from the same outbox as every alert: each digest is a queued `Message` of kind DIGEST, added here with a
`DigestSend` row that is unique per subscriber and day. alerts/services/daily_digests.py commits each digest on its
own, so running the job twice, or on two schedulers at once, can never send a second digest that day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from babel.dates import format_date
from flask import current_app
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from alerts import links
from alerts.data.fanouts import audience_conditions
from alerts.extensions import db
from alerts.formatting import LONDON, hour_words, london_time
from alerts.languages import ENGLISH, text_in
from alerts.models import (
    Channel,
    DigestSend,
    Impact,
    Message,
    MessageKind,
    MessageStatus,
    Notice,
    NoticeStatus,
    NoticeUpdate,
    Subscriber,
    SubscriberStatus,
    UpdateKind,
)
from alerts.models.messages import PRIORITY_BULK
from alerts.notify.words import Words, translations
from alerts.profile import council, language_for

_SHOWN = (NoticeStatus.ACTIVE, NoticeStatus.RESOLVED, NoticeStatus.EXPIRED)


def digest_time() -> str:
    """When the daily email goes (DIGEST_HOUR, UK time), as residents and staff read it: "6pm"."""
    return hour_words(int(current_app.config["DIGEST_HOUR"]))


def london_day(now: dt.datetime) -> dt.date:
    return now.astimezone(LONDON).date()


def _changes_since(since: dt.datetime) -> list[tuple[Notice, NoticeUpdate]]:
    """Changes sent with alerts on to notices that are not severe (severe ones went at once), oldest first.

    The digest is one more way of sending an alert, so it carries only what was sent with alerts on: a notice or
    update posted with alerts off was promised to nobody, and one that needed a second officer is a NoticeUpdate
    only once approved (until then it waits as a PendingUpdate or an unpublished notice). An automatic expiry
    carries no officer's words; it is shown where something about the notice was sent with alerts on."""
    told = aliased(NoticeUpdate)
    told_before = exists().where(told.notice_id == NoticeUpdate.notice_id, told.notify_subscribers.is_(True),
                                 told.created_at_utc <= NoticeUpdate.created_at_utc)
    sent = or_(NoticeUpdate.notify_subscribers.is_(True),
               and_(NoticeUpdate.kind == UpdateKind.EXPIRED, told_before))
    rows = db.session.execute(
        select(Notice, NoticeUpdate).join(NoticeUpdate, NoticeUpdate.notice_id == Notice.id)
        .where(NoticeUpdate.created_at_utc >= since, Notice.status.in_(_SHOWN), Notice.impact != Impact.SEVERE,
               sent)
        .order_by(NoticeUpdate.created_at_utc, NoticeUpdate.id)
    ).all()
    return [(notice, update) for notice, update in rows]


def _digest_readers(notice: Notice, day: dt.date) -> set[int]:
    already = exists().where(DigestSend.subscriber_id == Subscriber.id, DigestSend.day == day)
    return set(db.session.scalars(select(Subscriber.id).where(
        *audience_conditions(notice), Subscriber.digest.is_(True), Subscriber.channel == Channel.EMAIL, ~already)))


def render_digest(day: dt.date, changes: list[tuple[Notice, NoticeUpdate]], *, manage_url: str,
                  unsubscribe_url: str, language: str = ENGLISH) -> tuple[str, str]:
    """The digest's subject and body in `language`: the notices' Welsh where written, else their English."""
    words = translations(language)
    name = text_in(council(), "name", language)
    count = len({notice.id for notice, _ in changes})
    shown = f"{count:,}"
    subject = words.ngettext("Your daily %(council)s alerts for %(day)s: %(count)s notice",
                             "Your daily %(council)s alerts for %(day)s: %(count)s notices", count,
                             council=name, day=_day_words(day, language), count=shown)
    parts = [words.ngettext("What changed today in the council services you follow (%(count)s notice).",
                            "What changed today in the council services you follow (%(count)s notices).", count,
                            count=shown)]
    for notice, update in changes:
        values = {"title": text_in(notice, "title", language), "service": text_in(notice.service, "name", language),
                  "when": london_time(update.created_at_utc, language)}
        summary = text_in(update, "summary", language).strip()
        parts.append(f"{_change_line(words, str(update.kind), values)}\n{summary}\n"
                     f"{links.notice_url(notice.id, language)}")
    parts += [words.gettext("Severe disruption is still emailed to you straight away."), "---",
              words.gettext("You asked %(council)s for one email a day about service disruption.", council=name),
              words.gettext("Change to an email for each alert, change your areas or services, or stop: %(url)s",
                            url=manage_url),
              words.gettext("Unsubscribe from all alerts: %(url)s", url=unsubscribe_url)]
    return subject, "\n\n".join(parts)


def _day_words(day: dt.date, language: str) -> str:
    if language == ENGLISH:
        return f"{day.day} {day:%B %Y}"
    return format_date(day, "d MMMM y", locale=language)


def _change_line(words: Words, kind: str, values: dict[str, str]) -> str:
    if kind == "published":
        return words.gettext("New: %(title)s (%(service)s), %(when)s", **values)
    if kind == "resolved":
        return words.gettext("Resolved: %(title)s (%(service)s), %(when)s", **values)
    if kind == "expired":
        return words.gettext("Ended: %(title)s (%(service)s), %(when)s", **values)
    return words.gettext("Update: %(title)s (%(service)s), %(when)s", **values)


def digests_due(now: dt.datetime) -> tuple[dt.date, dict[int, list[tuple[Notice, NoticeUpdate]]]]:
    """Today (London), and for each digest subscriber not yet sent today's digest, the day's changes they follow."""
    day = london_day(now)
    per_subscriber: dict[int, list[tuple[Notice, NoticeUpdate]]] = defaultdict(list)
    for notice, update in _changes_since(now - dt.timedelta(days=1)):
        for subscriber_id in _digest_readers(notice, day):
            per_subscriber[subscriber_id].append((notice, update))
    return day, per_subscriber


def queue_digest(subscriber_id: int, changes: list[tuple[Notice, NoticeUpdate]], *, day: dt.date,
                 now: dt.datetime) -> bool:
    """Add the subscriber's digest for `day` and its DigestSend row, for the caller to commit; False if they no
    longer get alerts. Committing fails with IntegrityError if another run queued their digest for that day."""
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None or subscriber.contact is None or subscriber.status != SubscriberStatus.CONFIRMED:
        return False
    language = language_for(subscriber.language)
    unsubscribe = links.unsubscribe_url(subscriber.id, subscriber.token_version, language)
    manage = links.manage_url(subscriber.id, subscriber.token_version, language)
    subject, body = render_digest(day, changes, manage_url=manage, unsubscribe_url=unsubscribe, language=language)
    message = Message(kind=MessageKind.DIGEST, channel=Channel.EMAIL, recipient=subscriber.contact,
                      subject=subject, body=body, subscriber_id=subscriber.id, priority=PRIORITY_BULK,
                      status=MessageStatus.QUEUED, next_attempt_at_utc=now, one_click_unsubscribe_url=unsubscribe)
    db.session.add(message)
    db.session.flush()
    db.session.add(DigestSend(subscriber_id=subscriber.id, day=day, message_id=message.id,
                              notices=len({notice.id for notice, _ in changes})))
    return True


def count_digest_readers() -> int:
    """Confirmed subscribers who chose the daily digest."""
    return db.session.scalar(select(func.count()).select_from(Subscriber).where(
        Subscriber.digest.is_(True), Subscriber.status == SubscriberStatus.CONFIRMED)) or 0
