""""Forgot your password?": the same answer, the same time and the same work whether or not the email names an
account; limited per address (an IPv6 client by its /64) and per account; the link is the one an admin's reset
sends, works once and lives an hour; an account that signs in only with single sign-on gets none."""

import datetime as dt

import pytest
from freezegun import freeze_time
from sqlalchemy import event, func, select

from alerts.extensions import db
from alerts.models import AuditEvent, Message, MessageKind, PasswordLinkRequest, Role
from alerts.models.messages import PRIORITY_CONFIRMATION
from alerts.services import forgotten_passwords
from alerts.services.forgotten_passwords import send_requested_links
from tests.e2e.outbox import path_of_link_in
from tests.pages import PageClient

OFFICE = "192.0.2.10"
NEW_PASSWORD = "a quite different passphrase"


def ask(client_request: PageClient, email: str, expected_status: int = 302, address: str = OFFICE):
    return client_request.post_form("/staff/forgot-password", {"email": email}, expected_status=expected_status,
                                    environ_overrides={"REMOTE_ADDR": address})


def password_emails() -> list[Message]:
    db.session.rollback()
    return list(db.session.scalars(select(Message).where(Message.kind == MessageKind.STAFF_PASSWORD_RESET)))


def waiting_requests() -> int:
    return db.session.scalar(select(func.count()).select_from(PasswordLinkRequest)) or 0


def test_the_sign_in_page_links_to_it(client_request) -> None:
    page = client_request.get("/staff/sign-in")
    assert [a.get_text() for a in page.select("a[href='/staff/forgot-password']")] == ["Forgot your password?"]
    assert client_request.get("/staff/forgot-password").h1 == "Forgot your password?"


def test_an_empty_email_is_an_error(client_request) -> None:
    page = client_request.post_form("/staff/forgot-password", {"email": ""}, expected_status=400)
    assert page.error_summary() == ["Enter your email address"]


def test_a_member_of_staff_gets_the_same_link_an_admin_would_send_and_it_works_once(client_request,
                                                                                     factories) -> None:
    officer = factories.StaffUserFactory()
    page = ask(client_request, officer.email.upper())
    assert page.response.headers["Location"] == "/staff/forgot-password/check-your-email"
    assert password_emails() == [], "nothing but the queued request in the request itself"
    assert send_requested_links() == 1
    [email] = password_emails()
    assert (email.recipient, email.priority) == (officer.email, PRIORITY_CONFIRMATION)
    assert "expires in 1 hour." in email.body
    link = path_of_link_in(email)
    assert link.startswith("/staff/reset-password/")
    client_request.client.get(link)
    client_request.post_form(link, {"new_password": NEW_PASSWORD}, expected_status=302)
    client_request.get(link, expected_status=404)
    assert waiting_requests() == 0


def test_the_link_lives_an_hour(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    ask(client_request, officer.email)
    send_requested_links()
    link = path_of_link_in(password_emails()[0])
    with freeze_time(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61)):
        client_request.get(link, expected_status=404)


def test_an_unknown_email_gets_the_same_answer_and_nothing_is_sent_or_kept(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    known = ask(client_request, officer.email, address="198.51.100.1")
    unknown = ask(client_request, "nobody@example.com", address="198.51.100.2")
    assert known.response.headers["Location"] == unknown.response.headers["Location"]
    assert client_request.get("/staff/forgot-password/check-your-email").h1 == "Check your email"
    assert waiting_requests() == 2
    assert send_requested_links() == 1
    assert [email.recipient for email in password_emails()] == [officer.email]
    assert waiting_requests() == 0
    assert "nobody@example.com" not in str(db.session.execute(select(AuditEvent.actor, AuditEvent.details)).all())


def test_both_paths_do_the_same_database_work(app, client_request, factories) -> None:
    officer = factories.StaffUserFactory()

    def statements_for(email: str, address: str) -> list[str]:
        seen: list[str] = []

        def record(_conn, _cursor, statement, _parameters, _context, _many) -> None:
            seen.append(statement.split(" WHERE")[0])

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            ask(client_request, email, address=address)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return seen

    assert statements_for(officer.email, "198.51.100.1") == statements_for("nobody@example.com", "198.51.100.2")


def test_a_disabled_account_and_one_that_signs_in_only_with_single_sign_on_get_no_link(
        app, client_request, factories, monkeypatch) -> None:
    disabled = factories.StaffUserFactory(is_disabled=True)
    officer = factories.StaffUserFactory(role=Role.OFFICER)
    admin = factories.StaffUserFactory(role=Role.ADMIN)
    for n, user in enumerate((disabled, officer, admin)):
        ask(client_request, user.email, address=f"198.51.100.{n + 1}")
    monkeypatch.setitem(app.config, "OIDC_ISSUER_URL", "https://login.example")
    assert send_requested_links() == 1
    assert [email.recipient for email in password_emails()] == [admin.email], "an admin's break-glass password"
    monkeypatch.setitem(app.config, "LOCAL_SIGN_IN", "all")
    ask(client_request, officer.email, address="198.51.100.9")
    assert send_requested_links() == 1


@freeze_time()  # the wait is counted from the last request, however slow the machine
def test_requests_are_limited_per_address_and_an_ipv6_client_by_its_slash_64(client_request) -> None:
    for n in range(forgotten_passwords.ADDRESS_FREE_REQUESTS):
        ask(client_request, f"guess{n}@example.com", address=f"2001:db8:1:2::{n + 1}")
    page = ask(client_request, "another@example.com", expected_status=429, address="2001:db8:1:2::ff")
    assert page.error_summary() == ["Too many requests to ask for a link. Wait 30 seconds, then try again."]
    assert page.response.headers["Retry-After"] == "30"
    ask(client_request, "another@example.com", address="2001:db8:1:3::1")


@freeze_time()
def test_requests_are_limited_per_account_from_every_address(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    for n in range(forgotten_passwords.ACCOUNT_FREE_REQUESTS):
        ask(client_request, officer.email, address=f"198.51.100.{n + 1}")
    ask(client_request, officer.email, expected_status=429, address="198.51.100.99")
    # The same for an email that names nobody: the limit says nothing about who has an account.
    for n in range(forgotten_passwords.ACCOUNT_FREE_REQUESTS):
        ask(client_request, "nobody@example.com", address=f"203.0.113.{n + 1}")
    ask(client_request, "nobody@example.com", expected_status=429, address="203.0.113.99")


def test_it_is_audited(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    ask(client_request, officer.email)
    send_requested_links()
    events = db.session.execute(select(AuditEvent.actor, AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [tuple(e) for e in events] == [
        (forgotten_passwords.REQUESTER, "staff.password_link_requested"),
        (officer.email, "staff_user.password_reset_sent"),
    ]


@pytest.mark.parametrize("path", ["/staff/forgot-password", "/staff/forgot-password/check-your-email"])
def test_the_pages_need_no_sign_in(client_request, path) -> None:
    client_request.get(path)
