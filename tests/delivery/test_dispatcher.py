import datetime as dt
import json
import logging
import threading
import time

import pytest
import requests
import responses
from freezegun import freeze_time
from responses import matchers

from alerts.data import notice_lifecycle, operations
from alerts.delivery.allowance import LocalReserve
from alerts.delivery.dispatcher import Dispatcher
from alerts.delivery.sender import LatencyMeter, Outcome
from alerts.extensions import db
from alerts.models import ChannelHold, Message, MessageStatus, Notice, NoticeStatus, utc_now
from alerts.models.messages import PRIORITY_CONFIRMATION
from alerts.models.subscribers import Channel
from tests.delivery.conftest import (
    EMAIL_URL,
    LIST_URL,
    NOTIFY_ID,
    SMS_URL,
    accepted,
    notification,
    notify_error,
)


def run_batch(app, **options):
    dispatcher = Dispatcher(app, concurrency=options.pop("concurrency", 2), **options)
    try:
        return dispatcher.run_batch()
    finally:
        dispatcher.close()
        db.session.expire_all()


def reload(message_id: str) -> Message:
    db.session.expire_all()
    return db.session.get(Message, message_id)


def test_a_due_text_is_sent_with_its_id_as_reference_and_recorded_as_sent(app, notify_key, make_message) -> None:
    message = make_message()
    with responses.RequestsMock() as mock:
        mock.post(SMS_URL, status=201, json=accepted(message.id), match=[matchers.json_params_matcher({
            "phone_number": "+447700900982", "template_id": app.config["NOTIFY_SMS_TEMPLATE_ID"],
            "personalisation": {"body": "Bin collections are suspended."}, "reference": message.id})])
        report = run_batch(app)
    assert report.outcomes == {Outcome.SENT: 1}
    sent = reload(message.id)
    assert (sent.status, sent.notify_id, sent.attempts, sent.claimed_by) == (MessageStatus.SENT, NOTIFY_ID, 1, None)


def test_an_email_carries_its_subject_and_one_click_unsubscribe_url(app, notify_key, make_message) -> None:
    message = make_message(Channel.EMAIL, one_click_unsubscribe_url="https://alerts.example/unsubscribe/abc")
    with responses.RequestsMock() as mock:
        mock.post(EMAIL_URL, status=201, json=accepted(message.id), match=[matchers.json_params_matcher({
            "email_address": "resident@example.com", "template_id": app.config["NOTIFY_EMAIL_TEMPLATE_ID"],
            "personalisation": {"subject": "Disruption: bins in Weymouth", "body": "Bin collections are suspended."},
            "reference": message.id, "one_click_unsubscribe_url": "https://alerts.example/unsubscribe/abc"})])
        run_batch(app)
    assert reload(message.id).status == MessageStatus.SENT


def test_no_database_connection_is_held_while_notify_is_called(app, notify_key, make_message) -> None:
    message_id = make_message().id  # read here: the sending thread has no app context to load it in
    db.session.rollback()  # reading it opened a transaction: give the test's own connection back
    checked_out = []
    pool = db.engine.pool

    def answer(request):
        checked_out.append(pool.checkedout())
        return 201, {}, json.dumps(accepted(message_id))

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, SMS_URL, callback=answer)
        assert run_batch(app).outcomes == {Outcome.SENT: 1}
    assert checked_out == [0]


def test_confirmation_codes_are_claimed_before_alerts(app, notify_key, make_message) -> None:
    alert = make_message(next_attempt_at_utc=utc_now() - dt.timedelta(minutes=5))
    code = make_message(priority=PRIORITY_CONFIRMATION, body="Your code is 123456")
    with responses.RequestsMock() as mock:
        mock.post(SMS_URL, status=201, json=accepted(code.id))
        report = run_batch(app, batch_size=1)
    assert report.claimed == [code.id]
    assert reload(alert.id).status == MessageStatus.QUEUED


def test_a_message_not_yet_due_is_left_alone(app, notify_key, make_message) -> None:
    make_message(next_attempt_at_utc=utc_now() + dt.timedelta(hours=1))
    with responses.RequestsMock():
        assert run_batch(app).claimed == []


