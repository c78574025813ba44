import csv
import datetime as dt
import io

from sqlalchemy import func, select

from alerts.data import subject_access
from alerts.data.audit import record_audit_event
from alerts.data.delivery_reports import delivery_progress, recent_delivery_summaries
from alerts.data.retention import purge_personal_data
from alerts.extensions import db
from alerts.links import manage_url
from alerts.models import (
    Channel,
    Message,
    MessageKind,
    MessageStatus,
    Service,
    Subscriber,
    SubscriberStatus,
    Subscription,
    utc_now,
)
from alerts.models.subscribers import subscriber_services


def _resident(factories) -> Subscriber:
    resident = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900456", consent_source="web",
                                           area_ids=["weymouth", "portland"], all_services=False)
    resident.subscriptions[0].postcode = "DT4 7TA"
    resident.services = [db.session.get(Service, "schools")]
    db.session.commit()
    return resident


def _alert(notice_id: int, subscriber: Subscriber | None, status: MessageStatus, recipient: str) -> Message:
    return Message(kind=MessageKind.ALERT, channel=Channel.SMS, notice_id=notice_id, status=status,
                   subscriber_id=subscriber.id if subscriber else None, recipient=recipient,
                   body=f"School closed. Stop alerts: {manage_url(subscriber.id if subscriber else 0, 1)}")


def test_an_export_holds_everything_about_the_contact_with_codes_and_links_masked(factories) -> None:
    resident = _resident(factories)
    other = factories.SubscriberFactory(contact="someone.else@example.com")
    notice = factories.NoticeFactory(title="School closed")
    db.session.add_all([
        _alert(notice.id, resident, MessageStatus.DELIVERED, resident.contact),
        Message(kind=MessageKind.MANAGE_LINK, channel=Channel.SMS, subscriber_id=resident.id,
                recipient=resident.contact, body="Your Dorset Council alerts security code is 570264.",
                status=MessageStatus.NOT_SENT),
        _alert(notice.id, other, MessageStatus.DELIVERED, other.contact),
    ])
    record_audit_event(actor="agent@dorsetcouncil.example", action="subscriber.viewed", target_type="subscriber",
                       target_id=resident.id, ip_address="10.0.0.9")
    record_audit_event(actor="agent@dorsetcouncil.example", action="subscriber.viewed", target_type="subscriber",
                       target_id=other.id)
    db.session.commit()

    export = subject_access.export_subscriber(resident)
    person = export["subscriber"]
    assert (person["reference"], person["channel"], person["contact"], person["status"]) == (
        resident.public_id, "sms", "+447700900456", "confirmed")
    assert person["consent_source"] == "web" and person["signed_up_at"].endswith("+00:00")
    assert person["services"] == ["Schools"]
    assert [(s["area"], s["postcode"]) for s in export["subscriptions"]] == [
        ("Portland", None), ("Weymouth", "DT4 7TA")]
    assert sorted(m["kind"] for m in export["messages"]) == ["alert", "manage_link"]
    bodies = " ".join(m["body"] for m in export["messages"])
    assert "570264" not in bodies and "/manage/" not in bodies and "•••• 64" in bodies
    assert {m["status"] for m in export["messages"]} == {"delivered", "not_sent"}
    assert [e["action"] for e in export["audit_events"]] == ["subscriber.viewed"]
    assert "10.0.0.9" not in str(export) and "someone.else" not in str(export)

    rows = list(csv.reader(io.StringIO(subject_access.export_csv(export))))
    assert rows[0] == ["section", "item", "field", "value"]
    assert ["subscriber", "1", "contact", "+447700900456"] in rows
    assert ["subscriptions", "2", "postcode", "DT4 7TA"] in rows
    assert ["audit_events", "1", "action", "subscriber.viewed"] in rows


