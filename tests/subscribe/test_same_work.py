"""Same database work for a known and an unknown contact. Time follows work: a request that writes and commits for a
subscriber but not for a stranger takes measurably longer (a commit that writes waits for the disk), so the work
itself is compared here, statement by statement; bench/enumeration.py measures the times on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import event, select

from alerts.extensions import db
from alerts.models import Channel, ManageRequest, Message, MessageKind
from alerts.services import signups
from tests.pages import PageClient

KNOWN_EMAIL, UNKNOWN_EMAIL = "resident@example.com", "stranger@example.com"
KNOWN_NUMBER, UNKNOWN_NUMBER = "+447700900111", "+447700900333"


@pytest.fixture(autouse=True)
def generous_limits(config) -> None:
    config.update(SIGNUP_LIMITS_PER_IP="10000 per hour", SIGNUP_LIMITS_PER_CONTACT="10000 per hour",
                  SIGNUP_LIMITS_PER_NUMBER_PREFIX="10000 per hour", CODE_ATTEMPT_LIMITS_PER_IP="10000 per hour")


@pytest.fixture
def known(factories) -> None:
    factories.SubscriberFactory(channel=Channel.EMAIL, contact=KNOWN_EMAIL)
    factories.SubscriberFactory(channel=Channel.SMS, contact=KNOWN_NUMBER)


def _shape(statement: str) -> str:
    """A statement without its values: what work it is, not for whom."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "N", statement)).strip()


@contextmanager
def recorded_work() -> Iterator[list[str]]:
    """Every statement and commit the app sends to the database meanwhile."""
    work: list[str] = []

    def statement(_conn, _cursor, text, _params, _context, _many) -> None:
        work.append(_shape(text))

    def commit(_conn) -> None:
        work.append("COMMIT")

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "commit", commit)
    try:
        yield work
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(db.engine, "commit", commit)


def writes(work: list[str]) -> list[str]:
    """The writes and commits, by kind: an UPDATE of one row is the same work whichever table it is in."""
    return [step.split(" ")[0] for step in work if step.split(" ")[0] in ("INSERT", "UPDATE", "DELETE", "COMMIT")]


def work_of(request: Callable[[], object]) -> list[str]:
    db.session.remove()
    with recorded_work() as work:
        request()
    return work


def test_asking_for_a_manage_link_does_the_same_database_work_for_a_subscriber_and_a_stranger(
        app: Flask, known: None) -> None:
    def ask(contact: str) -> Callable[[], object]:
        return lambda: PageClient(app.test_client()).post_form("/manage", {"contact": contact, "website": ""}, 302)

    for_subscriber, for_stranger = work_of(ask(KNOWN_EMAIL)), work_of(ask(UNKNOWN_EMAIL))

    assert for_subscriber == for_stranger
    assert "COMMIT" in for_subscriber, "the request is recorded"
    assert db.session.scalar(select(Message.id)) is None, "the page queues nothing: the scheduler answers it"


def test_asking_for_a_security_code_does_the_same_database_work_for_a_subscriber_and_a_stranger(
        app: Flask, known: None) -> None:
    def ask(contact: str) -> Callable[[], object]:
        return lambda: PageClient(app.test_client()).post_form("/manage", {"contact": contact, "website": ""}, 302)

    assert work_of(ask(KNOWN_NUMBER)) == work_of(ask(UNKNOWN_NUMBER))


def _asked_for_a_code(app: Flask, number: str) -> PageClient:
    resident = PageClient(app.test_client())
    resident.post_form("/manage", {"contact": number, "website": ""}, 302)
    with app.app_context():
        signups.send_requested_manage_access()
    return resident


def test_a_wrong_security_code_does_the_same_writes_for_a_subscriber_and_a_stranger(app: Flask, known: None) -> None:
    subscriber, stranger = _asked_for_a_code(app, KNOWN_NUMBER), _asked_for_a_code(app, UNKNOWN_NUMBER)
    assert db.session.scalar(select(Message.recipient).where(Message.kind == MessageKind.MANAGE_LINK)) == KNOWN_NUMBER

    def guess(resident: PageClient) -> Callable[[], object]:
        return lambda: resident.post_form("/manage/code", {"code": "000000"}, 200)

    for_subscriber, for_stranger = work_of(guess(subscriber)), work_of(guess(stranger))

    assert for_subscriber == for_stranger
    assert "UPDATE" in writes(for_stranger), "a guess at a code never sent spends a try like one at a real code"


