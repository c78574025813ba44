"""Resolving a notice withdraws the update waiting for approval on it: nothing can be approved into the timeline
after "Resolved", and no email about it is queued. Approving it afterwards is refused with a clear message."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from alerts.extensions import db
from alerts.models import AuditEvent, Message, MessageKind, Notice, NoticeStatus, StaffUser, UpdateKind
from tests.staff.conftest import post_form, sign_in
from tests.staff.test_four_eyes import API_NOTICE, alerts_for, fresh, token_for
from tests.staff.test_notices import create_draft


@pytest.fixture
def officers(factories) -> tuple[StaffUser, StaffUser, StaffUser]:
    return factories.StaffUserFactory(), factories.StaffUserFactory(), factories.StaffUserFactory()


@pytest.fixture
def subscribers(factories) -> None:
    factories.SubscriberFactory(contact="weymouth@example.com", area_ids=["weymouth"])
    factories.SubscriberFactory(contact="sherborne@example.com", area_ids=["sherborne"])


WITHDRAWN = "This notice was resolved, which withdrew the update waiting for approval. Nothing was sent."


def _emails_for(notice: Notice) -> int:
    return db.session.scalar(select(func.count()).select_from(Message).where(
        Message.notice_id == notice.id, Message.kind == MessageKind.ALERT)) or 0


def test_resolving_withdraws_the_waiting_update_and_a_later_approval_on_the_page_is_refused(
        client_request, officers, subscribers) -> None:
    author, other, _ = officers
    sign_in(client_request, author)
    notice = create_draft(client_request, areas=["whole-county"], notify="")
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    post_form(client_request, f"/staff/notices/{notice.id}/update",
              {"summary": "Evacuate now.", "advice": "", "notify": "y"},
              token_from=f"/staff/notices/{notice.id}/update")
    assert fresh(notice).pending_update is not None
    sign_in(client_request, other)
    page = client_request.get(f"/staff/notices/{notice.id}")
    seen = page.select("input[name=seen]")[0]["value"]

    sign_in(client_request, author)
    post_form(client_request, f"/staff/notices/{notice.id}/resolve", {"summary": "All clear.", "notify": ""},
              token_from=f"/staff/notices/{notice.id}/resolve")
    notice = fresh(notice)
    assert notice.status == NoticeStatus.RESOLVED and notice.pending_update is None
    assert [str(update.kind) for update in notice.updates] == [UpdateKind.PUBLISHED, UpdateKind.RESOLVED]
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "notice.resolved")).one()
    assert audit.details.get("withdrawn") == "updated"

    sign_in(client_request, other)
    page = post_form(client_request, f"/staff/notices/{notice.id}/approve", {"seen": seen}, expected_status=409)
    assert page.error_summary() == [WITHDRAWN]
    notice = fresh(notice)
    assert [str(update.kind) for update in notice.updates] == [UpdateKind.PUBLISHED, UpdateKind.RESOLVED]
    assert _emails_for(notice) == 0


def test_approving_through_the_api_after_the_notice_was_resolved_answers_409(client, officers,
                                                                             subscribers) -> None:
    holder, other, _ = officers
    headers = token_for(holder)
    notice_id = client.post("/api/v1/notices", json={**API_NOTICE, "notify": False}, headers=headers).json["id"]
    response = client.post(f"/api/v1/notices/{notice_id}/updates", json={"summary": "Evacuate now."},
                           headers=headers)
    assert response.status_code == 202
    response = client.post(f"/api/v1/notices/{notice_id}/resolve", json={"summary": "Over.", "notify": False},
                           headers=headers)
    assert response.status_code == 200, response.json

    response = client.post(f"/api/v1/notices/{notice_id}/approve", json={}, headers=token_for(other))
    assert response.status_code == 409
    assert response.json["detail"] == WITHDRAWN
    notice = db.session.get(Notice, notice_id)
    assert notice.pending_update is None and alerts_for(notice) == []
