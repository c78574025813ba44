"""One email a day instead of each alert, chosen in the sign-up journey; severe notices still go at once.
The digest is an outbox message like any other, and a unique row per subscriber and day keeps it to one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from alerts.data import fanouts, notice_lifecycle
from alerts.data.subscribers import AreaChoice, add_areas
from alerts.extensions import db
from alerts.models import Channel, DigestSend, Impact, Message, MessageKind, Subscriber, SubscriberStatus, utc_now
from alerts.services.daily_digests import queue_daily_digests
from tests.subscribe.conftest import walk_journey


def _publish(title: str, impact: Impact) -> int:
    draft = notice_lifecycle.NoticeDraft(title=title, service_id="bins-and-recycling", area_ids=["weymouth"],
                                         impact=impact, summary=f"{title}: details.", advice="")
    notice = notice_lifecycle.create_draft(draft, created_by_id=None)
    db.session.commit()
    notice_lifecycle.request_publication(notice, by_user_id=None, threshold=10**9)
    db.session.commit()
    fanouts.expand_pending_fanouts()
    return notice.id


def _messages(contact: str, kind: MessageKind) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.recipient == contact, Message.kind == kind)))


def test_a_digest_subscriber_gets_one_email_with_the_days_notices_and_a_severe_notice_at_once(factories) -> None:
    reader = factories.SubscriberFactory(contact="daily@example.com", digest=True)
    factories.SubscriberFactory(contact="each@example.com")
    for subscriber in db.session.scalars(select(Subscriber)).all():
        add_areas(subscriber, [AreaChoice("weymouth", "DT4 7TA")])
    db.session.commit()

    _publish("Bins a day late", Impact.MINOR)
    _publish("Garden waste paused", Impact.MAJOR)
    _publish("All collections suspended", Impact.SEVERE)

    [at_once] = _messages("daily@example.com", MessageKind.ALERT)
    assert "All collections suspended" in at_once.subject
    assert len(_messages("each@example.com", MessageKind.ALERT)) == 3

    first, again = queue_daily_digests(), queue_daily_digests()

    assert (first.sent, again.sent) == (1, 0)
    [digest] = _messages("daily@example.com", MessageKind.DIGEST)
    assert "Bins a day late" in digest.body and "Garden waste paused" in digest.body
    assert "All collections suspended" not in digest.body, "it went at once"
    assert digest.subject.endswith(": 2 notices") and digest.one_click_unsubscribe_url
    assert digest.subscriber_id == reader.id
    assert not _messages("each@example.com", MessageKind.DIGEST)


def test_a_second_digest_for_the_same_subscriber_and_day_is_refused_by_the_database(factories) -> None:
    reader = factories.SubscriberFactory(digest=True)
    today = utc_now().date()
    db.session.add(DigestSend(subscriber_id=reader.id, day=today, notices=1))
    db.session.commit()
    db.session.add(DigestSend(subscriber_id=reader.id, day=today, notices=1))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(DigestSend(subscriber_id=reader.id, day=today + dt.timedelta(days=1), notices=1))
    db.session.commit()


def test_the_sign_up_journey_offers_one_email_a_day_at_the_time_it_goes(client_request, app) -> None:
    client_request.get("/subscribe")
    client_request.post_form("/subscribe", {"postcode": "DT4 7TA"}, 302)
    page = client_request.get("/subscribe/how")
    assert "By email, once a day" in page.text and "One email at 6pm with that day’s notices" in page.text

    walk_journey(client_request, channel="email_digest", contact="daily@example.com")
    [confirmation] = db.session.scalars(select(Message).where(Message.kind == MessageKind.CONFIRMATION)).all()
    link = re.search(r"/subscribe/confirm-email/\S+", confirmation.body).group(0)  # type: ignore[union-attr]
    client_request.post_form(link, {}, 302)

    found = db.session.scalar(select(Subscriber).where(Subscriber.contact == "daily@example.com"))
    db.session.refresh(found)
    assert (found.status, found.channel, found.digest) == (SubscriberStatus.CONFIRMED, Channel.EMAIL, True)


def test_an_email_subscriber_switches_to_one_email_a_day_on_the_manage_page_without_confirming_again(
        client_request, factories) -> None:
    from alerts import links

    resident = factories.SubscriberFactory(contact="switch@example.com")
    token = links.make_token(links.MANAGE, resident.id, resident.token_version)
    page = client_request.get(f"/manage/{token}/channel")
    assert page.select("input[name=channel][value=email][checked]")
    client_request.post_form(f"/manage/{token}/channel", {"channel": "email_digest"}, 302)
    db.session.expire_all()
    assert db.session.get(Subscriber, resident.id).digest is True
    assert "once a day" in client_request.get(f"/manage/{token}").text
    assert not db.session.scalars(select(Message)).all(), "the same address: nothing to confirm"
