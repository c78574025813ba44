import pytest
from sqlalchemy import func, select

from alerts import links
from alerts.data import fanouts, notice_lifecycle
from alerts.extensions import db
from alerts.models import Channel, Fanout, FanoutStatus, Message, NoticeStatus, SubscriberStatus


def test_a_fan_out_expands_in_batches_and_running_it_again_creates_nothing(factories) -> None:
    for n in range(7):
        factories.SubscriberFactory(contact=f"r{n}@example.com")
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[])
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    fanout = db.session.scalar(select(Fanout))

    assert [fanouts.expand_fanout(fanout.id, batch_size=3) for _ in range(4)] == [3, 3, 1, 0]
    assert fanout.status == FanoutStatus.DONE and fanout.messages_created == 7
    fanout.status, fanout.cursor = FanoutStatus.PENDING, 0  # as if a crash lost the cursor
    db.session.commit()
    fanouts.expand_fanout(fanout.id, batch_size=10)
    assert db.session.scalar(select(func.count()).select_from(Message)) == 7


def test_each_message_carries_its_own_subscribers_links(factories) -> None:
    first = factories.SubscriberFactory(contact="first@example.com")
    second = factories.SubscriberFactory(contact="second@example.com")
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[])
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    fanouts.expand_pending_fanouts()
    by_subscriber = {m.subscriber_id: m for m in db.session.scalars(select(Message))}
    assert by_subscriber[first.id].one_click_unsubscribe_url != by_subscriber[second.id].one_click_unsubscribe_url
    assert by_subscriber[first.id].one_click_unsubscribe_url in by_subscriber[first.id].body


def test_a_notice_without_alerts_records_no_fan_out(factories) -> None:
    factories.SubscriberFactory()
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], notify_subscribers=False)
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Fanout)) == 0


def test_a_new_fan_out_gets_a_small_first_batch_ahead_of_one_already_expanding(factories) -> None:
    for n in range(5):
        factories.SubscriberFactory(contact=f"r{n}@example.com")
    county_wide = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[])
    notice_lifecycle.publish_now(county_wide, None)
    db.session.commit()
    assert fanouts.expand_next_batch(first_batch_size=2, batch_size=2) == 2  # started: cursor moved on
    newcomer = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[])
    notice_lifecycle.publish_now(newcomer, None)
    db.session.commit()

    assert fanouts.expand_next_batch(first_batch_size=1, batch_size=2) == 1
    assert fanouts.message_counts_for_notice(newcomer.id) == {"email": 1}
    assert [fanouts.expand_next_batch(first_batch_size=1, batch_size=2) for _ in range(5)] == [2, 1, 2, 2, 0]
    assert fanouts.expand_next_batch() is None
    assert fanouts.message_counts_for_notice(county_wide.id) == fanouts.message_counts_for_notice(newcomer.id) == {
        "email": 5}


@pytest.mark.parametrize("status", [SubscriberStatus.PENDING, SubscriberStatus.SUSPENDED,
                                    SubscriberStatus.UNSUBSCRIBED])
def test_only_confirmed_subscribers_are_sent_alerts(factories, status) -> None:
    confirmed = factories.SubscriberFactory(contact="confirmed@example.com")
    factories.SubscriberFactory(contact="other@example.com", status=status, confirmed_at_utc=None)
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900123", status=status, confirmed_at_utc=None)
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[])
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    fanouts.expand_pending_fanouts()
    assert [message.subscriber_id for message in db.session.scalars(select(Message))] == [confirmed.id]


def test_an_alert_email_carries_notifys_one_click_unsubscribe_url_for_its_subscriber(factories) -> None:
    subscriber = factories.SubscriberFactory(contact="resident@example.com")
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[])
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    fanouts.expand_pending_fanouts()
    message = db.session.scalar(select(Message))
    # A fresh link in every message: the token carries its issue time, so read it back rather than remake it.
    token = message.one_click_unsubscribe_url.removeprefix(links.external_url("/unsubscribe/"))
    found = links.read_token(links.UNSUBSCRIBE, token)
    assert (found.subscriber_id, found.version) == (subscriber.id, subscriber.token_version)
