"""Checks made as a message is claimed to be sent, not only when it was queued: nothing stale, nothing at night."""

import datetime as dt

import pytest
import responses
from freezegun import freeze_time
from responses import matchers
from sqlalchemy import select

from alerts.data import fanouts, notice_lifecycle, outbox_claims
from alerts.delivery.dispatcher import Dispatcher
from alerts.delivery.sender import Outcome
from alerts.extensions import db
from alerts.models import Channel, Impact, Message, MessageKind, MessageStatus, NoticeStatus, UpdateKind
from alerts.models.messages import PRIORITY_CONFIRMATION
from tests.delivery.conftest import EMAIL_URL, SMS_URL, accepted, notify_error

pytestmark = pytest.mark.usefixtures("database_clock_follows_freezegun")


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


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


def sms_body_matcher(app, message: Message) -> list:
    return [matchers.json_params_matcher({
        "phone_number": message.recipient, "template_id": app.config["NOTIFY_SMS_TEMPLATE_ID"],
        "personalisation": {"body": message.body}, "reference": message.id})]


def texts_for(notice_id: int, kind: UpdateKind) -> list[Message]:
    return [message for message in db.session.scalars(select(Message).where(Message.notice_id == notice_id,
                                                                            Message.channel == Channel.SMS))
            if message.notice_update_id in {u.id for u in notice_lifecycle.get_notice(notice_id).updates
                                            if u.kind == kind}]


def test_an_update_email_still_waiting_when_a_newer_update_is_emailed_is_skipped_as_superseded(
        app, factories, notify_key) -> None:
    factories.SubscriberFactory(channel=Channel.EMAIL, contact="resident@example.com")
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], impact=Impact.MAJOR)
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    assert fanouts.expand_next_batch() == 1
    [first] = db.session.scalars(select(Message)).all()
    with responses.RequestsMock() as mock:
        mock.post(EMAIL_URL, status=201, json=accepted(first.id))
        assert run_batch(app).claimed == [first.id]
    for summary in ("Collections resume on Friday.", "Collections resume on Thursday."):
        notice_lifecycle.post_update(notice, summary=summary, advice="", notify=True, by_user_id=None,
                                     threshold=5000)
        db.session.commit()
        assert fanouts.expand_next_batch() == 1
    _, older, latest = sorted(db.session.scalars(select(Message)), key=lambda m: m.notice_update_id)
    with responses.RequestsMock() as mock:
        mock.post(EMAIL_URL, status=201, json=accepted(latest.id))
        assert run_batch(app).claimed == [latest.id]
        assert [call.request.url for call in mock.calls] == [EMAIL_URL]
    assert reload(older.id).status == MessageStatus.SKIPPED
    assert reload(older.id).last_error == "Not sent: a newer update to the notice replaced this message"


@pytest.mark.parametrize(("impact", "sent_at_00_02"), [(Impact.MINOR, False), (Impact.SEVERE, True)])
def test_a_daily_limit_hold_released_at_00_01_keeps_non_severe_texts_until_07_00(app, factories, notify_key, impact,
                                                                                sent_at_00_02) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900982")
    with freeze_time("2026-01-05 21:30:00"):
        notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], impact=impact)
        notice_lifecycle.publish_now(notice, None)
        db.session.commit()
        assert fanouts.expand_next_batch() == 1
        [text] = db.session.scalars(select(Message)).all()
        with responses.RequestsMock() as mock:
            mock.post(SMS_URL, status=429, json=notify_error(429, "TooManyRequestsError",
                                                             "Exceeded send limits (sms: 250000) for today"))
            assert run_batch(app).outcomes == {Outcome.HELD: 1}
    with freeze_time("2026-01-06 00:02:00"), responses.RequestsMock() as mock:
        if sent_at_00_02:
            mock.post(SMS_URL, status=201, json=accepted(text.id), match=sms_body_matcher(app, text))
        run_batch(app)
        assert len(mock.calls) == int(sent_at_00_02)
    if sent_at_00_02:
        assert reload(text.id).status == MessageStatus.SENT
        return
    waiting = reload(text.id)
    assert (waiting.status, waiting.next_attempt_at_utc) == (MessageStatus.QUEUED, utc(2026, 1, 6, 7, 0))
    with freeze_time("2026-01-06 07:00:01"), responses.RequestsMock() as mock:
        mock.post(SMS_URL, status=201, json=accepted(text.id), match=sms_body_matcher(app, text))
        assert run_batch(app).claimed == [text.id]
    assert reload(text.id).status == MessageStatus.SENT


def test_a_retry_that_falls_due_at_night_waits_for_07_00(app, factories, notify_key) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900982")
    with freeze_time("2026-01-05 21:59:59"):
        notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], impact=Impact.MAJOR)
        notice_lifecycle.publish_now(notice, None)
        db.session.commit()
        assert fanouts.expand_next_batch() == 1
        [text] = db.session.scalars(select(Message)).all()
        with responses.RequestsMock() as mock:
            mock.post(SMS_URL, status=429, json=notify_error(429, "RateLimitError", "Exceeded rate limit"))
            assert run_batch(app).outcomes == {Outcome.RETRY: 1}
    with freeze_time("2026-01-05 22:10:00"), responses.RequestsMock() as mock:
        assert run_batch(app).claimed == []
        assert not mock.calls
    assert reload(text.id).next_attempt_at_utc == utc(2026, 1, 6, 7, 0)


def test_a_queued_confirmation_is_claimed_ahead_of_a_queue_of_alerts(app, make_message) -> None:
    for n in range(20):
        make_message(body=f"Alert {n}")
    confirmation = make_message(kind=MessageKind.CONFIRMATION, priority=PRIORITY_CONFIRMATION,
                                body="Your confirmation code is 123456")
    claimed = outbox_claims.claim_due_messages("worker", 1, dt.timedelta(minutes=5))
    assert [message.id for message in claimed] == [confirmation.id]
