"""Guessing a password is slowed per account *and* address together, never locked: a lock-out would let
anyone with ten wrong passwords shut a named officer out in the middle of a storm. The count is taken atomically
before the password is checked, so twenty simultaneous guesses cannot all be checked when the limit is ten."""

import threading

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from alerts.data import sign_in_throttle
from alerts.data import staff as staff_data
from alerts.extensions import db
from alerts.models import AuditEvent
from tests import factories as _factories
from tests.pages import PageClient
from tests.staff.conftest import csrf_token

OFFICE = "192.0.2.10"


def attempt(client_request: PageClient, email: str, password: str, expected_status: int, address: str = OFFICE):
    token = csrf_token(client_request)
    return client_request.post("/staff/sign-in", {"email": email, "password": password, "csrf_token": token},
                               expected_status=expected_status, environ_overrides={"REMOTE_ADDR": address})


def test_a_flood_of_wrong_passwords_from_other_addresses_does_not_stop_the_officer_signing_in(
        client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    # Two addresses: thirty wrong passwords would reach the account's daily limit (test_sign_in_daily_limit.py).
    for address in ("203.0.113.1", "203.0.113.2"):
        for n in range(15):
            attempt(client_request, officer.email, "wrong password", 400 if n < 10 else 429, address=address)
    attempt(client_request, officer.email, _factories.PASSWORD, 302, address=OFFICE)


def test_wrong_passwords_slow_one_address_down_and_say_when_to_try_again(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    with freeze_time() as clock:
        for _ in range(10):
            attempt(client_request, officer.email, "wrong password", 400)
        page = attempt(client_request, officer.email, _factories.PASSWORD, 429)
        assert page.error_summary() == ["Too many failed attempts to sign in. Wait 30 seconds, then try again."]
        assert page.response.headers["Retry-After"] == "30"
        assert page.title.startswith("Error: ")
        clock.tick(31)
        attempt(client_request, officer.email, _factories.PASSWORD, 302)


def test_the_wait_doubles_up_to_fifteen_minutes_and_never_becomes_a_lock(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    with freeze_time() as clock:
        for _ in range(10):
            attempt(client_request, officer.email, "wrong password", 400)
        waits = []
        for _ in range(8):
            page = attempt(client_request, officer.email, "wrong password", 429)
            waits.append(page.response.headers["Retry-After"])
            clock.tick(int(waits[-1]))
            attempt(client_request, officer.email, "wrong password", 400)
        assert waits == ["30", "60", "120", "240", "480", "900", "900", "900"]
        assert "Wait 15 minutes" in attempt(client_request, officer.email, _factories.PASSWORD, 429).text
        clock.tick(900)
        attempt(client_request, officer.email, _factories.PASSWORD, 302)


def test_trying_too_early_does_not_make_the_wait_longer(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    with freeze_time() as clock:
        for _ in range(10):
            attempt(client_request, officer.email, "wrong password", 400)
        for _ in range(5):
            clock.tick(5)
            attempt(client_request, officer.email, _factories.PASSWORD, 429)
        clock.tick(6)
        attempt(client_request, officer.email, _factories.PASSWORD, 302)


def test_a_right_password_starts_the_count_again(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    for _ in range(9):
        attempt(client_request, officer.email, "wrong password", 400)
    attempt(client_request, officer.email, _factories.PASSWORD, 302)
    client_request.client.delete_cookie("session")
    for _ in range(9):
        attempt(client_request, officer.email, "wrong password", 400)


def test_one_address_guessing_across_many_accounts_is_slowed_down(client_request, factories, monkeypatch) -> None:
    monkeypatch.setattr(sign_in_throttle, "ADDRESS_FREE_ATTEMPTS", 10)
    officer = factories.StaffUserFactory()
    for n in range(10):
        attempt(client_request, f"guess{n}@dorsetcouncil.example", "password", 400)
    attempt(client_request, officer.email, _factories.PASSWORD, 429)
    attempt(client_request, officer.email, _factories.PASSWORD, 302, address="198.51.100.7")


def test_a_throttled_attempt_is_audited_without_checking_the_password(client_request, factories, monkeypatch) -> None:
    officer = factories.StaffUserFactory()
    for _ in range(10):
        attempt(client_request, officer.email, "wrong password", 400)
    checks = []
    monkeypatch.setattr(staff_data, "verify_password", lambda *args: checks.append(args) or False)
    attempt(client_request, officer.email, _factories.PASSWORD, 429)
    assert checks == []
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-1] == "staff.sign_in_throttled"


def test_a_burst_of_turns_lets_exactly_the_free_attempts_through() -> None:
    turns = []
    for _ in range(20):
        with db.engine.begin() as connection:
            turns.append(sign_in_throttle.take_turn(connection, "password|x@example.com|192.0.2.1", 10, now=1000.0))
    assert [turn.allowed for turn in turns] == [True] * 10 + [False] * 10
    assert {turn.retry_in_seconds for turn in turns[10:]} == {30}


@pytest.mark.postgresql
def test_twenty_concurrent_wrong_passwords_are_checked_against_the_hash_at_most_ten_times(
        app, factories, monkeypatch) -> None:
    email = factories.StaffUserFactory().email  # read here: the threads have no app context of their own
    real_verify = staff_data.verify_password
    checks: list[int] = []
    lock = threading.Lock()

    def counting_verify(password_hash: str, password: str) -> bool:
        with lock:
            checks.append(1)
        return real_verify(password_hash, password)

    monkeypatch.setattr(staff_data, "verify_password", counting_verify)
    clients = [PageClient(app.test_client()) for _ in range(20)]
    tokens = [csrf_token(client) for client in clients]
    start = threading.Barrier(20)
    statuses: list[int] = []

    def guess(client: PageClient, token: str) -> None:
        start.wait()
        response = client.client.post("/staff/sign-in", data={"email": email, "password": "wrong guess",
                                                               "csrf_token": token},
                                      environ_overrides={"REMOTE_ADDR": "203.0.113.9"})
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [400] * 10 + [429] * 10
    assert len(checks) <= 10


def test_attempts_for_an_unknown_account_keep_no_typed_text_in_the_audit_log(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    typed = "Winter2026-my-password@"
    attempt(client_request, typed, "wrong password", 400)
    attempt(client_request, officer.email, "wrong password", 400)
    for _ in range(10):
        attempt(client_request, "nobody@example.com", "wrong password", 400, address="203.0.113.77")
    attempt(client_request, "nobody@example.com", "wrong password", 429, address="203.0.113.77")
    events = db.session.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.details)).all()
    assert typed not in str(events) and "nobody@example.com" not in str(events)
    assert sorted({(actor, action) for actor, action, _ in events}) == [
        (officer.email, "staff.sign_in_failed"), ("unknown account", "staff.sign_in_failed"),
        ("unknown account", "staff.sign_in_throttled")]
