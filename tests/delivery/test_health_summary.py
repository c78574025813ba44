"""/healthz reads the backlog the scheduler counted every few seconds: in constant time, however long the queue."""

import datetime as dt

from alerts.data import operations
from alerts.extensions import db
from alerts.models import utc_now


def _queue_texts(make_message, count: int, *, minutes_ago: int = 0) -> None:
    for _ in range(count):
        make_message(created_at_utc=utc_now() - dt.timedelta(minutes=minutes_ago))


def test_healthz_reads_the_schedulers_count_and_never_counts_the_backlog_itself(client, make_message) -> None:
    _queue_texts(make_message, 3, minutes_ago=2)
    operations.record_outbox_summary("worker-7.internal:4242")
    db.session.commit()
    _queue_texts(make_message, 5)  # queued since the count: shown at the next count, not by a request

    outbox = client.get("/healthz").json["outbox"]

    assert (outbox["backlog"], outbox["counted"], outbox["counted_seconds_ago"]) == (3, "ok", 0)
    assert 120 <= outbox["oldest_queued_seconds"] <= 125
    assert "worker-7" not in client.get("/healthz").get_data(as_text=True)


def test_healthz_ages_the_oldest_queued_message_between_counts(client, make_message) -> None:
    _queue_texts(make_message, 1, minutes_ago=1)
    operations.record_outbox_summary("host:1")
    db.session.execute(db.text("UPDATE heartbeats SET beat_at_utc = :then WHERE name = 'outbox-summary'"),
                       {"then": utc_now() - dt.timedelta(seconds=30)})
    db.session.commit()

    outbox = client.get("/healthz").json["outbox"]

    assert (outbox["counted"], 30 <= outbox["counted_seconds_ago"] <= 32) == ("ok", True)
    assert 60 <= outbox["oldest_queued_seconds"] <= 65, "the age is counted to now, not to the count"


def test_healthz_says_when_the_count_is_stale_and_how_old_it_is_but_stays_up(client, make_message) -> None:
    _queue_texts(make_message, 2)
    operations.record_outbox_summary("host:1")
    db.session.execute(db.text("UPDATE heartbeats SET beat_at_utc = :then WHERE name = 'outbox-summary'"),
                       {"then": utc_now() - dt.timedelta(minutes=5)})
    db.session.commit()

    response = client.get("/healthz")

    assert response.status_code == 200, "a stopped scheduler is no reason to take a web instance out of service"
    outbox = response.json["outbox"]
    assert (outbox["backlog"], outbox["counted"]) == (2, "stale")
    assert 300 <= outbox["counted_seconds_ago"] <= 302


def test_the_scheduler_counts_the_backlog_every_few_seconds(app) -> None:
    from alerts.jobs.scheduler import jobs_for

    jobs = {job.id: job for job in jobs_for(app, "host:1")}
    assert jobs["outbox-summary"].trigger == "interval"
    assert jobs["outbox-summary"].options == {"seconds": operations.OUTBOX_SUMMARY_SECONDS}
    jobs["dispatch"].stop()  # type: ignore[misc]
    jobs["outbox-summary"].func()
    assert operations.get_heartbeat(operations.OUTBOX_SUMMARY) is not None
