"""Several live notices at once from the notices list: resolving them counts the sum of their audiences for four
eyes; extending moves their expected end."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import select

from alerts.extensions import db
from alerts.models import AuditEvent, Message, MessageKind, Notice, NoticeStatus, Role, utc_now
from tests.staff.conftest import csrf_token, post_form


@pytest.fixture
def threshold_of_three(app: Flask):
    app.config["APPROVAL_THRESHOLD"] = 3
    yield
    app.config["APPROVAL_THRESHOLD"] = 5000


@pytest.fixture
def bin_notices(factories) -> list[Notice]:
    """Three live bin notices, each reaching two residents: none alone is past a threshold of three."""
    notices = []
    for area in ["weymouth", "portland", "dorchester"]:
        factories.SubscriberFactory(contact=f"{area}-1@example.com", area_ids=[area])
        factories.SubscriberFactory(contact=f"{area}-2@example.com", area_ids=[area])
        notices.append(factories.NoticeFactory(title=f"Bins suspended in {area}", area_ids=[area]))
    return notices


def _choose(client_request, notices: list[Notice], action: str):
    query = "&".join(f"notices={notice.id}" for notice in notices)
    return client_request.get(f"/staff/notices/bulk?action={action}&{query}")


def _submit(client_request, notices: list[Notice], action: str, expected_status: int = 302, **fields: str):
    data = {"action": action, "notices": [str(notice.id) for notice in notices], **fields}
    return post_form(client_request, "/staff/notices/bulk", data, expected_status=expected_status)


def test_the_notices_list_lets_an_officer_choose_live_notices_to_resolve_or_extend(
        client_request, sign_in_as, bin_notices) -> None:
    sign_in_as(Role.OFFICER)
    page = client_request.get("/staff/notices")
    boxes = page.select("#bulk-form input[name=notices]")
    assert sorted(int(box["value"]) for box in boxes) == sorted(notice.id for notice in bin_notices)
    assert [button["value"] for button in page.select("#bulk-form button[name=action]")] == ["resolve", "extend"]


def test_resolving_several_small_notices_whose_sum_crosses_the_threshold_waits_for_a_second_officer(
        client_request, sign_in_as, bin_notices, threshold_of_three, factories) -> None:
    factories.StaffUserFactory(email="second@example.com")
    sign_in_as(Role.OFFICER)
    page = _choose(client_request, bin_notices, "resolve")
    assert "6 people in all" in page.soup.select_one("#bulk-audience").get_text()
    assert "another officer must approve" in page.soup.select_one("#bulk-approval").get_text()

    _submit(client_request, bin_notices, "resolve", summary="Collections restart tomorrow.", notify="y")
    db.session.expire_all()
    for notice in bin_notices:
        notice = db.session.get(Notice, notice.id)
        assert notice.status == NoticeStatus.ACTIVE and notice.pending_update is not None
    assert db.session.scalars(select(Message).where(Message.kind == MessageKind.ALERT)).all() == []
    approval_emails = db.session.scalars(select(Message).where(Message.kind == MessageKind.APPROVAL_REQUEST)).all()
    assert [message.recipient for message in approval_emails] == ["second@example.com"]  # one email, not three


def test_resolving_several_notices_within_the_budget_resolves_them_all_and_tells_their_subscribers(
        client_request, sign_in_as, bin_notices) -> None:
    sign_in_as(Role.OFFICER)
    _submit(client_request, bin_notices[:2], "resolve", summary="Collections restart tomorrow.", notify="y")
    db.session.expire_all()
    assert [db.session.get(Notice, n.id).status for n in bin_notices] == [
        NoticeStatus.RESOLVED, NoticeStatus.RESOLVED, NoticeStatus.ACTIVE]
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("notice.bulk_resolved") == 2


def test_the_budget_counts_what_the_officer_sent_alone_before(client_request, sign_in_as, bin_notices,
                                                            threshold_of_three) -> None:
    sign_in_as(Role.OFFICER)
    _submit(client_request, bin_notices[:1], "resolve", summary="Over.", notify="y")  # 2 of 3 spent
    _submit(client_request, bin_notices[1:2], "resolve", summary="Over.", notify="y")  # 2 more: past 3
    db.session.expire_all()
    assert db.session.get(Notice, bin_notices[0].id).status == NoticeStatus.RESOLVED
    assert db.session.get(Notice, bin_notices[1].id).pending_update is not None


def test_extending_several_notices_moves_their_expected_end_and_says_so(client_request, sign_in_as,
                                                                        bin_notices) -> None:
    sign_in_as(Role.OFFICER)
    page = _choose(client_request, bin_notices, "extend")
    assert page.h1 == "Extend 3 notices"
    new_end = (utc_now() + dt.timedelta(days=2)).astimezone(dt.UTC)
    _submit(client_request, bin_notices, "extend", summary="Collections will not restart until Thursday.",
            expected_end_at=new_end.strftime("%Y-%m-%dT%H:%M+00:00"))
    db.session.expire_all()
    for notice in bin_notices:
        notice = db.session.get(Notice, notice.id)
        assert notice.expected_end_at_utc == new_end.replace(second=0, microsecond=0)
        assert notice.updates[-1].summary == "Collections will not restart until Thursday."
        assert notice.updates[-1].notify_subscribers is False


def test_a_bulk_change_without_words_or_with_a_past_end_shows_the_errors(client_request, sign_in_as,
                                                                         bin_notices) -> None:
    sign_in_as(Role.OFFICER)
    page = _submit(client_request, bin_notices, "resolve", expected_status=400, summary="")
    assert page.error_summary() == ["Enter what residents need to know"]
    page = _submit(client_request, bin_notices, "extend", expected_status=400, summary="Later.",
                   expected_end_at="01/01/2020 09:00")
    assert page.error_summary() == ["The new end must be in the future"]


def test_choosing_nothing_goes_back_to_the_list_and_says_what_to_do(client_request, sign_in_as, bin_notices) -> None:
    sign_in_as(Role.OFFICER)
    response = client_request.client.get("/staff/notices/bulk?action=resolve")
    assert response.status_code == 302
    page = client_request.get("/staff/notices")
    assert "Select at least one live notice" in page.text


def test_a_notice_resolved_since_it_was_chosen_is_left_alone_and_the_rest_are_resolved(
        client_request, sign_in_as, bin_notices) -> None:
    sign_in_as(Role.OFFICER)
    token = csrf_token(client_request, "/staff/sign-out")
    bin_notices[1].status = NoticeStatus.RESOLVED
    db.session.commit()
    response = client_request.client.post("/staff/notices/bulk", data={
        "action": "resolve", "notices": [str(n.id) for n in bin_notices], "summary": "Over.", "notify": "y",
        "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Notice, bin_notices[0].id).status == NoticeStatus.RESOLVED
    assert db.session.get(Notice, bin_notices[2].id).status == NoticeStatus.RESOLVED
    assert len(db.session.get(Notice, bin_notices[1].id).updates) == 1  # not resolved a second time
