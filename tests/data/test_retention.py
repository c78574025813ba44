import datetime as dt
import time

from sqlalchemy import select

from alerts.data.retention import purge_personal_data
from alerts.extensions import db
from alerts.jobs.scheduler import jobs_for
from alerts.models import (
    Channel,
    Message,
    MessageKind,
    MessageStatus,
    SignInThrottle,
    Subscriber,
    SubscriberStatus,
    utc_now,
)


def ago(**kwargs: float) -> dt.datetime:
    return utc_now() - dt.timedelta(**kwargs)


def test_unconfirmed_sign_ups_are_deleted_after_24_hours(factories) -> None:
    old = factories.SubscriberFactory(status=SubscriberStatus.PENDING, pending_since_utc=ago(hours=25),
                                      pending_request={"areas": [], "services": None})
    recent = factories.SubscriberFactory(status=SubscriberStatus.PENDING, pending_since_utc=ago(hours=23))
    old_id, recent_id = old.id, recent.id
    assert purge_personal_data().unconfirmed_deleted == 1
    assert db.session.get(Subscriber, old_id) is None
    assert db.session.get(Subscriber, recent_id) is not None


def test_an_unconfirmed_request_from_a_confirmed_contact_is_dropped_after_24_hours(factories) -> None:
    subscriber = factories.SubscriberFactory(pending_since_utc=ago(hours=25), code_hash="x",
                                             pending_request={"areas": [["bridport", "DT6 3AA"]], "services": None})
    purge_personal_data()
    db.session.expire_all()
    assert subscriber.pending_request is None and subscriber.code_hash is None
    assert subscriber.status == SubscriberStatus.CONFIRMED and [s.area_id for s in subscriber.subscriptions] == [
        "weymouth"]


def test_unsubscribed_contacts_are_erased_after_28_days_and_the_purge_is_idempotent(factories) -> None:
    old = factories.SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at_utc=ago(days=29))
    recent = factories.SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at_utc=ago(days=27))
    assert purge_personal_data().unsubscribed_erased == 1
    assert purge_personal_data().unsubscribed_erased == 0
    db.session.expire_all()
    assert old.contact is None and old.subscriptions == [] and old.status == SubscriberStatus.UNSUBSCRIBED
    assert recent.contact is not None


def test_message_recipients_are_erased_after_7_days_and_the_rows_kept(factories) -> None:
    def message(age_days: float, status: MessageStatus, kind: MessageKind = MessageKind.ALERT) -> str:
        row = Message(kind=kind, channel=Channel.SMS, recipient="+447700900982", body="Code 123456",
                      status=status, created_at_utc=ago(days=age_days))
        db.session.add(row)
        db.session.commit()
        return row.id

    sent, code, fresh, queued = (message(8, MessageStatus.DELIVERED), message(8, MessageStatus.SENT,
                                 MessageKind.CONFIRMATION), message(6, MessageStatus.SENT),
                                 message(8, MessageStatus.QUEUED))
    assert purge_personal_data().message_recipients_erased == 2
    db.session.expire_all()
    assert db.session.get(Message, sent).recipient is None and db.session.get(Message, sent).body == "Code 123456"
    assert db.session.get(Message, code).body == "", "codes and personal links go too"
    assert db.session.get(Message, fresh).recipient == "+447700900982"
    assert db.session.get(Message, queued).recipient == "+447700900982"
    assert db.session.query(Message).count() == 4


def test_the_purge_runs_from_the_command_line(runner, factories) -> None:
    factories.SubscriberFactory(status=SubscriberStatus.PENDING, pending_since_utc=ago(days=2))
    result = runner.invoke(args=["purge-personal-data"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 unconfirmed sign-ups" in result.output


def test_the_scheduler_purges_personal_data_every_night(app) -> None:
    [job] = [job for job in jobs_for(app, "test") if job.id == "purge-personal-data"]
    assert job.trigger == "cron" and job.options == {"hour": 3, "minute": 15}
    job.func()  # runs in its own app context, safely with nothing to purge


def test_staff_sign_in_counts_are_deleted_once_a_quiet_hour_has_forgotten_them() -> None:
    now = time.time()
    db.session.add_all([
        SignInThrottle(key="password|typed@example.com|203.0.113.1", attempts=3, last_attempt_epoch=now - 3700,
                       retry_after_epoch=0.0),
        SignInThrottle(key="address|203.0.113.1", attempts=3, last_attempt_epoch=now - 3700, retry_after_epoch=0.0),
        SignInThrottle(key="password|recent@example.com|203.0.113.2", attempts=1, last_attempt_epoch=now - 60,
                       retry_after_epoch=0.0),
    ])
    db.session.commit()
    assert purge_personal_data().sign_in_counts_deleted == 2
    db.session.commit()
    assert list(db.session.scalars(select(SignInThrottle.key))) == ["password|recent@example.com|203.0.113.2"]