def test_erasure_leaves_nothing_that_identifies_or_reaches_the_contact_and_keeps_every_count(factories) -> None:
    resident = _resident(factories)
    neighbour = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900457")
    notice = factories.NoticeFactory(title="School closed")
    db.session.add_all([
        _alert(notice.id, resident, MessageStatus.DELIVERED, resident.contact),
        _alert(notice.id, neighbour, MessageStatus.FAILED, neighbour.contact),
        Message(kind=MessageKind.ALERT, channel=Channel.SMS, notice_id=notice.id, subscriber_id=resident.id,
                recipient=resident.contact, body="queued", status=MessageStatus.QUEUED),
        Message(kind=MessageKind.CONFIRMATION, channel=Channel.SMS, subscriber_id=resident.id,
                recipient=resident.contact, body="code is 482913", status=MessageStatus.NOT_SENT),
    ])
    db.session.commit()
    messages_before = db.session.scalar(select(func.count()).select_from(Message))

    erased = subject_access.erase_subscriber(resident)
    db.session.commit()
    db.session.expire_all()

    assert erased.messages_kept == 3 and erased.held_back == 1
    found = db.session.get(Subscriber, resident.id)
    assert found.contact is None and found.status == SubscriberStatus.UNSUBSCRIBED and found.token_version > 1
    assert found.pending_request is None and found.code_hash is None and found.unsubscribe_reason is None
    assert db.session.scalar(select(func.count()).select_from(Subscription)
                             .where(Subscription.subscriber_id == resident.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(subscriber_services)
                             .where(subscriber_services.c.subscriber_id == resident.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(Message)) == messages_before
    assert db.session.scalar(select(func.count()).select_from(Message).where(Message.subscriber_id == resident.id)) == 0
    for message in db.session.scalars(select(Message).where(Message.recipient.is_(None))):
        assert message.body == "" and message.one_click_unsubscribe_url is None
    assert db.session.scalar(select(Message.recipient).where(Message.subscriber_id == neighbour.id)) == \
        "+447700900457", "only the erased contact's messages change"
    progress = delivery_progress(notice.id)
    assert (progress["total"], progress["delivered"], progress["failed"]) == (3, 1, 2)
    assert recent_delivery_summaries()[0]["total"] == 3

    export = subject_access.export_subscriber(found)
    assert export["subscriber"]["contact"] is None and export["messages"] == [] and export["subscriptions"] == []
    assert purge_personal_data().unsubscribed_erased == 0, "retention has nothing left to erase"


def test_a_sign_up_waiting_to_be_confirmed_is_exported_as_the_resident_asked_for_it(factories) -> None:
    waiting = factories.SubscriberFactory(contact="waiting@example.com", pending=True)
    export = subject_access.export_subscriber(waiting)
    assert export["subscriber"]["waiting_to_be_confirmed"] == {
        "postcodes": ["DT4 7TA"], "areas": ["weymouth"], "services": "all", "source": "web"}
    assert export["subscriptions"] == []


def test_free_text_that_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(factories) -> None:
    resident = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900456",
                                           status=SubscriberStatus.UNSUBSCRIBED, unsubscribe_reason="=HYPERLINK(1)")
    rows = list(csv.reader(io.StringIO(subject_access.export_csv(subject_access.export_subscriber(resident)))))
    assert ["subscriber", "1", "unsubscribe_reason", "'=HYPERLINK(1)"] in rows
    assert ["subscriber", "1", "contact", "+447700900456"] in rows


def test_the_retention_purge_erases_an_old_unsubscribed_contact_the_same_way(factories) -> None:
    gone = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900458",
                                       status=SubscriberStatus.UNSUBSCRIBED,
                                       unsubscribed_at_utc=utc_now() - dt.timedelta(days=29))
    notice = factories.NoticeFactory()
    db.session.add(_alert(notice.id, gone, MessageStatus.DELIVERED, gone.contact))
    db.session.commit()
    assert purge_personal_data().unsubscribed_erased == 1
    db.session.expire_all()
    kept = db.session.scalar(select(Message).where(Message.notice_id == notice.id))
    assert (kept.subscriber_id, kept.recipient, kept.body, kept.status) == (None, None, "", MessageStatus.DELIVERED)
