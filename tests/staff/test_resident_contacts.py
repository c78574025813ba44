"""The contact centre still acts on one contact at a time, and says what carries on: the caller page shows the same
person's other contacts, and stopping or erasing one names the other. Subject access names them by reference."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from alerts.data.retention import purge_personal_data
from alerts.data.subscribers import AreaChoice
from alerts.extensions import db
from alerts.models import Channel, Resident, Role, Subscriber, SubscriberStatus, utc_now
from alerts.services import signups
from alerts.services.signups import SignUp
from tests.staff.conftest import post_form


@pytest.fixture
def pair() -> tuple[Subscriber, Subscriber]:
    area = [AreaChoice("weymouth", "DT4 7TA")]
    recorded = signups.record_sign_ups([
        SignUp(channel=Channel.EMAIL, contact="caller@example.com", areas=area, service_ids=None, source="web"),
        SignUp(channel=Channel.SMS, contact="+447700900888", areas=area, service_ids=None, source="web")])
    for subscriber in recorded:
        signups.apply_confirmation(subscriber)
    db.session.commit()
    return recorded[0], recorded[1]


def test_the_caller_page_shows_the_same_persons_other_contact(client_request, sign_in_as, pair) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    email, text = pair
    page = client_request.get(f"/staff/lookup/subscribers/{text.public_id}")
    other = page.select("#other-contacts a")
    assert [a.get_text(strip=True) for a in other] == ["Email to caller@example.com"]
    assert other[0]["href"] == f"/staff/lookup/subscribers/{email.public_id}"


def test_unsubscribing_one_contact_by_phone_says_the_other_carries_on(client_request, sign_in_as, pair) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    email, text = pair
    base = f"/staff/lookup/subscribers/{text.public_id}"
    post_form(client_request, f"{base}/unsubscribe", {"reason": "Caller wants email only"},
              token_from=f"{base}/unsubscribe")
    page = client_request.get(base)
    assert ("They have been unsubscribed from alerts by text message. Their alerts by email to caller@example.com "
            "carry on") in page.text
    db.session.refresh(email)
    assert email.status == SubscriberStatus.CONFIRMED
    # The stopped contact's page still shows the contact that carries on.
    assert "Email to caller@example.com" in page.select("#other-contacts")[0].text


def test_erasing_one_contact_names_the_other_and_drops_the_link(client_request, sign_in_as, pair) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    email, text = pair
    base = f"/staff/lookup/subscribers/{email.public_id}"
    exported = json.loads(client_request.client.post(f"{base}/export", data={
        "csrf_token": client_request.csrf_token(f"{base}/export"), "reason": "SAR-1", "format": "json"}).get_data())
    assert exported["subscriber"]["other_contacts_of_this_person"] == [{"reference": text.public_id,
                                                                         "channel": "sms"}]
    post_form(client_request, f"{base}/erase", {"reason": "Caller asked"}, token_from=f"{base}/erase")
    page = client_request.get(base)
    assert "Their alerts by text messages to +447700900888 carry on" in page.text
    db.session.expire_all()
    erased = db.session.get(Subscriber, email.id)
    assert erased is not None and erased.resident_id is None and erased.contact is None
    assert db.session.get(Subscriber, text.id).status == SubscriberStatus.CONFIRMED  # type: ignore[union-attr]


def test_retention_drops_a_resident_no_contact_is_linked_to(pair) -> None:
    email, _text = pair
    resident_id = email.resident_id
    orphan = Resident(created_at_utc=utc_now() - dt.timedelta(days=3))
    db.session.add(orphan)
    db.session.commit()
    orphan_id = orphan.id
    purge_personal_data()
    db.session.commit()
    kept = set(db.session.scalars(select(Resident.id)))
    assert resident_id in kept and orphan_id not in kept
