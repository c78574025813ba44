"""The contact centre signs a caller up by phone with everything a resident can choose online: several postcodes,
some or all services, a daily email, and both email and text. It goes through the sign-up the public pages use,
so each contact still confirms for itself."""

from __future__ import annotations

import re

from sqlalchemy import select

from alerts.extensions import db
from alerts.models import AuditEvent, Channel, Message, MessageKind, Role, Subscriber, SubscriberStatus
from tests.staff.conftest import post_form

PAGE = "/staff/lookup/sign-up"


def _subscriber(contact: str) -> Subscriber:
    db.session.expire_all()
    found = db.session.scalar(select(Subscriber).where(Subscriber.contact == contact))
    assert found is not None, f"no sign-up for {contact}"
    return found


def _confirmation(contact: str) -> Message:
    [message] = db.session.scalars(select(Message).where(Message.recipient == contact,
                                                         Message.kind == MessageKind.CONFIRMATION))
    return message


def _answers(**changes: object) -> dict:
    answers: dict = {"email": "", "mobile": "", "postcodes": "DT4 7TA", "services": ["bins-and-recycling"],
                     "frequency": "each", "consent": "y", "consent_note": ""}
    return {**answers, **changes}


def test_the_form_asks_for_both_contacts_several_postcodes_services_and_how_often(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    page = client_request.get(PAGE)
    assert page.soup.select_one("input#email") is not None and page.soup.select_one("input#mobile") is not None
    assert page.soup.select_one("textarea#postcodes") is not None
    services = page.soup.select("input[name=services]")
    assert len(services) == 10 and all(box.has_attr("checked") for box in services), "all services unless unticked"
    assert [r["value"] for r in page.soup.select("input[name=frequency]")] == ["each", "daily"]


def test_a_caller_signed_up_with_two_postcodes_some_services_a_daily_email_and_texts(
        client_request, sign_in_as) -> None:
    agent = sign_in_as(Role.CONTACT_CENTRE)
    response = post_form(client_request, PAGE, _answers(
        email="Caller@Example.com", mobile="07700 900 777", postcodes="DT1 1XJ\ndt4 7ta",
        services=["bins-and-recycling", "schools"], frequency="daily", consent_note="Yes please"), token_from=PAGE)

    email, text = _subscriber("caller@example.com"), _subscriber("+447700900777")
    assert response.headers["Location"] == f"/staff/lookup/subscribers/{text.public_id}", "the code is read out next"
    for pending in (email, text):
        assert pending.status == SubscriberStatus.PENDING, "nothing goes until each contact confirms"
        assert pending.pending_request["areas"] == [["dorchester", "DT1 1XJ"], ["weymouth", "DT4 7TA"]]
        assert pending.pending_request["services"] == ["bins-and-recycling", "schools"]
        assert pending.pending_request["source"] == "contact-centre"
        assert pending.pending_request["consent_record"].startswith(f"Spoken consent by phone to {agent.email} at ")
        assert pending.pending_request["consent_record"].endswith(": Yes please")
    assert email.pending_request["digest"] is True
    assert text.pending_request["digest"] is None, "the daily email is for email only"
    assert "/subscribe/confirm-email/" in _confirmation("caller@example.com").body
    assert re.search(r"\b\d{6}\b", _confirmation("+447700900777").body)
    audited = db.session.execute(select(AuditEvent.target_id, AuditEvent.details)
                                 .where(AuditEvent.action == "subscriber.signed_up_by_phone")).all()
    assert sorted((target, details["channel"]) for target, details in audited) == sorted(
        [(str(email.id), "email"), (str(text.id), "sms")])

    page = client_request.get(f"/staff/lookup/subscribers/{text.public_id}")
    assert "We have also emailed them a link" in page.text


def test_an_email_only_sign_up_goes_to_the_email_contacts_page(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    response = post_form(client_request, PAGE, _answers(email="only@example.com"), token_from=PAGE)
    assert response.headers["Location"] == f"/staff/lookup/subscribers/{_subscriber('only@example.com').public_id}"
    assert db.session.scalar(select(Subscriber).where(Subscriber.channel == Channel.SMS)) is None


def test_every_service_ticked_is_a_sign_up_for_all_services(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    page = client_request.get(PAGE)
    every = [box["value"] for box in page.soup.select("input[name=services]")]
    post_form(client_request, PAGE, _answers(mobile="07700900778", services=every), token_from=PAGE)
    assert _subscriber("+447700900778").pending_request["services"] is None, "new services are included too"


def test_each_wrong_answer_is_named_on_its_own_field(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    page = post_form(client_request, PAGE, {"postcodes": "", "frequency": "each"}, expected_status=400,
                     token_from=PAGE)
    assert page.error_summary() == [
        "Enter the caller's email address or mobile number",
        "Enter the caller's postcode",
        "Select at least one service",
        "Confirm that the caller agreed, or do not sign them up",
    ]
    links = [a["href"] for a in page.soup.select(".govuk-error-summary a")]
    assert links == ["#email", "#postcodes", "#services", "#consent"]
    assert db.session.scalar(select(Subscriber)) is None


def test_a_wrong_email_number_or_postcode_is_an_error_on_that_field(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    page = post_form(client_request, PAGE, _answers(email="not an address", mobile="01305 221000",
                                                    postcodes="DT1 1XJ, SW1A 1AA"),
                     expected_status=400, token_from=PAGE)
    summary = page.error_summary()
    assert summary[0] == "Enter an email address in the correct format, like name@example.com"
    assert summary[1] == "Enter a UK mobile number, like 07700 900 982"
    assert summary[2].startswith("SW1A 1AA is outside Dorset Council’s area")
    assert page.soup.select_one("textarea#postcodes").get_text() == "DT1 1XJ, SW1A 1AA", "what the agent typed stays"
    assert db.session.scalar(select(Subscriber)) is None


def test_a_daily_email_needs_an_email_address(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    page = post_form(client_request, PAGE, _answers(mobile="07700900779", frequency="daily"),
                     expected_status=400, token_from=PAGE)
    assert page.error_summary() == ["Enter the caller's email address for one email a day, or choose an email for "
                                    "each alert"]
    assert db.session.scalar(select(Subscriber)) is None


def test_a_pending_sign_up_shows_the_areas_and_services_the_agent_typed(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    post_form(client_request, PAGE, _answers(mobile="07700900780", postcodes="DT1 1XJ",
                                             services=["schools"]), token_from=PAGE)
    page = client_request.get(f"/staff/lookup/subscribers/{_subscriber('+447700900780').public_id}")
    rows = {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
            for row in page.soup.select(".govuk-summary-list__row")}
    assert rows["Areas"] == "Dorchester (DT1 1XJ), once they confirm"
    assert rows["Services"] == "Schools, once they confirm"


def test_resend_confirmation_sits_below_the_code_box(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    post_form(client_request, PAGE, _answers(mobile="07700900781"), token_from=PAGE)
    page = client_request.get(f"/staff/lookup/subscribers/{_subscriber('+447700900781').public_id}")
    html = str(page.soup)
    code_box, resend = html.index('id="code"'), html.index("Resend confirmation")
    assert code_box < resend, "another paid text must not be one slip above the box the agent types in"


def test_the_daily_email_choice_says_when_it_comes(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    page = client_request.get(PAGE)
    labels = [label.get_text(strip=True) for label in page.soup.select("label[for^=frequency]")]
    assert labels == ["An email for each alert", "One email a day at about 6pm, with severe disruption sent at once"]
