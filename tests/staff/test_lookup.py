from sqlalchemy import select

from alerts.extensions import db
from alerts.models import (
    AuditEvent,
    Channel,
    Message,
    MessageKind,
    MessageStatus,
    Role,
    Subscriber,
    SubscriberStatus,
)
from alerts.models.messages import PRIORITY_CONFIRMATION
from tests.staff.conftest import post_form


def audit_actions() -> list[tuple[str, str | None]]:
    return list(db.session.execute(
        select(AuditEvent.action, AuditEvent.target_id).where(AuditEvent.action.like("subscriber.%"))
        .order_by(AuditEvent.id)).tuples())


def test_a_postcode_shows_the_residents_answer_with_internal_notes(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    factories.NoticeFactory(title="Weymouth bins", area_ids=["weymouth"], internal_notes="Depot: ext 4411")
    factories.NoticeFactory(title="Gritting everywhere", area_ids=["whole-county"])
    factories.NoticeFactory(title="Sherborne school", area_ids=["sherborne"])
    page = client_request.get("/staff/lookup?postcode=dt4+7ta")
    assert page.soup.select_one("#postcode-result").get_text(" ", strip=True) == "DT4 7TA – Weymouth: 2 live notices"
    titles = [h.get_text(strip=True) for h in page.select(".govuk-summary-card__title")]
    assert sorted(titles) == ["Gritting everywhere", "Weymouth bins"]
    assert "Notes for staff: Depot: ext 4411" in page.text


def test_a_bad_postcode_is_an_error_on_the_field(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    page = client_request.get("/staff/lookup?postcode=nonsense", expected_status=400)
    assert len(page.error_summary()) == 1


def find_caller(client_request, contact: str, expected_status: int = 200):
    return client_request.post_form("/staff/lookup", {"contact": contact}, expected_status)


def test_the_search_box_keeps_what_the_agent_typed(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    page = find_caller(client_request, "07700 900 982")
    assert page.soup.select_one("#contact")["value"] == "07700 900 982"


def test_a_mobile_number_in_any_format_finds_the_subscriber_and_the_search_is_audited(
        client_request, sign_in_as, factories) -> None:
    agent = sign_in_as(Role.CONTACT_CENTRE)
    subscriber = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900982")
    for typed in ("07700 900 982", "+44 7700 900982", "(07700) 900-982"):
        page = find_caller(client_request, typed)
        assert page.soup.select_one("#subscriber-result a")["href"] == (
            f"/staff/lookup/subscribers/{subscriber.public_id}")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subscriber.searched"))
    assert (event.staff_user_id, event.target_id, event.ip_address) == (agent.id, str(subscriber.id), "127.0.0.1")
    page = find_caller(client_request, "Someone@Example.com")
    assert page.soup.select_one("#subscriber-result").get_text(strip=True).startswith("No one has signed up")
    assert find_caller(client_request, "not a number", 400).error_summary() == [
        "Enter a UK mobile number, like 07700 900 982"]


def test_viewing_a_subscriber_shows_messages_and_is_audited(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    subscriber = factories.SubscriberFactory(contact="resident@example.com")
    db.session.add(Message(kind=MessageKind.ALERT, channel=Channel.EMAIL, subscriber_id=subscriber.id,
                           recipient="resident@example.com", subject="Disruption: bins", body="...",
                           status=MessageStatus.NOT_SENT))
    db.session.commit()
    page = client_request.get(f"/staff/lookup/subscribers/{subscriber.public_id}")
    assert page.h1 == "resident@example.com"
    assert "Disruption: bins" in page.text and "Not sent — no Notify API key" in page.text
    assert audit_actions() == [("subscriber.viewed", str(subscriber.id))]


def test_resending_a_confirmation_queues_it_at_top_priority_for_the_dispatcher(client_request, sign_in_as,
                                                                             factories) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    subscriber = factories.SubscriberFactory(contact="new@example.com", pending=True)
    page = client_request.get(f"/staff/lookup/subscribers/{subscriber.public_id}")
    assert page.select("form[action$='/resend-confirmation'] button")[0].get_text(strip=True) == "Resend confirmation"
    post_form(client_request, f"/staff/lookup/subscribers/{subscriber.public_id}/resend-confirmation", {})
    message = db.session.scalar(select(Message).where(Message.subscriber_id == subscriber.id))
    assert message.kind == MessageKind.CONFIRMATION and message.status == MessageStatus.QUEUED
    assert message.priority == PRIORITY_CONFIRMATION, "nothing in a web request waits on Notify"
    assert "http://localhost/subscribe/confirm-email/" in message.body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subscriber.confirmation_resent"))
    assert (event.target_id, event.details) == (str(subscriber.id), {"message_id": message.id})

    texter = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900123", pending=True)
    post_form(client_request, f"/staff/lookup/subscribers/{texter.public_id}/resend-confirmation", {})
    text = db.session.scalar(select(Message).where(Message.subscriber_id == texter.id))
    assert text.body.startswith("Your Dorset Council alerts confirmation code is ")
    db.session.expire_all()
    assert db.session.get(Subscriber, texter.id).code_hash is not None


def test_a_confirmed_subscriber_is_not_sent_a_confirmation(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    subscriber = factories.SubscriberFactory(contact="done@example.com")
    assert not client_request.get(f"/staff/lookup/subscribers/{subscriber.public_id}").select(
        "form[action$='/resend-confirmation']")
    response = post_form(client_request, f"/staff/lookup/subscribers/{subscriber.public_id}/resend-confirmation", {})
    page = client_request.get(response.headers["Location"])
    assert "They have no sign-up waiting to be confirmed" in page.text
    assert db.session.scalar(select(Message).where(Message.subscriber_id == subscriber.id)) is None
    assert ("subscriber.confirmation_resent", str(subscriber.id)) not in audit_actions()


def test_unsubscribing_records_the_reason_and_holds_back_queued_messages(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    subscriber = factories.SubscriberFactory(contact="leaving@example.com")
    db.session.add(Message(kind=MessageKind.ALERT, channel=Channel.EMAIL, subscriber_id=subscriber.id,
                           recipient="leaving@example.com", body="..."))
    db.session.commit()
    page = post_form(client_request, f"/staff/lookup/subscribers/{subscriber.public_id}/unsubscribe", {"reason": ""},
                     expected_status=400, token_from=f"/staff/lookup/subscribers/{subscriber.public_id}/unsubscribe")
    assert page.error_summary() == ["Enter the reason"]
    post_form(client_request, f"/staff/lookup/subscribers/{subscriber.public_id}/unsubscribe",
              {"reason": "Caller moved away"})
    db.session.expire_all()
    found = db.session.get(Subscriber, subscriber.id)
    assert found.status == SubscriberStatus.UNSUBSCRIBED and found.unsubscribe_reason == "Caller moved away"
    assert found.token_version == 2
    assert db.session.scalar(select(Message.status).where(Message.subscriber_id == subscriber.id)) == "failed"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subscriber.unsubscribed"))
    assert event.details["reason"] == "Caller moved away"
