"""The subscriber page says what happened: texts held back because the resident stopped are not failures, and an
erased subscriber's page does not say they have had no messages."""

from alerts.data.subscribers import hold_back_queued_messages
from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, MessageStatus, Role


def test_a_text_held_back_after_stop_is_not_shown_as_failed(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    notice = factories.NoticeFactory()
    caller = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900456")
    db.session.add(Message(kind=MessageKind.ALERT, channel=Channel.SMS, notice_id=notice.id, subscriber_id=caller.id,
                           recipient=caller.contact, body="Bins not collected.", status=MessageStatus.QUEUED))
    hold_back_queued_messages(caller.id)
    db.session.commit()

    page = client_request.get(f"/staff/lookup/subscribers/{caller.public_id}")

    status = page.select("#messages td[data-label=Status]")[0].get_text(" ", strip=True)
    assert status == "Not sent — they stopped first"
    assert "Failed" not in page.select("#messages")[0].get_text()


def test_an_erased_subscribers_page_does_not_say_no_messages_yet(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    caller = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900457")
    base = f"/staff/lookup/subscribers/{caller.public_id}"
    client_request.post_form(f"{base}/erase", {"reason": "ER-1"}, 302)

    page = client_request.get(base)

    assert page.h1 == "Erased subscriber"
    assert "No messages yet." not in page.text
    assert "Their messages were erased with their data." in page.text


def test_the_subscriber_page_says_when_the_daily_email_comes(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    reader = factories.SubscriberFactory(contact="daily@example.com", digest=True)

    page = client_request.get(f"/staff/lookup/subscribers/{reader.public_id}")

    assert "One email a day at about 6pm (severe disruption at once)" in page.text