@pytest.mark.parametrize(("stub", "outcome_unknown"), [
    ({"status": 429, "json": notify_error(429, "RateLimitError",
                                         "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds")},
     False),
    ({"status": 500, "json": notify_error(500, "Exception", "Internal server error")}, True),
    ({"status": 502, "body": "Bad gateway"}, True),
    ({"status": 504, "json": notify_error(504, "EventletTimeout", "Timeout serving request")}, True),
    ({"body": requests.exceptions.ConnectTimeout("timed out")}, True),
    ({"body": requests.exceptions.ConnectionError("connection reset")}, True),
])
def test_retryable_errors_put_the_message_back_with_jittered_backoff_or_the_settle_time_when_it_may_have_arrived(
        app, notify_key, make_message, stub, outcome_unknown) -> None:
    message = make_message()
    with responses.RequestsMock() as mock:
        mock.post(SMS_URL, **stub)
        before = utc_now()
        assert run_batch(app).outcomes == {Outcome.RETRY: 1}
    retried = reload(message.id)
    assert retried.status == MessageStatus.QUEUED
    assert retried.attempts == 1
    if outcome_unknown:
        # Notify may still store it: nobody looks it up (let alone resends) before the settle time has passed.
        settle = dt.timedelta(seconds=app.config["NOTIFY_SETTLE_SECONDS"])
        assert before + settle - dt.timedelta(seconds=1) <= retried.next_attempt_at_utc <= utc_now() + settle
    else:
        assert before <= retried.next_attempt_at_utc <= utc_now() + dt.timedelta(seconds=2)  # first backoff: 0–2 s
    assert retried.outcome_unknown is outcome_unknown
    assert retried.last_error


def test_a_retryable_error_on_the_last_attempt_fails_the_message_with_the_reason(app, notify_key,
                                                                                make_message) -> None:
    message = make_message(attempts=app.config["NOTIFY_MAX_ATTEMPTS"] - 1)
    with responses.RequestsMock() as mock:
        mock.post(SMS_URL, status=429, json=notify_error(429, "RateLimitError", "Exceeded rate limit"))
        assert run_batch(app).outcomes == {Outcome.FAILED: 1}
    failed = reload(message.id)
    assert failed.status == MessageStatus.FAILED
    assert failed.last_error.startswith(f"Gave up after {app.config['NOTIFY_MAX_ATTEMPTS']} attempts: RateLimited")


@pytest.mark.parametrize(("status", "error", "text"), [
    (400, "BadRequestError", "Can't send to this recipient using a team-only API key"),
    (400, "ValidationError", "phone_number Not a UK mobile number"),
    (403, "BadRequestError", "Cannot send letters with a team api key"),
])
def test_a_bad_request_fails_at_once_with_notifys_message_and_is_not_retried(app, notify_key, make_message, status,
                                                                            error, text) -> None:
    message = make_message()
    with responses.RequestsMock() as mock:
        mock.post(SMS_URL, status=status, json=notify_error(status, error, text))
        assert run_batch(app).outcomes == {Outcome.FAILED: 1}
        assert len(mock.calls) == 1
    failed = reload(message.id)
    assert failed.status == MessageStatus.FAILED
    assert text in failed.last_error and error in failed.last_error


