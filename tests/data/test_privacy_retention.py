"""Retention leaves nothing that identifies or reaches a resident, and the privacy notice states exactly
the periods the code enforces."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from alerts.data import fanouts, notice_lifecycle
from alerts.data.retention import PrivacyPeriods, purge_personal_data, remove_personal_links, truncate_address
from alerts.extensions import db
from alerts.models import (
    AuditEvent,
    Channel,
    Message,
    MessageStatus,
    NoticeStatus,
    Subscriber,
    SubscriberStatus,
    utc_now,
)
from tests.pages import PageClient
from tests.subscribe.conftest import dispatch_queued, walk_journey


def ago(**kwargs: float) -> dt.datetime:
    return utc_now() - dt.timedelta(**kwargs)


def audit_event(ip: str, created: dt.datetime) -> int:
    event = AuditEvent(actor="agent@dorsetcouncil.gov.uk", action="subscriber.viewed", target_type="subscriber",
                       target_id="1", ip_address=ip, created_at_utc=created)
    db.session.add(event)
    db.session.commit()
    return event.id


UNUSUAL = {"UNCONFIRMED_SIGN_UP_HOURS": 5, "ENDED_CONTACT_DAYS": 11, "MESSAGE_RECIPIENT_DAYS": 3,
           "AUDIT_ADDRESS_TRUNCATE_DAYS": 13, "AUDIT_ADDRESS_DROP_DAYS": 17, "AUDIT_RECORD_DAYS": 19,
           "MANAGE_LINK_DAYS": 9, "UNSUBSCRIBE_LINK_DAYS": 45}


@pytest.fixture
def unusual_periods(app: Flask) -> Any:
    saved = {name: app.config[name] for name in UNUSUAL}
    app.config.update(UNUSUAL)
    yield PrivacyPeriods.from_config(app.config)
    app.config.update(saved)


def test_the_privacy_notice_states_the_periods_from_the_settings_the_code_enforces(client_request,
                                                                                  unusual_periods) -> None:
    page = client_request.get("/privacy")
    retention = " ".join(page.select("#retention-periods")[0].get_text(" ").split())
    links = " ".join(page.select("#link-periods")[0].get_text(" ").split())
    assert "delete your details after 5 hours" in retention
    assert "cannot receive messages, we delete your contact details and choices 11 days later" in retention
    assert "from our records of each message after 3 days" in retention
    assert "for 19 days" in retention and "network it belongs to after 13 days" in retention
    assert "remove it after 17 days" in retention
    assert "works for 9 days" in links and "unsubscribe works for 45 days" in links


def test_the_purge_enforces_exactly_the_periods_the_notice_states(factories, unusual_periods) -> None:
    periods = unusual_periods
    hours = periods.unconfirmed_sign_up_hours
    pending_old = factories.SubscriberFactory(pending=True, pending_since_utc=ago(hours=hours, minutes=1)).id
    pending_new = factories.SubscriberFactory(pending=True, pending_since_utc=ago(hours=hours, minutes=-1)).id
    ended_days = periods.ended_contact_days
    gone_old = factories.SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED,
                                           unsubscribed_at_utc=ago(days=ended_days, minutes=1)).id
    gone_new = factories.SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED,
                                           unsubscribed_at_utc=ago(days=ended_days, minutes=-1)).id
    suspended_old = factories.SubscriberFactory(status=SubscriberStatus.SUSPENDED,
                                                suspended_at_utc=ago(days=ended_days, minutes=1)).id
    suspended_new = factories.SubscriberFactory(status=SubscriberStatus.SUSPENDED,
                                                suspended_at_utc=ago(days=ended_days, minutes=-1)).id
    messages = {}
    for name, age in (("old", ago(days=periods.message_recipient_days, minutes=1)),
                      ("new", ago(days=periods.message_recipient_days, minutes=-1))):
        message = Message(kind="alert", channel=Channel.EMAIL, recipient="resident@example.com", body="x",
                          status=MessageStatus.DELIVERED, created_at_utc=age)
        db.session.add(message)
        db.session.commit()
        messages[name] = message.id
    truncate_old = audit_event("203.0.113.7", ago(days=periods.audit_address_truncate_days, minutes=1))
    truncate_new = audit_event("203.0.113.8", ago(days=periods.audit_address_truncate_days, minutes=-1))
    drop_old = audit_event("203.0.113.9", ago(days=periods.audit_address_drop_days, minutes=1))
    record_old = audit_event("203.0.113.10", ago(days=periods.audit_record_days, minutes=1))

    counts = purge_personal_data()

    assert (counts.unconfirmed_deleted, counts.unsubscribed_erased, counts.message_recipients_erased) == (1, 2, 1)
    assert db.session.get(Subscriber, pending_old) is None and db.session.get(Subscriber, pending_new) is not None
    contacts = {i: db.session.get(Subscriber, i).contact for i in (gone_old, gone_new, suspended_old, suspended_new)}
    assert contacts[gone_old] is None and contacts[suspended_old] is None, "the same clock for both"
    assert contacts[gone_new] is not None and contacts[suspended_new] is not None
    assert db.session.get(Message, messages["old"]).recipient is None
    assert db.session.get(Message, messages["new"]).recipient == "resident@example.com"
    assert db.session.get(AuditEvent, truncate_old).ip_address == "203.0.113.0/24"
    assert db.session.get(AuditEvent, truncate_new).ip_address == "203.0.113.8"
    assert db.session.get(AuditEvent, drop_old).ip_address is None
    assert db.session.get(AuditEvent, record_old) is None


def test_audit_addresses_are_cut_to_their_network() -> None:
    assert truncate_address("198.51.100.23") == "198.51.100.0/24"
    assert truncate_address("2001:db8:abcd:12:1:2:3:4") == "2001:db8:abcd::/48"
    assert truncate_address("not an address") is None


def test_message_rows_lose_personal_links_and_subscriber_ids_once_their_notice_is_over(factories) -> None:
    subscriber = factories.SubscriberFactory(contact="resident@example.com")
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[])
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    fanouts.expand_pending_fanouts()
    message = db.session.scalar(select(Message))
    message.created_at_utc, message.status = ago(days=8), MessageStatus.DELIVERED
    db.session.commit()
    message_id, subscriber_id, notice_id = message.id, subscriber.id, notice.id

    purge_personal_data()
    kept = db.session.get(Message, message_id)
    assert kept.recipient is None and kept.one_click_unsubscribe_url is None
    assert "/manage/" not in kept.body and "/unsubscribe/" not in kept.body and "[link removed]" in kept.body
    assert kept.subscriber_id == subscriber_id, "kept while the notice is active: its end is texted to those told"

    db.session.get(type(notice), notice_id).status = NoticeStatus.RESOLVED
    db.session.commit()
    purge_personal_data()
    assert db.session.get(Message, message_id).subscriber_id is None


def test_personal_links_are_removed_and_public_ones_kept() -> None:
    body = ("Read more: https://alerts.example/notices/12\n"
            "Stop alerts: https://alerts.example/manage/AAAA.bbbb-_ Unsubscribe: https://alerts.example/unsubscribe/x.y\n"
            "Text: https://alerts.example/s/abc123")
    assert remove_personal_links(body) == ("Read more: https://alerts.example/notices/12\n"
                                           "Stop alerts: [link removed] Unsubscribe: [link removed]\n"
                                           "Text: [link removed]")


def _everything_stored() -> list[tuple[str, str, str]]:
    """Every value of every column of every table, as text: (table, column, value)."""
    db.session.expire_all()
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if value is not None:
                    found.append((table.name, column, str(value)))
    return found


@pytest.fixture
def quick_journeys(app: Flask) -> Any:
    saved = app.config["SIGNUP_MIN_FILL_SECONDS"]
    app.config["SIGNUP_MIN_FILL_SECONDS"] = 0
    yield
    app.config["SIGNUP_MIN_FILL_SECONDS"] = saved


def test_retention_leaves_nothing_that_identifies_or_reaches_a_resident(app, client, client_request, factories,
                                                                        quick_journeys) -> None:
    # A resident signs up by text and confirms; another by email and confirms; a third never confirms.
    walk_journey(client_request, contact="07700 900111")
    dispatch_queued(app)
    code = re.search(r"\b(\d{6})\b", db.session.scalar(select(Message.body).where(
        Message.recipient == "+447700900111")))[1]
    client_request.post_form("/subscribe/confirm", {"code": code}, 302)
    emailer = PageClient(app.test_client())
    walk_journey(emailer, channel="email", contact="resident@example.com")
    dispatch_queued(app)
    link = re.search(r"http://localhost(/\S+)", db.session.scalar(select(Message.body).where(
        Message.recipient == "resident@example.com")))[1]
    emailer.post_form(link, {}, 302)
    walk_journey(PageClient(app.test_client()), channel="email", contact="never@example.com")
    # Both ask for their manage page, are sent alerts, and a contact centre agent looks one of them up.
    client_request.post_form("/manage", {"contact": "07700 900111", "website": ""}, 302)
    emailer.post_form("/manage", {"contact": "resident@example.com", "website": ""}, 302)
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[])
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    fanouts.expand_pending_fanouts()
    dispatch_queued(app)
    texter = db.session.scalar(select(Subscriber).where(Subscriber.contact == "+447700900111"))
    texter_id = texter.id
    audit_event("203.0.113.77", utc_now())
    audit_event("2001:db8:abcd:12::77", utc_now())
    assert db.session.scalar(select(Message.id).where(Message.one_click_unsubscribe_url.is_not(None))) is not None
    tokens = [match for body in db.session.scalars(select(Message.body))
              for match in re.findall(r"/(?:manage|unsubscribe|subscribe/confirm-email)/([A-Za-z0-9_.=-]+)", body)]
    assert len(tokens) >= 5
    # The texter unsubscribes; Notify reports the email address can no longer receive messages; the notice ends.
    assert client.post(f"/unsubscribe/{_unsubscribe_token(texter_id)}").status_code == 200
    emailed = db.session.scalar(select(Subscriber).where(Subscriber.contact == "resident@example.com"))
    emailed.status, emailed.suspended_at_utc = SubscriberStatus.SUSPENDED, utc_now()
    db.session.get(type(notice), notice.id).status = NoticeStatus.RESOLVED
    db.session.commit()

    # Every period has passed.
    purge_personal_data(now=utc_now() + dt.timedelta(days=800))

    stored = _everything_stored()
    needles = ["7700900111", "900111", "resident@example.com", "never@example.com", "resident@", "203.0.113.77",
               "2001:db8:abcd:12::77", "/manage/", "/unsubscribe/", "/s/", "confirm-email", *tokens]
    leaks = [(table, column, value) for table, column, value in stored
             for needle in needles if needle in value]
    assert leaks == []
    subscriber_refs = [(table, column, value) for table, column, value in stored
                       if column == "subscriber_id" and table == "messages"]
    assert subscriber_refs == [], "message rows no longer say whose they were"
    assert db.session.query(Message).count() >= 6, "the rows (and so the counts) are kept"


def _unsubscribe_token(subscriber_id: int) -> str:
    from alerts import links

    subscriber = db.session.get(Subscriber, subscriber_id)
    return links.make_token(links.UNSUBSCRIBE, subscriber_id, subscriber.token_version)
