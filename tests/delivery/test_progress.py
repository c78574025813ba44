import datetime as dt

from alerts.data import channel_holds, delivery_reports, notify_statuses, operations
from alerts.extensions import db
from alerts.jobs.scheduler import jobs_for
from alerts.models import Channel, MessageStatus, utc_now


def test_delivery_progress_counts_each_status_and_groups_failures_by_reason(factories, make_message) -> None:
    notice = factories.NoticeFactory()
    other = factories.NoticeFactory()
    for status in (MessageStatus.QUEUED, MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.SENT,
                   MessageStatus.DELIVERED, MessageStatus.DELIVERED):
        make_message(notice_id=notice.id, status=status)
    make_message(notice_id=notice.id, status=MessageStatus.FAILED, notify_status="permanent-failure",
                 last_error=notify_statuses.NOTIFY_FAILURE_REASONS["permanent-failure"])
    make_message(notice_id=notice.id, status=MessageStatus.FAILED,
                 last_error="InvalidRequest (400 ValidationError): phone_number Not a UK mobile number")
    make_message(notice_id=notice.id, status=MessageStatus.FAILED,
                 last_error="InvalidRequest (400 ValidationError): phone_number Not a UK mobile number")
    make_message(notice_id=other.id, status=MessageStatus.FAILED, last_error="elsewhere")
    channel_holds.hold_channel("sms", kind="daily_limit", reason="Exceeded send limits (sms: 250000) for today",
                               until=utc_now() + dt.timedelta(hours=3))

    progress = delivery_reports.delivery_progress(notice.id)

    assert {key: progress[key] for key in ("total", "queued", "sending", "sent", "delivered", "failed", "not_sent",
                                           "finished", "percent_finished")} == {
        "total": 9, "queued": 2, "sending": 1, "sent": 1, "delivered": 2, "failed": 3, "not_sent": 0,
        "finished": 6, "percent_finished": 66}
    assert progress["failures"] == [
        {"reason": "InvalidRequest (400 ValidationError): phone_number Not a UK mobile number", "count": 2},
        {"reason": notify_statuses.NOTIFY_FAILURE_REASONS["permanent-failure"], "count": 1},
    ]
    assert [hold["channel"] for hold in progress["held_channels"]] == ["sms"]


def test_a_notice_with_no_messages_is_complete(factories) -> None:
    progress = delivery_reports.delivery_progress(factories.NoticeFactory().id)
    assert (progress["total"], progress["percent_finished"], progress["failures"]) == (0, 100, [])


def test_healthz_shows_the_backlog_and_the_oldest_queued_age_the_scheduler_counted(client, make_message) -> None:
    make_message(created_at_utc=utc_now() - dt.timedelta(minutes=3))
    make_message(Channel.EMAIL)
    operations.record_outbox_summary("host:1")
    db.session.commit()
    outbox = client.get("/healthz").json["outbox"]
    assert outbox["backlog"] == 2
    assert 180 <= outbox["oldest_queued_seconds"] <= 185
    assert (outbox["counted"], outbox["counted_seconds_ago"]) == ("ok", 0)


def test_the_scheduler_runs_the_dispatcher_loop_and_the_reconcile_job(app) -> None:
    jobs = {job.id: job for job in jobs_for(app, "host:1")}
    assert jobs["dispatch"].trigger == "date" and jobs["dispatch"].stop is not None
    assert jobs["reconcile-receipts"].options == {"minutes": 10}
    jobs["dispatch"].stop()
