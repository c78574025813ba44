"""Most urgent first: confirmation codes, then severe, major and minor alerts, then the day's digests and anything
else, each level longest due first. A severe alert published after the day's digests were queued goes before them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select

from alerts.data import fanouts, notice_lifecycle, outbox_claims
from alerts.data.subscribers import AreaChoice, add_areas
from alerts.extensions import db
from alerts.models import Channel, Impact, Message, MessageKind, MessageStatus, Subscriber, utc_now
from alerts.models.messages import (
    PRIORITY_BULK,
    PRIORITY_CONFIRMATION,
    PRIORITY_MAJOR,
    PRIORITY_MINOR,
    PRIORITY_SEVERE,
)
from alerts.services.daily_digests import queue_daily_digests

DIGEST_READERS = 300


def _publish(title: str, impact: Impact) -> int:
    draft = notice_lifecycle.NoticeDraft(title=title, service_id="bins-and-recycling", area_ids=["weymouth"],
                                         impact=impact, summary=f"{title}: details.", advice="")
    notice = notice_lifecycle.create_draft(draft, created_by_id=None)
    db.session.commit()
    notice_lifecycle.request_publication(notice, by_user_id=None, threshold=10**9)
    db.session.commit()
    fanouts.expand_pending_fanouts()
    return notice.id


def test_a_severe_alerts_first_text_is_claimed_before_hundreds_of_digests_queued_earlier(factories) -> None:
    for number in range(DIGEST_READERS):
        factories.SubscriberFactory(contact=f"reader{number}@example.com", digest=True)
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900123")
    for subscriber in db.session.scalars(select(Subscriber)).all():
        add_areas(subscriber, [AreaChoice("weymouth", "DT4 7TA")])
    db.session.commit()
    _publish("Bins a day late", Impact.MINOR)
    queue_daily_digests(utc_now() - dt.timedelta(seconds=5))
    digests = db.session.scalars(select(Message).where(Message.kind == MessageKind.DIGEST)).all()
    assert len(digests) == DIGEST_READERS and {digest.priority for digest in digests} == {PRIORITY_BULK}
    # The minor alert's own messages are not what this is about: they went before the digests were queued.
    db.session.execute(Message.__table__.update().where(Message.kind == MessageKind.ALERT)
                       .values(status=MessageStatus.SENT))
    db.session.commit()

    notice_id = _publish("All collections suspended", Impact.SEVERE)

    [first] = outbox_claims.claim_due_messages("test-worker", 1, dt.timedelta(minutes=1))
    message = db.session.get(Message, first.id)
    assert (message.kind, message.notice_id, message.priority) == (MessageKind.ALERT, notice_id, PRIORITY_SEVERE)
    # Every severe message (the texter's and each digest reader's email) goes before any digest.
    severe = db.session.scalar(select(db.func.count()).select_from(Message).where(
        Message.notice_id == notice_id, Message.status == MessageStatus.QUEUED))
    claimed = outbox_claims.claim_due_messages("test-worker", severe, dt.timedelta(minutes=1))
    kinds = {db.session.get(Message, outgoing.id).kind for outgoing in claimed}
    assert kinds == {MessageKind.ALERT}


def test_alerts_take_the_priority_of_their_notices_impact(factories) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900123")
    for subscriber in db.session.scalars(select(Subscriber)).all():
        add_areas(subscriber, [AreaChoice("weymouth", "DT4 7TA")])
    db.session.commit()
    expected = {}
    for impact, priority in ((Impact.MINOR, PRIORITY_MINOR), (Impact.MAJOR, PRIORITY_MAJOR),
                             (Impact.SEVERE, PRIORITY_SEVERE)):
        expected[_publish(f"A {impact} notice", impact)] = priority
    messages = db.session.scalars(select(Message).where(Message.kind == MessageKind.ALERT)).all()
    assert {message.notice_id: message.priority for message in messages} == expected


def test_each_level_goes_in_order_and_the_longest_due_first_within_it(make_message: Callable[..., Message]) -> None:
    now = utc_now()
    made = []
    # Queued newest level first and, within each level, the newest first: the claim must reorder both.
    for priority, kind in ((PRIORITY_BULK, MessageKind.DIGEST), (PRIORITY_MINOR, MessageKind.ALERT),
                           (PRIORITY_MAJOR, MessageKind.ALERT), (PRIORITY_SEVERE, MessageKind.ALERT),
                           (PRIORITY_CONFIRMATION, MessageKind.CONFIRMATION)):
        for minutes in (1, 2, 3):
            message = make_message(channel=Channel.EMAIL, kind=kind, priority=priority,
                                   next_attempt_at_utc=now - dt.timedelta(minutes=minutes))
            made.append((priority, -minutes, message.id))

    order = [outbox_claims.claim_due_messages("test-worker", 1, dt.timedelta(minutes=1))[0].id for _ in made]

    assert order == [message_id for _priority, _age, message_id in sorted(made)]
