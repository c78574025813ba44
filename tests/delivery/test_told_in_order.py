"""Nothing told out of order: an update or a resolution reaches a resident only once their first message about
that notice was sent on that channel. A first message still waiting when the notice ends is dropped, with its
reason, at once; the dispatcher decides again as it claims each message, so a resolution racing a send keeps the
rule."""

import datetime as dt
import json

import pytest
import responses
from freezegun import freeze_time
from responses import matchers
from sqlalchemy import select

from alerts.data import fanouts, notice_lifecycle, outbox_claims
from alerts.delivery.dispatcher import Dispatcher
from alerts.extensions import db
from alerts.models import Channel, Impact, Message, MessageStatus, NoticeStatus, UpdateKind
from tests.delivery.conftest import EMAIL_URL, SMS_URL, accepted, notify_error

pytestmark = pytest.mark.usefixtures("database_clock_follows_freezegun")

RESOLVED_REASON = "Not sent: the notice was resolved before this message could go"
ENDED_REASON = "Not sent: the notice ended before this message could go"
NEVER_TOLD = "Not sent: their first message about this notice did not go, so they were never told it began"


def run_batch(app):
    dispatcher = Dispatcher(app, concurrency=1)
    try:
        return dispatcher.run_batch()
    finally:
        dispatcher.close()
        db.session.expire_all()


def reload(message_id: str) -> Message:
    db.session.expire_all()
    return db.session.get(Message, message_id)


def messages_for(notice_id: int, kind: UpdateKind, channel: Channel) -> list[Message]:
    db.session.expire_all()
    update_ids = {u.id for u in notice_lifecycle.get_notice(notice_id).updates if u.kind == kind}
    return [message for message in db.session.scalars(
        select(Message).where(Message.notice_id == notice_id, Message.channel == channel))
        if message.notice_update_id in update_ids]


def echo_reference(request):
    return 201, {}, json.dumps(accepted(json.loads(request.body)["reference"]))


def publish(factories, impact: Impact = Impact.MINOR):
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], impact=impact)
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    while fanouts.expand_next_batch():
        pass
    return notice


def resolve(notice) -> None:
    notice_lifecycle.resolve(notice, summary="Collections are back to normal.", by_user_id=None)
    db.session.commit()
    while fanouts.expand_next_batch():
        pass


def test_a_minor_notice_published_at_night_and_resolved_before_07_00_texts_nobody_at_07_00(
        app, factories, notify_key) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900982")
    with freeze_time("2026-01-06 01:50:00"):
        notice = publish(factories)
    [first] = messages_for(notice.id, UpdateKind.PUBLISHED, Channel.SMS)
    with freeze_time("2026-01-06 02:00:00"):
        resolve(notice)
    dropped = reload(first.id)
    assert (dropped.status, dropped.last_error) == (MessageStatus.SKIPPED, RESOLVED_REASON), \
        "dropped when the notice ends, with a reason staff can read, not left waiting for 07:00"
    assert messages_for(notice.id, UpdateKind.RESOLVED, Channel.SMS) == [], "nobody was told it began"
    with freeze_time("2026-01-06 07:00:01"), responses.RequestsMock() as mock:
        assert run_batch(app).claimed == []
        assert not mock.calls


def test_a_held_first_text_is_dropped_when_the_notice_expires_in_the_night(app, factories, notify_key) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900982")
    with freeze_time("2026-01-06 01:00:00"):
        notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], impact=Impact.MINOR,
                                         expected_end_at_utc=dt.datetime(2026, 1, 6, 2, 0, tzinfo=dt.UTC))
        notice_lifecycle.publish_now(notice, None)
        db.session.commit()
        fanouts.expand_next_batch()
    [first] = messages_for(notice.id, UpdateKind.PUBLISHED, Channel.SMS)
    with freeze_time("2026-01-06 03:00:00"):
        assert notice_lifecycle.expire_overdue_notices(dt.timedelta(minutes=30)) == 1
        db.session.commit()
    dropped = reload(first.id)
    assert (dropped.status, dropped.last_error) == (MessageStatus.SKIPPED, ENDED_REASON)
    with freeze_time("2026-01-06 07:00:01"), responses.RequestsMock() as mock:
        assert run_batch(app).claimed == []
        assert not mock.calls


