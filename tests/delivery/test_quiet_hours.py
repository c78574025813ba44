import datetime as dt

import pytest
import responses
from freezegun import freeze_time
from sqlalchemy import select

from alerts.data import fanouts, notice_lifecycle
from alerts.delivery.dispatcher import Dispatcher
from alerts.extensions import db
from alerts.models import Channel, Impact, Message, NoticeStatus
from alerts.quiet_hours import quiet_hours_release_time
from tests.delivery.conftest import EMAIL_URL, SMS_URL, accepted


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


@pytest.mark.parametrize(("published", "released"), [
    # Winter (GMT: London is UTC)
    (utc(2026, 1, 5, 21, 59), utc(2026, 1, 5, 21, 59)),
    (utc(2026, 1, 5, 22, 0), utc(2026, 1, 6, 7, 0)),
    (utc(2026, 1, 6, 3, 0), utc(2026, 1, 6, 7, 0)),
    (utc(2026, 1, 6, 6, 59), utc(2026, 1, 6, 7, 0)),
    (utc(2026, 1, 6, 7, 0), utc(2026, 1, 6, 7, 0)),
    # Summer (BST: London is UTC+1)
    (utc(2026, 7, 1, 20, 59), utc(2026, 7, 1, 20, 59)),
    (utc(2026, 7, 1, 21, 0), utc(2026, 7, 2, 6, 0)),
    (utc(2026, 7, 2, 5, 59), utc(2026, 7, 2, 6, 0)),
    (utc(2026, 7, 2, 6, 0), utc(2026, 7, 2, 6, 0)),
    # The night the clocks go forward (29 March 2026, 01:00 GMT becomes 02:00 BST)
    (utc(2026, 3, 28, 22, 30), utc(2026, 3, 29, 6, 0)),
    (utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 6, 0)),
    # The night the clocks go back (25 October 2026, 02:00 BST becomes 01:00 GMT)
    (utc(2026, 10, 24, 21, 0), utc(2026, 10, 25, 7, 0)),
    (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 7, 0)),
    (utc(2026, 10, 25, 6, 30), utc(2026, 10, 25, 7, 0)),
])
@pytest.mark.parametrize("impact", [Impact.MINOR, Impact.MAJOR])
def test_non_severe_texts_published_between_22_00_and_07_00_london_wait_until_07_00(published, released,
                                                                                   impact) -> None:
    assert quiet_hours_release_time(published, impact) == released


@pytest.mark.parametrize("published", [utc(2026, 1, 6, 3, 0), utc(2026, 3, 29, 1, 30), utc(2026, 10, 25, 0, 30)])
def test_severe_texts_go_at_once_at_any_hour(published) -> None:
    assert quiet_hours_release_time(published, Impact.SEVERE) == published


def publish_and_expand(factories, impact: Impact) -> tuple[Message, Message]:
    """Publish through the real data function and expand its fan-out as the dispatcher does: (text, email)."""
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900982")
    factories.SubscriberFactory(channel=Channel.EMAIL, contact="resident@example.com")
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], impact=impact)
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    assert fanouts.expand_next_batch() == 2
    by_channel = {message.channel: message for message in db.session.scalars(select(Message))}
    return by_channel[Channel.SMS], by_channel[Channel.EMAIL]


@pytest.mark.parametrize(("published", "released"), [
    # The evening before the clocks go forward (28–29 March 2026): 22:30 GMT waits for 07:00 BST (06:00 UTC).
    (utc(2026, 3, 28, 22, 30), utc(2026, 3, 29, 6, 0)),
    # That night, after the change: 02:30 BST.
    (utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 6, 0)),
    # The evening before the clocks go back (24–25 October 2026): 22:30 BST waits for 07:00 GMT (07:00 UTC).
    (utc(2026, 10, 24, 21, 30), utc(2026, 10, 25, 7, 0)),
    # That night, after the change: 01:30 GMT.
    (utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 7, 0)),
])
def test_a_fan_out_at_night_queues_non_severe_texts_for_07_00_london_and_emails_at_once(factories, published,
                                                                                       released) -> None:
    with freeze_time(published):
        text, email = publish_and_expand(factories, Impact.MINOR)
    assert text.next_attempt_at_utc == released
    assert email.next_attempt_at_utc == published


@pytest.mark.parametrize("published", [
    utc(2026, 3, 28, 21, 30),  # 21:30 GMT, the evening before the clocks go forward
    utc(2026, 3, 29, 6, 0),  # 07:00 BST, the morning after
    utc(2026, 10, 24, 20, 59),  # 21:59 BST, the evening before the clocks go back
    utc(2026, 10, 25, 7, 0),  # 07:00 GMT, the morning after
])
def test_a_fan_out_by_day_queues_texts_at_once(factories, published) -> None:
    with freeze_time(published):
        text, _ = publish_and_expand(factories, Impact.MAJOR)
    assert text.next_attempt_at_utc == published


@freeze_time("2026-10-25 01:30:00")
def test_a_severe_notices_texts_go_at_once_in_the_night(factories) -> None:
    text, email = publish_and_expand(factories, Impact.SEVERE)
    assert text.next_attempt_at_utc == email.next_attempt_at_utc == utc(2026, 10, 25, 1, 30)


@pytest.mark.usefixtures("database_clock_follows_freezegun")
def test_a_dispatcher_at_night_sends_the_email_and_keeps_the_text_until_07_00(app, factories, notify_key) -> None:
    with freeze_time("2026-01-06 03:00:00"):
        text, email = publish_and_expand(factories, Impact.MINOR)
        with responses.RequestsMock() as mock:
            mock.post(EMAIL_URL, status=201, json=accepted(email.id))
            assert run_batch(app).claimed == [email.id]
    with freeze_time("2026-01-06 07:00:01"), responses.RequestsMock() as mock:
        mock.post(SMS_URL, status=201, json=accepted(text.id))
        assert run_batch(app).claimed == [text.id]


def run_batch(app):
    dispatcher = Dispatcher(app, concurrency=1)
    try:
        return dispatcher.run_batch()
    finally:
        dispatcher.close()