def test_a_security_code_takes_five_guesses_from_its_request_and_no_more(app: Flask, known: None, notify) -> None:
    resident = _asked_for_a_code(app, KNOWN_NUMBER)
    code = notify.last_code()
    for _ in range(5):
        resident.post_form("/manage/code", {"code": "000000" if code != "000000" else "111111"}, 200)
    page = resident.post_form("/manage/code", {"code": code}, 200)
    assert "You have entered the wrong code too many times" in page.text


def test_the_right_security_code_opens_the_manage_page(app: Flask, known: None, notify) -> None:
    resident = _asked_for_a_code(app, KNOWN_NUMBER)
    resident.post_form("/manage/code", {"code": "000000" if notify.last_code() != "000000" else "111111"}, 200)
    response = resident.client.post("/manage/code", data={"code": notify.last_code(),
                                                          "csrf_token": resident.csrf_token("/manage/code")})
    assert response.status_code == 302 and response.headers["Location"].startswith("/manage/")


def test_the_scheduler_sends_a_link_or_code_only_to_confirmed_contacts_and_forgets_every_contact(
        app: Flask, known: None, factories) -> None:
    factories.SubscriberFactory(channel=Channel.EMAIL, contact="waiting@example.com", pending=True)
    for contact in (KNOWN_EMAIL, UNKNOWN_EMAIL, "waiting@example.com", KNOWN_NUMBER, UNKNOWN_NUMBER):
        PageClient(app.test_client()).post_form("/manage", {"contact": contact, "website": ""}, 302)

    assert signups.send_requested_manage_access() == 2

    sent = set(db.session.scalars(select(Message.recipient).where(Message.kind == MessageKind.MANAGE_LINK)))
    assert sent == {KNOWN_EMAIL, KNOWN_NUMBER}
    assert list(db.session.scalars(select(ManageRequest.contact))) == [None] * 5
    assert signups.send_requested_manage_access() == 0, "each request is answered once"


def test_the_scheduler_answers_manage_requests_every_second(app: Flask) -> None:
    from alerts.jobs.scheduler import jobs_for

    jobs = {job.id: job for job in jobs_for(app, "host:1")}
    jobs["dispatch"].stop()  # type: ignore[misc]
    assert (jobs["answer-manage-requests"].trigger, jobs["answer-manage-requests"].options) == (
        "interval", {"seconds": 1})


def _selects(work: list[str]) -> int:
    return sum(step.startswith("SELECT") for step in work)


def test_signing_up_again_reads_no_more_than_a_first_sign_up(app: Flask, known: None, config) -> None:
    """Their areas and services are not loaded to record a request: the same reads, and one commit, either way."""
    config.update(SIGNUP_MIN_FILL_SECONDS=0)

    def sign_up(contact: str) -> Callable[[], object]:
        resident = PageClient(app.test_client())
        with resident.client.session_transaction() as session:
            session["subscribe"] = {"started_at": 0, "areas": [["weymouth", "DT4 7TW"]], "services": None,
                                    "channel": "email", "digest": False, "contact": contact, "contact_typed": contact}
        return lambda: resident.post_form("/subscribe/check", {}, 302)

    again, first = work_of(sign_up(KNOWN_EMAIL)), work_of(sign_up(UNKNOWN_EMAIL))

    assert _selects(again) == _selects(first)
    assert again.count("COMMIT") == first.count("COMMIT") == 1
    assert len(writes(again)) == len(writes(first)), "their row updated where a new one is inserted; both counted"
    assert "INSERT INTO insight_counts" in " ".join(again)


def test_the_api_sign_up_reads_no_more_for_a_subscriber(app: Flask, known: None) -> None:
    def sign_up(contact: str) -> Callable[[], object]:
        client = app.test_client()
        return lambda: client.post("/api/v1/subscriptions",
                                   json={"channel": "email", "contact": contact, "postcode": "DT4 7TW"})

    again, first = work_of(sign_up(KNOWN_EMAIL)), work_of(sign_up(UNKNOWN_EMAIL))

    assert _selects(again) == _selects(first)
    assert again.count("COMMIT") == first.count("COMMIT") == 1


def test_a_wrong_code_at_the_api_does_the_same_work_for_a_subscriber_and_a_stranger(app: Flask, known: None) -> None:
    def confirm(number: str) -> Callable[[], object]:
        client = app.test_client()
        return lambda: client.post("/api/v1/subscriptions/confirm", json={"contact": number, "code": "000000"})

    assert work_of(confirm(KNOWN_NUMBER)) == work_of(confirm(UNKNOWN_NUMBER))