@freeze_time("2026-01-05 15:30:00")
def test_the_daily_limit_holds_every_text_until_after_midnight_utc_and_staff_can_see_why(
        app, notify_key, make_message, client) -> None:
    first, second = make_message(), make_message()
    email = make_message(Channel.EMAIL)
    with responses.RequestsMock() as mock:
        mock.post(SMS_URL, status=429, json=notify_error(429, "TooManyRequestsError",
                                                         "Exceeded send limits (sms: 250000) for today"))
        mock.post(EMAIL_URL, status=201, json=accepted(email.id))
        report = run_batch(app, concurrency=1)
        # The second text is not posted: the worker learnt of the hold from the first.
        assert len([call for call in mock.calls if call.request.url == SMS_URL]) == 1
    assert report.outcomes == {Outcome.HELD: 1, Outcome.RELEASED: 1, Outcome.SENT: 1}
    for message_id in (first.id, second.id):
        held = reload(message_id)
        assert (held.status, held.attempts) == (MessageStatus.QUEUED, 0)
    hold = db.session.get(ChannelHold, "sms")
    assert hold.held_until_utc == dt.datetime(2026, 1, 6, 0, 1, tzinfo=dt.UTC)
    with responses.RequestsMock():
        assert run_batch(app).claimed == [], "held texts are not claimed"
    outbox = client.get("/healthz").json["outbox"]
    assert outbox["held_channels"] == [{"channel": "sms", "until": "2026-01-06T00:01:00+00:00"}]
    assert hold.reason == "DailyLimitReached (429 TooManyRequestsError): Exceeded send limits (sms: 250000) for today"
    with freeze_time("2026-01-06 00:02:00"), responses.RequestsMock() as mock:
        mock.post(SMS_URL, status=201, json=accepted(first.id))
        assert sorted(run_batch(app).claimed) == sorted([first.id, second.id])


def test_a_refused_key_holds_everything_alerts_an_operator_and_clears_on_the_next_success(
        app, notify_key, make_message, client, caplog) -> None:
    message = make_message()
    with responses.RequestsMock() as mock, caplog.at_level(logging.ERROR):
        mock.post(SMS_URL, status=403, json=notify_error(403, "AuthError", "Invalid token: API key not found"))
        assert run_batch(app).outcomes == {Outcome.HELD: 1}
    assert "OPERATOR ACTION NEEDED" in caplog.text
    held = reload(message.id)
    assert (held.status, held.attempts) == (MessageStatus.QUEUED, 0)
    assert client.get("/healthz").json["outbox"]["auth_failure"] is True
    assert operations.outbox_summary()["auth_failure"]["detail"] == (
        "AuthFailure (403 AuthError): Invalid token: API key not found")
    with responses.RequestsMock():
        assert run_batch(app).claimed == []
    with freeze_time(utc_now() + dt.timedelta(minutes=6)), responses.RequestsMock() as mock:
        mock.post(SMS_URL, status=201, json=accepted(message.id))
        assert run_batch(app).outcomes == {Outcome.SENT: 1}
    assert client.get("/healthz").json["outbox"]["auth_failure"] is False


def test_an_ambiguous_send_found_by_reference_is_recorded_and_not_sent_again(app, notify_key, make_message) -> None:
    message = make_message(outcome_unknown=True, attempts=1)
    with responses.RequestsMock() as mock:
        mock.get(LIST_URL, match=[matchers.query_param_matcher({"reference": message.id})],
                 json={"notifications": [notification(message.id)], "links": {}})
        assert run_batch(app).outcomes == {Outcome.FOUND: 1}
        assert [call.request.method for call in mock.calls] == ["GET"]
    found = reload(message.id)
    assert (found.status, found.notify_id, found.outcome_unknown) == (MessageStatus.SENT, NOTIFY_ID, False)


def test_an_ambiguous_send_not_found_by_reference_twice_is_sent_exactly_once(app, notify_key, make_message) -> None:
    message = make_message(outcome_unknown=True, attempts=1)
    with responses.RequestsMock() as mock:
        mock.get(LIST_URL, match=[matchers.query_param_matcher({"reference": message.id})],
                 json={"notifications": [], "links": {}})
        mock.post(SMS_URL, status=201, json=accepted(message.id))
        assert run_batch(app).outcomes == {Outcome.SENT: 1}
        # Looked up, looked up again just before the resend, and only then sent.
        assert [call.request.method for call in mock.calls] == ["GET", "GET", "POST"]
    assert reload(message.id).status == MessageStatus.SENT