def test_a_resolution_claimed_while_the_first_text_is_in_flight_waits_and_goes_once_it_was_sent(
        app, factories, notify_key) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900982")
    with freeze_time("2026-01-06 10:00:00"):
        notice = publish(factories, Impact.MAJOR)
        [first] = messages_for(notice.id, UpdateKind.PUBLISHED, Channel.SMS)
        # Another worker has claimed the first text and its POST is in flight as the officer resolves.
        [claimed] = outbox_claims.claim_due_messages("other-worker", 10, dt.timedelta(minutes=5))
        assert claimed.id == first.id
        resolve(notice)
        [resolution] = messages_for(notice.id, UpdateKind.RESOLVED, Channel.SMS)
        with responses.RequestsMock() as mock:
            assert run_batch(app).claimed == []
            assert not mock.calls, "the resolution waits while the first text's fate is unknown"
        waiting = reload(resolution.id)
        assert (waiting.status, waiting.attempts) == (MessageStatus.QUEUED, 0)
        outbox_claims.record_sent(first.id, "notify-1", local_outbox=False, claim_token=claimed.claim_token)
    with freeze_time("2026-01-06 10:01:00"), responses.RequestsMock() as mock:
        mock.post(SMS_URL, status=201, json=accepted(resolution.id),
                  match=[matchers.json_params_matcher({
                      "phone_number": "+447700900982", "template_id": app.config["NOTIFY_SMS_TEMPLATE_ID"],
                      "personalisation": {"body": resolution.body}, "reference": resolution.id})])
        assert run_batch(app).claimed == [resolution.id]
    assert reload(resolution.id).status == MessageStatus.SENT


def test_a_resolution_is_dropped_when_the_first_text_it_waited_for_failed(app, factories, notify_key) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900982")
    with freeze_time("2026-01-06 10:00:00"):
        notice = publish(factories, Impact.MAJOR)
        [first] = messages_for(notice.id, UpdateKind.PUBLISHED, Channel.SMS)
        [claimed] = outbox_claims.claim_due_messages("other-worker", 10, dt.timedelta(minutes=5))
        resolve(notice)
        [resolution] = messages_for(notice.id, UpdateKind.RESOLVED, Channel.SMS)
        outbox_claims.record_failed(first.id, "Notify refused the number", claim_token=claimed.claim_token)
    with freeze_time("2026-01-06 10:01:00"), responses.RequestsMock() as mock:
        assert run_batch(app).claimed == []
        assert not mock.calls
    dropped = reload(resolution.id)
    assert (dropped.status, dropped.last_error) == (MessageStatus.SKIPPED, NEVER_TOLD)


def test_an_update_email_waits_for_a_first_email_notify_could_not_take_yet_and_follows_it(
        app, factories, notify_key) -> None:
    factories.SubscriberFactory(channel=Channel.EMAIL, contact="resident@example.com")
    with freeze_time("2026-01-06 10:00:00"):
        notice = publish(factories, Impact.MAJOR)
        [first] = messages_for(notice.id, UpdateKind.PUBLISHED, Channel.EMAIL)
        with responses.RequestsMock() as mock:
            mock.post(EMAIL_URL, status=429, json=notify_error(429, "RateLimitError", "Exceeded rate limit"))
            run_batch(app)
        assert reload(first.id).status == MessageStatus.QUEUED
        notice_lifecycle.post_update(notice, summary="Collections resume on Friday.", advice="", notify=True,
                                     by_user_id=None, threshold=5000)
        db.session.commit()
        fanouts.expand_next_batch()
        [update] = messages_for(notice.id, UpdateKind.UPDATED, Channel.EMAIL)
        with responses.RequestsMock() as mock:
            assert run_batch(app).claimed in ([], [update.id])
            assert not mock.calls, "the update is not emailed before the first email"
    sent: list[str] = []
    for minute in range(1, 30):
        with freeze_time(dt.datetime(2026, 1, 6, 10, minute, tzinfo=dt.UTC)), responses.RequestsMock(
                assert_all_requests_are_fired=False) as mock:
            mock.add_callback(responses.POST, EMAIL_URL, callback=echo_reference)
            for message_id in run_batch(app).claimed:
                if reload(message_id).status == MessageStatus.SENT:
                    sent.append(message_id)
    assert sent == [first.id, update.id], "the first email goes, then the update: in order, neither skipped"


def test_a_resolution_email_goes_only_to_residents_who_were_emailed_that_it_began(
        app, factories, notify_key) -> None:
    told = factories.SubscriberFactory(channel=Channel.EMAIL, contact="told@example.com")
    notice = publish(factories, Impact.MAJOR)
    [first] = messages_for(notice.id, UpdateKind.PUBLISHED, Channel.EMAIL)
    with responses.RequestsMock() as mock:
        mock.post(EMAIL_URL, status=201, json=accepted(first.id))
        run_batch(app)
    factories.SubscriberFactory(channel=Channel.EMAIL, contact="joined-later@example.com")
    resolve(notice)
    assert [m.subscriber_id for m in messages_for(notice.id, UpdateKind.RESOLVED, Channel.EMAIL)] == [told.id]


def test_a_first_fan_out_still_expanding_when_the_notice_is_resolved_stops(app, factories) -> None:
    for n in range(3):
        factories.SubscriberFactory(channel=Channel.SMS, contact=f"+44770090098{n}")
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], impact=Impact.MAJOR)
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    [fanout] = fanouts.fanouts_for_notice(notice.id)
    assert fanouts.expand_fanout(fanout.id, batch_size=1) == 1
    notice_lifecycle.resolve(notice, summary="Over.", by_user_id=None)
    db.session.commit()
    assert fanouts.expand_pending_fanouts() == 0, "no first text for a notice that is over, and no resolution to " \
                                                  "the two who were never told"
