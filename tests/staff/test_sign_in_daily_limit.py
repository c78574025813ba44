"""Slowing each address down does not stop guesses spread over many addresses: each staff account takes at most
STAFF_SIGN_IN_ATTEMPTS_PER_DAY wrong passwords and codes a day from every address together. Past it nobody can sign
in to it until the window ends, the answer is a wrong password's (made-up accounts are counted the same way), and
the member of staff and the admins are emailed once."""

import threading

import pyotp
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from alerts.data import staff as staff_data
from alerts.extensions import db
from alerts.models import AuditEvent, Message, MessageKind, Role
from tests import factories as _factories
from tests.pages import PageClient
from tests.production import production_app
from tests.staff.conftest import csrf_token
from tests.staff.test_sign_in_device_cookie import _give_second_factor
from tests.staff.test_sign_in_throttle import attempt

LIMIT = 5


@pytest.fixture(autouse=True)
def small_limit(app):
    app.config["STAFF_SIGN_IN_ATTEMPTS_PER_DAY"] = LIMIT
    yield
    app.config["STAFF_SIGN_IN_ATTEMPTS_PER_DAY"] = 30


def address(n: int) -> str:
    return f"203.0.113.{n + 1}"


def security_emails() -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.kind == MessageKind.STAFF_SECURITY)
                                   .order_by(Message.id)))


def test_the_limit_defaults_to_thirty_a_day_and_production_refuses_none() -> None:
    from config.settings import Config, ConfigurationError

    assert Config.STAFF_SIGN_IN_ATTEMPTS_PER_DAY == 30
    with pytest.raises(ConfigurationError, match="STAFF_SIGN_IN_ATTEMPTS_PER_DAY must be 1 or more"):
        production_app(STAFF_SIGN_IN_ATTEMPTS_PER_DAY=0)


def test_past_the_limit_even_the_right_password_gets_the_wrong_password_answer_until_the_day_is_over(
        client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    with freeze_time() as clock:
        for n in range(LIMIT):
            attempt(client_request, officer.email, "wrong", 400, address=address(n))
        refused = attempt(client_request, officer.email, _factories.PASSWORD, 400, address=address(LIMIT))
        assert refused.error_summary() == ["Enter a correct email address and password"]
        clock.tick(23 * 3600)
        attempt(client_request, officer.email, _factories.PASSWORD, 400, address=address(LIMIT + 1))
        clock.tick(3600 + 1)
        attempt(client_request, officer.email, _factories.PASSWORD, 302, address=address(LIMIT + 2))


def test_right_passwords_do_not_count(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    for n in range(LIMIT + 2):
        client_request.client.delete_cookie("session")
        attempt(client_request, officer.email, _factories.PASSWORD, 302, address=address(n))


def test_the_person_and_every_admin_are_emailed_once_and_it_is_audited(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    admin = factories.StaffUserFactory(role=Role.ADMIN)
    factories.StaffUserFactory(role=Role.ADMIN, is_disabled=True)
    for n in range(LIMIT + 4):
        attempt(client_request, officer.email, "wrong", 400, address=address(n))
    emails = {email.recipient: email for email in security_emails()}
    assert sorted(emails) == sorted([officer.email, admin.email])
    assert emails[officer.email].subject == "Signing in to your staff account is paused"
    assert (f"There have been {LIMIT} wrong passwords or security codes for your staff account"
            in emails[officer.email].body)
    assert emails[admin.email].subject == f"Signing in to {officer.email}'s staff account is paused"
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions.count("staff.sign_in_paused") == 1
    assert actions.count("staff.sign_in_refused_paused") == 4


def test_a_made_up_account_is_answered_the_same_and_nobody_is_emailed(client_request, factories) -> None:
    factories.StaffUserFactory(role=Role.ADMIN)
    for n in range(LIMIT + 2):
        page = attempt(client_request, "nobody@example.com", "wrong", 400, address=address(n))
        assert page.error_summary() == ["Enter a correct email address and password"]
    assert security_emails() == []
    keys = db.session.execute(select(AuditEvent.actor)).scalars().all()
    assert "nobody@example.com" not in str(keys)


def test_wrong_security_codes_count_too(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    secret = pyotp.random_base32()
    _give_second_factor(None, officer, secret)
    attempt(client_request, officer.email, _factories.PASSWORD, 302, address=address(0))
    for n in range(LIMIT):
        client_request.post_form("/staff/sign-in/security-code", {"code": "000000"}, expected_status=400,
                                 environ_overrides={"REMOTE_ADDR": address(n)})
    client_request.post_form("/staff/sign-in/security-code", {"code": pyotp.TOTP(secret).now()},
                             expected_status=400, environ_overrides={"REMOTE_ADDR": address(LIMIT)})
    assert len(security_emails()) == 1


@pytest.mark.postgresql
def test_parallel_guesses_from_many_addresses_cannot_overshoot_the_limit(app, factories, monkeypatch) -> None:
    email = factories.StaffUserFactory().email
    factories.StaffUserFactory(role=Role.ADMIN)
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

    def guess(n: int, client: PageClient, token: str) -> None:
        start.wait()
        response = client.client.post("/staff/sign-in", data={"email": email, "password": "wrong guess",
                                                               "csrf_token": token},
                                      environ_overrides={"REMOTE_ADDR": address(n)})
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(n, *pair))
               for n, pair in enumerate(zip(clients, tokens, strict=True))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [400] * 20
    assert len(checks) == LIMIT
    db.session.rollback()
    assert len(security_emails()) == 2
