import datetime as dt

import pytest
from freezegun import freeze_time

from alerts.delivery.quiet_hours import apply_quiet_hours, quiet_hours_release_time
from alerts.extensions import db
from alerts.models import Channel, Impact, Message


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


def add_messages(notice, channel: Channel, make_message) -> Message:
    return make_message(channel, notice_id=notice.id, notice_update_id=notice.updates[0].id,
                        next_attempt_at_utc=dt.datetime.now(dt.UTC))


@freeze_time("2026-10-25 00:30:00")
def test_apply_quiet_hours_delays_only_the_updates_texts(factories, make_message) -> None:
    notice = factories.NoticeFactory(impact=Impact.MINOR)
    text = add_messages(notice, Channel.SMS, make_message)
    email = add_messages(notice, Channel.EMAIL, make_message)
    assert apply_quiet_hours(notice.updates[0].id) == utc(2026, 10, 25, 7, 0)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Message, text.id).next_attempt_at_utc == utc(2026, 10, 25, 7, 0)
    assert db.session.get(Message, email.id).next_attempt_at_utc == utc(2026, 10, 25, 0, 30)


@freeze_time("2026-10-25 00:30:00")
def test_apply_quiet_hours_leaves_a_severe_updates_texts_to_go_now(factories, make_message) -> None:
    notice = factories.NoticeFactory(impact=Impact.SEVERE)
    text = add_messages(notice, Channel.SMS, make_message)
    assert apply_quiet_hours(notice.updates[0].id) is None
    db.session.expire_all()
    assert db.session.get(Message, text.id).next_attempt_at_utc == utc(2026, 10, 25, 0, 30)