def test_a_timeout_then_a_retry_looks_the_message_up_before_posting_again(app, notify_key, make_message) -> None:
    message = make_message()
    with responses.RequestsMock() as mock:
        mock.post(SMS_URL, body=requests.exceptions.ReadTimeout("read timed out"))
        run_batch(app)
    db.session.get(Message, message.id).next_attempt_at_utc = utc_now()
    db.session.commit()
    with responses.RequestsMock() as mock:
        mock.get(LIST_URL, json={"notifications": [notification(message.id, status="delivered")], "links": {}})
        assert run_batch(app).outcomes == {Outcome.FOUND: 1}
    assert reload(message.id).status == MessageStatus.DELIVERED


def test_a_crashed_workers_expired_lease_comes_back_and_is_looked_up_first(app, notify_key, make_message) -> None:
    message = make_message(status=MessageStatus.SENDING, claimed_by="dead-host:1", attempts=1,
                           lease_expires_at_utc=utc_now() - dt.timedelta(seconds=1))
    live = make_message(status=MessageStatus.SENDING, claimed_by="live-host:2", attempts=1,
                        lease_expires_at_utc=utc_now() + dt.timedelta(minutes=1))
    with responses.RequestsMock() as mock:
        mock.get(LIST_URL, json={"notifications": [], "links": {}})
        mock.post(SMS_URL, status=201, json=accepted(message.id))
        assert run_batch(app).claimed == [message.id]
        assert [call.request.method for call in mock.calls] == ["GET", "GET", "POST"]
    assert reload(message.id).attempts == 2
    assert reload(live.id).status == MessageStatus.SENDING


def test_a_failed_lookup_keeps_the_message_queued_with_its_outcome_still_unknown(app, notify_key,
                                                                                make_message) -> None:
    message = make_message(outcome_unknown=True, attempts=1)
    with responses.RequestsMock() as mock:
        mock.get(LIST_URL, status=503, body="unavailable")
        assert run_batch(app).outcomes == {Outcome.RETRY: 1}
        assert len(mock.calls) == 1
    retried = reload(message.id)
    assert (retried.status, retried.outcome_unknown) == (MessageStatus.QUEUED, True)


def test_on_shutdown_claimed_messages_not_yet_posted_go_back_to_the_queue(app, notify_key, make_message) -> None:
    message = make_message()
    dispatcher = Dispatcher(app, concurrency=1)
    dispatcher.stop()
    try:
        with responses.RequestsMock():
            assert dispatcher.run_batch().claimed == []  # a stopped dispatcher claims nothing new
            dispatcher.stop_event.clear()
            dispatcher.sender.stop.set()
            from alerts.data import outbox_claims

            with app.app_context():
                claimed = outbox_claims.claim_due_messages("w", 10, dt.timedelta(minutes=5))
            assert dispatcher.sender.send(claimed[0], post_deadline=float("inf")) == Outcome.RELEASED
    finally:
        dispatcher.close()
    released = reload(message.id)
    assert (released.status, released.attempts, released.outcome_unknown) == (MessageStatus.QUEUED, 0, False)


def test_without_a_key_messages_are_recorded_as_not_sent(app, make_message) -> None:
    message = make_message()
    with responses.RequestsMock():
        assert run_batch(app).outcomes == {Outcome.NOT_SENT: 1}
    assert reload(message.id).status == MessageStatus.NOT_SENT


def test_dispatch_once_sends_everything_due(app, runner, notify_key, make_message) -> None:
    messages = [make_message() for _ in range(5)]
    with responses.RequestsMock() as mock:
        mock.post(SMS_URL, status=201, json=accepted("x"))
        result = runner.invoke(args=["dispatch", "--once"])
    assert result.exit_code == 0, result.output
    assert "Dispatched 5 messages." in result.output
    assert {reload(message.id).status for message in messages} == {MessageStatus.SENT}


