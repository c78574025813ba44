"""Same answer. Every endpoint that takes a contact answers alike whether the contact gets alerts, is signing up
or is unknown, so nobody can find out whether a neighbour's number is subscribed. The same time follows from the
same database work (tests/subscribe/test_same_work.py); bench/enumeration.py measures it."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from alerts.extensions import db
from alerts.models import Channel, Message, Subscriber, SubscriberStatus
from tests.pages import PageClient
from tests.subscribe.conftest import walk_journey

CONFIRMED, PENDING, UNKNOWN = "+447700900111", "+447700900222", "+447700900333"
WRONG = "The code is not correct. Check the text message and try again"
LOCKED = ("You have entered the wrong code too many times, or it has been used. "
          "Ask for a new code, or try again later")
API_WRONG = "The code is not correct, or it has expired. Check the text message, or ask for a new code"


@pytest.fixture(autouse=True)
def one_address_for_every_client(config) -> None:
    """Every test client shares one IP address: its allowances are not what these tests are about."""
    config.update(SIGNUP_LIMITS_PER_IP="10000 per hour", SIGNUP_LIMITS_PER_CONTACT="10000 per hour",
                  SIGNUP_LIMITS_PER_NUMBER_PREFIX="10000 per hour", CODE_ATTEMPT_LIMITS_PER_IP="10000 per hour")


@pytest.fixture
def three_numbers(factories) -> None:
    """One number gets alerts, one is waiting to be confirmed (with a live code), one was never seen."""
    factories.SubscriberFactory(channel=Channel.SMS, contact=CONFIRMED)
    factories.SubscriberFactory(channel=Channel.SMS, contact=PENDING, pending=True)


def new_client(app: Flask) -> PageClient:
    return PageClient(app.test_client())


def wrong_code_for(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def local(number: str) -> str:
    return "0" + number.removeprefix("+44")


def subscriber_rows() -> list[tuple[Any, ...]]:
    db.session.expire_all()
    return [tuple(getattr(s, c.key) for c in Subscriber.__table__.columns)
            for s in db.session.scalars(select(Subscriber).order_by(Subscriber.id))]


def test_asking_for_a_manage_link_or_code_answers_alike_for_every_kind_of_contact(app, three_numbers,
                                                                                  factories) -> None:
    factories.SubscriberFactory(contact="gets@example.com")
    factories.SubscriberFactory(contact="waiting@example.com", pending=True)
    answers = []
    for contact in [*(local(n) for n in (CONFIRMED, PENDING, UNKNOWN)),
                    "gets@example.com", "waiting@example.com", "nobody@example.com"]:
        client = new_client(app)
        page = client.post_form("/manage", {"contact": contact, "website": ""}, 302)
        followed = client.get(page.response.location)
        answers.append((page.response.status_code, page.response.location, followed.h1,
                        followed.text.replace(contact[-3:], "")))
    assert len(set(answers[:3])) == 1, "texts: one answer"
    assert len(set(answers[3:])) == 1, "emails: one answer"


def guesses(client: PageClient, number: str, count: int) -> list[str]:
    client.post_form("/manage", {"contact": local(number), "website": ""}, 302)
    return [client.post_form("/manage/code", {"code": "000000"}).error_summary()[0] for _ in range(count)]


def test_wrong_security_codes_get_the_same_answers_for_every_kind_of_contact(app, three_numbers, notify) -> None:
    answers = {number: guesses(new_client(app), number, 6) for number in (CONFIRMED, PENDING, UNKNOWN)}
    assert answers[CONFIRMED] == answers[PENDING] == answers[UNKNOWN] == [WRONG] * 4 + [LOCKED] * 2


def test_another_clients_guesses_cannot_use_up_a_residents_code(app, three_numbers, notify) -> None:
    resident, prober = new_client(app), new_client(app)
    resident.post_form("/manage", {"contact": local(CONFIRMED), "website": ""}, 302)
    code = notify.last_code()
    assert guesses(prober, CONFIRMED, 6) == [WRONG] * 4 + [LOCKED] * 2
    assert len(notify.texts()) == 1, "the resident's live code was not replaced by the prober's request"
    page = resident.post_form("/manage/code", {"code": code}, 302)
    assert page.response.location.startswith("/manage/")


def test_a_guess_against_an_unknown_or_pending_contact_touches_nothing(app, three_numbers, notify) -> None:
    before = subscriber_rows()
    guesses(new_client(app), UNKNOWN, 3)
    guesses(new_client(app), PENDING, 3)
    assert subscriber_rows() == before
    assert db.session.query(Message).count() == 0, "nothing is sent to a contact without alerts"


def test_guesses_count_per_contact_across_clients_alike_for_known_and_unknown(app, three_numbers, notify,
                                                                             config) -> None:
    config["CODE_ATTEMPT_LIMITS_PER_CONTACT"] = "3 per hour"
    for number in (CONFIRMED, UNKNOWN):
        answers = [guesses(new_client(app), number, 1)[0] for _ in range(4)]
        assert answers == [WRONG] * 3 + [LOCKED], number


def test_the_api_confirm_answers_alike_for_pending_confirmed_and_unknown_numbers(client, three_numbers) -> None:
    answers = {}
    for number in (CONFIRMED, PENDING, UNKNOWN):
        responses = [client.post("/api/v1/subscriptions/confirm", json={"contact": local(number), "code": "000000"})
                     for _ in range(6)]
        answers[number] = [(r.status_code, r.json["errors"]["code"]) for r in responses]
    assert answers[CONFIRMED] == answers[PENDING] == answers[UNKNOWN] == [(422, API_WRONG)] * 4 + [(422, LOCKED)] * 2
    db.session.expire_all()
    pending = db.session.scalar(select(Subscriber).where(Subscriber.contact == PENDING))
    assert pending.status == SubscriberStatus.PENDING and pending.code_attempts == 0, (
        "an API caller that did not ask for the code cannot use up its tries")


def test_signing_up_answers_alike_for_a_subscriber_and_a_new_contact(app, client, three_numbers, notify) -> None:
    pages = []
    for number in (CONFIRMED, UNKNOWN):
        page_client = new_client(app)
        page = walk_journey(page_client, contact=local(number))
        followed = page_client.get(page.response.location)
        pages.append((page.response.location, followed.h1, followed.text.replace(number[-3:], "")))
    assert pages[0] == pages[1]
    bodies = [client.post("/api/v1/subscriptions", json={"channel": "email", "contact": contact,
                                                         "postcode": "DT4 7TA"})
              for contact in ("gets@example.com", "nobody@example.com")]
    subscriber_answer, stranger_answer = [(r.status_code, r.json) for r in bodies]
    assert subscriber_answer == stranger_answer

