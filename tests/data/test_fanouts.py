from sqlalchemy import func, select

from alerts.data import fanouts, publishing
from alerts.extensions import db
from alerts.models import Fanout, FanoutStatus, Message, NoticeStatus


def test_a_fan_out_expands_in_batches_and_running_it_again_creates_nothing(factories) -> None:
    for n in range(7):
        factories.SubscriberFactory(contact=f"r{n}@example.com")
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[])
    publishing.publish_now(notice, None)
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
    publishing.publish_now(notice, None)
    db.session.commit()
    fanouts.expand_pending_fanouts()
    by_subscriber = {m.subscriber_id: m for m in db.session.scalars(select(Message))}
    assert by_subscriber[first.id].one_click_unsubscribe_url != by_subscriber[second.id].one_click_unsubscribe_url
    assert by_subscriber[first.id].one_click_unsubscribe_url in by_subscriber[first.id].body


def test_a_notice_without_alerts_records_no_fan_out(factories) -> None:
    factories.SubscriberFactory()
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], notify_subscribers=False)
    publishing.publish_now(notice, None)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Fanout)) == 0