def test_a_running_dispatcher_sends_a_new_publish_within_two_seconds(app, notify_key, factories) -> None:
    # An email, so quiet hours cannot hold it whatever the time of day the test runs.
    factories.SubscriberFactory(channel=Channel.EMAIL, contact="resident@example.com")
    notice_id = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[]).id
    posted: list[tuple[float, str]] = []

    def answer(request):
        reference = json.loads(request.body)["reference"]
        posted.append((time.monotonic(), reference))
        return 201, {}, json.dumps(accepted(reference))

    dispatcher = Dispatcher(app, concurrency=2)
    loop = threading.Thread(target=dispatcher.run_forever)
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, EMAIL_URL, callback=answer)
        loop.start()
        try:
            time.sleep(0.7)  # the loop has found nothing and is between polls, as it is most of the time
            status = notice_lifecycle.request_publication(db.session.get(Notice, notice_id), by_user_id=None,
                                                          threshold=10)
            db.session.commit()
            published = time.monotonic()
            assert status == NoticeStatus.ACTIVE
            while not posted and time.monotonic() - published < 5:
                time.sleep(0.02)
        finally:
            dispatcher.stop()
            loop.join(timeout=10)
    assert posted, "nothing was sent"
    assert posted[0][0] - published < 2.0
    sent = reload(posted[0][1])
    assert (sent.notice_id, sent.status) == (notice_id, MessageStatus.SENT)


def test_an_email_whose_unsubscribe_link_is_not_https_goes_without_notifys_one_click_header(app, notify_key,
                                                                                          make_message) -> None:
    # Notify answers 400 "one_click_unsubscribe_url is not a valid https url": the whole email would fail.
    message = make_message(Channel.EMAIL, one_click_unsubscribe_url="http://127.0.0.1:5000/unsubscribe/abc")
    with responses.RequestsMock() as mock:
        mock.post(EMAIL_URL, status=201, json=accepted(message.id), match=[matchers.json_params_matcher({
            "email_address": "resident@example.com", "template_id": app.config["NOTIFY_EMAIL_TEMPLATE_ID"],
            "personalisation": {"subject": "Disruption: bins in Weymouth", "body": "Bin collections are suspended."},
            "reference": message.id})])
        assert run_batch(app).outcomes == {Outcome.SENT: 1}


def test_recording_a_send_never_puts_back_a_receipt_that_arrived_first(app, make_message) -> None:
    from alerts.data import notify_statuses, outbox_claims

    message = make_message(status=MessageStatus.SENDING, attempts=1)
    receipt = notify_statuses.apply_notify_status(reference=message.id, notify_id=NOTIFY_ID, status="delivered",
                                                  completed_at=utc_now())
    assert receipt.changed
    outbox_claims.record_sent(message.id, NOTIFY_ID, local_outbox=False)
    recorded = reload(message.id)
    assert (recorded.status, recorded.notify_status, recorded.notify_id) == (MessageStatus.DELIVERED, "delivered",
                                                                             NOTIFY_ID)
    assert (recorded.claimed_by, recorded.lease_expires_at_utc, recorded.outcome_unknown) == (None, None, False)


def test_a_worker_that_lost_its_lease_cannot_record_over_the_newer_claim(app, make_message) -> None:
    from alerts.data import outbox_claims

    message = make_message()
    [first] = outbox_claims.claim_due_messages("slow-worker", 1, dt.timedelta(minutes=5))
    # Its lease runs out (by the database's clock) and another worker claims the message again.
    db.session.get(Message, message.id).lease_expires_at_utc = utc_now() - dt.timedelta(seconds=1)
    db.session.commit()
    [second] = outbox_claims.claim_due_messages("new-worker", 1, dt.timedelta(minutes=5))
    assert second.claim_token != first.claim_token and second.outcome_unknown
    assert not outbox_claims.record_sent(message.id, "late-notify-id", local_outbox=False,
                                         claim_token=first.claim_token)
    outbox_claims.record_retry(message.id, "late", after=dt.timedelta(0), outcome_unknown=False,
                               claim_token=first.claim_token)
    outbox_claims.record_failed(message.id, "late", claim_token=first.claim_token)
    outbox_claims.record_sent_many([(message.id, "late-notify-id", False, first.claim_token)])
    current = reload(message.id)
    assert (current.status, current.claimed_by, current.notify_id) == (MessageStatus.SENDING, "new-worker", None)
    assert outbox_claims.record_sent(message.id, NOTIFY_ID, local_outbox=False, claim_token=second.claim_token)
    assert (reload(message.id).status, reload(message.id).notify_id) == (MessageStatus.SENT, NOTIFY_ID)


