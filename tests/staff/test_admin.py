import hashlib

from sqlalchemy import select

from alerts.credentials.passwords import verify_password
from alerts.data import operations
from alerts.extensions import db
from alerts.models import ApiToken, AuditEvent, Channel, Message, MessageKind, MessageStatus, Role, StaffUser
from tests.staff.conftest import post_form
from tests.web.test_health import hold_everything_for_a_refused_key


def test_an_admin_adds_a_user_but_never_sets_their_password(client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    page = client_request.get("/staff/users")
    assert page.select("#password") == [] and page.select("input[type=password]") == []
    # A password posted all the same is ignored: the new member of staff gets the one-time link.
    post_form(client_request, "/staff/users", {"email": "New@DorsetCouncil.example", "role": "contact_centre",
                                               "password": "snow on the a35 again"}, token_from="/staff/users")
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == "new@dorsetcouncil.example"))
    assert user.role == Role.CONTACT_CENTRE and user.password_hash.startswith("$argon2")
    assert not verify_password(user.password_hash, "snow on the a35 again")
    message = db.session.scalars(select(Message).where(Message.recipient == user.email)).one()
    assert message.kind == MessageKind.STAFF_PASSWORD_RESET


def test_changing_a_role_signs_the_user_out(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.ADMIN)
    officer = factories.StaffUserFactory(role=Role.OFFICER)
    post_form(client_request, f"/staff/users/{officer.id}", {"role": "contact_centre"},
              token_from=f"/staff/users/{officer.id}")
    db.session.expire_all()
    assert officer.role == Role.CONTACT_CENTRE and officer.session_version == 2


def test_an_api_token_is_shown_once_and_stored_as_a_hash(client_request, sign_in_as) -> None:
    admin = sign_in_as(Role.ADMIN)
    page = post_form(client_request, "/staff/api-tokens", {"name": "Highways", "user": str(admin.id), "days": "90"},
                     200, token_from="/staff/api-tokens")
    token = page.soup.select_one("#new-token code").get_text()
    record = db.session.scalar(select(ApiToken))
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in record.token_hash
    assert token not in client_request.get("/staff/api-tokens").text
    post_form(client_request, f"/staff/api-tokens/{record.id}/revoke", {})
    db.session.expire_all()
    assert record.revoked_at_utc is not None


def test_the_audit_log_filters_by_user_action_and_date(client_request, sign_in_as) -> None:
    admin = sign_in_as(Role.ADMIN)
    page = client_request.get(f"/staff/audit?user={admin.email}&action=staff.")
    assert [row.select("td")[2].get_text() for row in page.select("#events tbody tr")] == ["Signed in"]
    assert client_request.get("/staff/audit?action=notice.").select("#events tbody tr") == []
    assert client_request.get("/staff/audit?from=01/01/2020&to=02/01/2020").select("#events tbody tr") == []
    assert client_request.get("/staff/audit?from=yesterday", expected_status=400).error_summary() == [
        "Enter a real date, for example 27/11/2026"]


def test_the_outbox_lists_messages_newest_first_with_their_bodies_codes_masked(client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    db.session.add(Message(kind=MessageKind.CONFIRMATION, channel=Channel.SMS, recipient="+447700900982",
                           body="Your Dorset Council alerts confirmation code is 123456.",
                           status=MessageStatus.NOT_SENT))
    db.session.commit()
    page = client_request.get("/staff/outbox")
    assert "Not sent — no Notify API key" in page.text
    assert "confirmation code is •••• 56" in page.text and "123456" not in page.text
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "outbox.viewed"))


def test_the_staff_outbox_page_shows_the_details_healthz_leaves_out(client_request, sign_in_as) -> None:
    operations.record_heartbeat("scheduler", "worker-7.internal:4242")
    db.session.commit()
    hold_everything_for_a_refused_key()
    sign_in_as(Role.ADMIN)
    page = client_request.get("/staff/outbox")
    assert "worker-7.internal:4242" in page.text
    assert "Invalid token: API key not found" in page.text
