"""The contact centre signs up a caller by phone, recording spoken consent, and starts a suspended
contact again; either way the caller must confirm before any alert goes."""

from __future__ import annotations

import re

from sqlalchemy import select

from alerts.data import subscribers as subscriber_data
from alerts.extensions import db
from alerts.models import AuditEvent, Channel, Message, MessageKind, Role, Subscriber, SubscriberStatus, utc_now
from tests.staff.conftest import post_form


def _subscriber(contact: str) -> Subscriber:
    db.session.expire_all()
    found = db.session.scalar(select(Subscriber).where(Subscriber.contact == contact))
    assert found is not None
    return found


def _confirmations(contact: str) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.recipient == contact,
                                                         Message.kind == MessageKind.CONFIRMATION)))


def test_a_caller_signed_up_by_phone_gets_the_confirmation_and_must_read_out_the_code(
        client_request, sign_in_as) -> None:
    agent = sign_in_as(Role.CONTACT_CENTRE)
    page = client_request.get("/staff/lookup/sign-up")
    assert "Dorset Council will send you alerts" in page.select("#consent-statement")[0].text

    post_form(client_request, "/staff/lookup/sign-up",
              {"mobile": "07700 900 123", "postcodes": "DT4 7TA", "services": ["schools"], "frequency": "each",
               "consent": "y", "consent_note": "Yes please"},
              token_from="/staff/lookup/sign-up")

    caller = _subscriber("+447700900123")
    assert caller.status == SubscriberStatus.PENDING, "nothing goes until the caller confirms"
    [confirmation] = _confirmations("+447700900123")
    assert caller.pending_request["consent_record"].startswith(f"Spoken consent by phone to {agent.email} at ")
    code = re.search(r"\b(\d{6})\b", confirmation.body).group(1)  # type: ignore[union-attr]

    post_form(client_request, f"/staff/lookup/subscribers/{caller.public_id}/confirm-code", {"code": "000000"})
    assert _subscriber("+447700900123").status == SubscriberStatus.PENDING
    post_form(client_request, f"/staff/lookup/subscribers/{caller.public_id}/confirm-code", {"code": code})

    caller = _subscriber("+447700900123")
    assert caller.status == SubscriberStatus.CONFIRMED and caller.consent_source == "contact-centre"
    assert caller.consent_record.endswith(": Yes please")
    assert [s.area_id for s in caller.subscriptions] == ["weymouth"]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(caller.id))).all()
    assert "subscriber.signed_up_by_phone" in actions


def test_no_sign_up_by_phone_without_the_callers_consent(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    answers = {"email": "caller@example.com", "postcodes": "DT4 7TA", "services": ["schools"], "frequency": "each"}
    page = post_form(client_request, "/staff/lookup/sign-up", answers, expected_status=400,
                     token_from="/staff/lookup/sign-up")
    assert page.error_summary() == ["Confirm that the caller agreed, or do not sign them up"]
    assert db.session.scalar(select(Subscriber)) is None


def test_the_contact_centre_starts_a_suspended_contact_again_once_the_resident_confirms(
        client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    resident = factories.SubscriberFactory(contact="bounced@example.com", status=SubscriberStatus.SUSPENDED,
                                           suspended_at_utc=utc_now(), permanent_failures=3)
    subscriber_data.add_areas(resident, [subscriber_data.AreaChoice("weymouth", "DT4 7TA")])
    db.session.commit()
    assert "Start alerts again" in client_request.get(f"/staff/lookup/subscribers/{resident.public_id}").text

    post_form(client_request, f"/staff/lookup/subscribers/{resident.public_id}/reactivate", {})

    assert _subscriber("bounced@example.com").status == SubscriberStatus.SUSPENDED, "not until they confirm"
    [confirmation] = _confirmations("bounced@example.com")
    link = re.search(r"http://localhost(/subscribe/confirm-email/\S+)", confirmation.body).group(1)  # type: ignore
    client_request.get(link)
    token = client_request.get(link).select("input[name=csrf_token]")[0]["value"]
    assert client_request.client.post(link, data={"csrf_token": token}).status_code == 302

    found = _subscriber("bounced@example.com")
    assert (found.status, found.permanent_failures) == (SubscriberStatus.CONFIRMED, 0)
    assert [s.area_id for s in found.subscriptions] == ["weymouth"]


def test_a_suspended_resident_who_signs_up_again_is_started_once_they_confirm(factories, app) -> None:
    from alerts.services import signups

    resident = factories.SubscriberFactory(channel=Channel.EMAIL, contact="again@example.com",
                                           status=SubscriberStatus.SUSPENDED)
    signups.start_sign_up(signups.SignUp(channel=Channel.EMAIL, contact="again@example.com",
                                         areas=[subscriber_data.AreaChoice("weymouth", "DT4 7TA")], service_ids=None,
                                         source="web"), ip="192.0.2.1", client="c")
    assert _subscriber("again@example.com").status == SubscriberStatus.SUSPENDED
    subscriber_data.confirm_subscriber(db.session.get(Subscriber, resident.id))
    db.session.commit()
    assert _subscriber("again@example.com").status == SubscriberStatus.CONFIRMED