def test_no_post_starts_once_the_lease_is_too_short(app, notify_key, make_message) -> None:
    from alerts.data import outbox_claims

    message = make_message()
    dispatcher = Dispatcher(app, concurrency=1)
    try:
        [claimed] = outbox_claims.claim_due_messages("w", 1, dt.timedelta(minutes=5))
        with responses.RequestsMock() as mock:
            assert dispatcher.sender.send(claimed, post_deadline=time.monotonic() - 1) == Outcome.RELEASED
            assert not mock.calls
    finally:
        dispatcher.close()
    assert (reload(message.id).status, reload(message.id).attempts) == (MessageStatus.QUEUED, 0)


def test_the_pipeline_keeps_the_allowance_times_the_measured_latency_in_flight_up_to_the_cap(app, notify_key) -> None:
    app.config["NOTIFY_RATE_LIMIT_PER_MINUTE"] = 6000  # 100 a second
    try:
        dispatcher = Dispatcher(app, concurrency=64)
        try:
            dispatcher.sender.latency = LatencyMeter(initial=0.15)
            assert dispatcher.target_in_flight() == 31  # 100/s × 0.15 s × 2 headroom, plus one
            for _ in range(500):
                dispatcher.sender.latency.add(2.0)
            assert dispatcher.target_in_flight() == 64
        finally:
            dispatcher.close()
    finally:
        app.config["NOTIFY_RATE_LIMIT_PER_MINUTE"] = 600_000


@pytest.mark.parametrize(("per_minute", "latency", "claim"), [
    (2900, 0.15, 13),  # a quarter of a second of the allowance
    (5800, 0.15, 25),
    (5800, 0.001, 2),  # never more than the sends in flight (Notify answering at once)
    (6_000_000, 0.15, 64),  # never more than the sends in flight, however large the allowance
])
def test_a_claim_takes_about_a_quarter_second_of_the_allowance_never_more_than_the_sends_in_flight(
        app, notify_key, per_minute, latency, claim) -> None:
    app.config["NOTIFY_RATE_LIMIT_PER_MINUTE"] = per_minute
    try:
        dispatcher = Dispatcher(app, concurrency=64)
        try:
            dispatcher.sender.latency = LatencyMeter(initial=latency)
            assert dispatcher.claim_size(dispatcher.target_in_flight()) == claim
        finally:
            dispatcher.close()
    finally:
        app.config["NOTIFY_RATE_LIMIT_PER_MINUTE"] = 600_000


@pytest.mark.parametrize(("per_minute", "concurrency", "batch"), [
    (2900, 64, 8),  # Notify's allowance: half the threads, up to 8, as before
    (5800, 64, 8),
    (30_000, 64, 25),  # 50 ms of a larger allowance
    (6_000_000, 64, 64),  # never more than the threads
    (6_000_000, 4, 4),
    (60, 16, 1),  # never more than the bucket holds (one second's worth)
])
def test_a_worker_takes_tokens_from_the_shared_bucket_in_batches_that_grow_with_the_allowance(
        app, notify_key, per_minute, concurrency, batch) -> None:
    app.config["NOTIFY_RATE_LIMIT_PER_MINUTE"] = per_minute
    try:
        dispatcher = Dispatcher(app, concurrency=concurrency)
        try:
            assert isinstance(dispatcher.sender.allowance, LocalReserve)
            assert dispatcher.sender.allowance._batch == batch
        finally:
            dispatcher.close()
    finally:
        app.config["NOTIFY_RATE_LIMIT_PER_MINUTE"] = 600_000


