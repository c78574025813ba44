"""`flask --app wsgi queue-digests`: the scheduler's daily digest job by hand, safe to run twice."""

from freezegun import freeze_time
from sqlalchemy import select

from alerts.data import fanouts, notice_lifecycle
from alerts.extensions import db
from alerts.models import Impact, Message, MessageKind


@freeze_time("2026-01-06 12:00:00")
def test_queue_digests_queues_todays_digests_now_and_never_a_second_one_the_same_day(runner, factories) -> None:
    reader = factories.SubscriberFactory(contact="daily@example.com", digest=True)
    factories.SubscriberFactory(contact="each@example.com")
    draft = notice_lifecycle.NoticeDraft(title="Bins a day late", service_id="bins-and-recycling",
                                         area_ids=["weymouth"], impact=Impact.MINOR, summary="A day late.")
    notice = notice_lifecycle.create_draft(draft, created_by_id=None)
    notice_lifecycle.request_publication(notice, by_user_id=None, threshold=10**9)
    db.session.commit()
    fanouts.expand_pending_fanouts()

    first = runner.invoke(args=["queue-digests"])
    again = runner.invoke(args=["queue-digests"])

    assert first.exit_code == 0, first.output
    assert first.stdout == ("Queued 1 daily digest for 6 January 2026; 0 other digest readers: nothing new, or "
                            "already queued today.\n")
    assert again.exit_code == 0, again.output
    assert again.stdout == ("Queued 0 daily digests for 6 January 2026; 1 other digest reader: nothing new, or "
                            "already queued today.\n")
    [digest] = db.session.scalars(select(Message).where(Message.kind == MessageKind.DIGEST)).all()
    assert (digest.subscriber_id, digest.recipient) == (reader.id, "daily@example.com")
    assert "Bins a day late" in digest.body