def test_recording_sends_in_a_batch_never_puts_back_a_receipt_that_arrived_first(app, make_message) -> None:
    from alerts.data import notify_statuses, outbox_claims

    early = make_message(status=MessageStatus.SENDING, attempts=1, claim_token="token-1")
    waiting = make_message(status=MessageStatus.SENDING, attempts=1, claim_token="token-2")
    notify_statuses.apply_notify_status(reference=early.id, notify_id=NOTIFY_ID, status="delivered",
                                        completed_at=utc_now())
    outbox_claims.record_sent_many([(early.id, NOTIFY_ID, False, "token-1"),
                                    (waiting.id, "other-id", False, "token-2")])
    assert (reload(early.id).status, reload(early.id).notify_id) == (MessageStatus.DELIVERED, NOTIFY_ID)
    assert (reload(waiting.id).status, reload(waiting.id).notify_id) == (MessageStatus.SENT, "other-id")
    assert reload(waiting.id).sent_at_utc is not None and reload(early.id).claimed_by is None


def test_one_slow_send_does_not_hold_back_the_sends_claimed_after_it(app, notify_key, make_message) -> None:
    """No batch barrier: while one POST hangs, the pipeline keeps claiming and sending the rest."""
    slow = make_message(body="Slow", priority=PRIORITY_CONFIRMATION).id
    others = [make_message(body=f"Alert {n}").id for n in range(30)]
    release = threading.Event()
    posted: list[str] = []

    def notify(request):
        reference = json.loads(request.body)["reference"]
        if reference == slow:
            release.wait(10)
        posted.append(reference)
        return 201, {}, json.dumps(accepted(reference))

    dispatcher = Dispatcher(app, concurrency=4, batch_size=4)
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, SMS_URL, callback=notify)
        runner = threading.Thread(target=dispatcher.run_forever, kwargs={"poll_seconds": 0.05})
        runner.start()
        try:
            deadline = time.monotonic() + 10
            while len(posted) < len(others) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert sorted(posted) == sorted(others), "the rest went while one hung"
        finally:
            release.set()
            dispatcher.stop()
            runner.join(timeout=10)
    assert {reload(message_id).status for message_id in [slow, *others]} == {MessageStatus.SENT}


def test_a_busy_pipeline_claims_a_newly_queued_confirmation_ahead_of_the_alerts_already_queued(
        app, notify_key, make_message) -> None:
    alerts = [make_message(body=f"Alert {n}").id for n in range(100)]
    posted: list[str] = []
    confirmation_id: list[str] = []

    def notify(request):
        reference = json.loads(request.body)["reference"]
        posted.append(reference)
        if len(posted) == 20:
            # A resident asks for a code while the fan-out is going out.
            with app.app_context():
                confirmation_id.append(make_message(body="Your code is 123456", priority=PRIORITY_CONFIRMATION).id)
        time.sleep(0.005)
        return 201, {}, json.dumps(accepted(reference))

    dispatcher = Dispatcher(app, concurrency=4)
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, SMS_URL, callback=notify)
        runner = threading.Thread(target=dispatcher.run_forever, kwargs={"poll_seconds": 0.05})
        runner.start()
        try:
            deadline = time.monotonic() + 20
            while len(posted) < len(alerts) + 1 and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            dispatcher.stop()
            runner.join(timeout=10)
    assert confirmation_id and confirmation_id[0] in posted
    # Claimed with the next claim, not after the 80 alerts still queued: behind at most the sends in flight and one
    # claim's worth ready to start (no more than the sends in flight), with a claim's worth of slack for timing.
    assert posted.index(confirmation_id[0]) < 20 + 3 * dispatcher.concurrency


def test_a_claim_hands_back_its_messages_most_urgent_first_then_longest_due(app, make_message) -> None:
    """RETURNING keeps no order (PostgreSQL's follows the heap), so the claim puts them in order itself: the pipeline
    starts them as listed."""
    from alerts.data import outbox_claims

    now = utc_now()
    later = make_message(body="Due a minute ago", next_attempt_at_utc=now - dt.timedelta(minutes=1)).id
    earlier = make_message(body="Due an hour ago", next_attempt_at_utc=now - dt.timedelta(hours=1)).id
    code = make_message(body="Your code is 123456", priority=PRIORITY_CONFIRMATION, next_attempt_at_utc=now).id
    claimed = outbox_claims.claim_due_messages("w", 10, dt.timedelta(minutes=5))
    assert [message.id for message in claimed] == [code, earlier, later]
