"""A notice's first update (published) carries its Welsh from the moment it is published, on every path: the page,
the API, a scheduled time, a second officer's approval."""

from __future__ import annotations

import datetime as dt

from alerts.extensions import db
from alerts.models import Notice, NoticeStatus, Role, UpdateKind, utc_now
from alerts.services import publishing
from tests import factories as made
from tests.staff.conftest import sign_in
from tests.welsh.test_bilingual_notices import create_draft

WELSH = ("Mae sawl ffordd o dan ddŵr.", "Peidiwch â gyrru drwy ddŵr llifogydd.")


def _first_update_welsh(notice_id: int) -> tuple[str | None, str | None]:
    db.session.expire_all()
    notice = db.session.get(Notice, notice_id)
    assert notice is not None and notice.status == NoticeStatus.ACTIVE
    [published] = notice.updates
    assert published.kind == UpdateKind.PUBLISHED
    return published.summary_cy, published.advice_cy


def test_a_scheduled_notice_publishes_with_its_welsh(client_request) -> None:
    officer = made.StaffUserFactory(role=Role.OFFICER)
    sign_in(client_request, officer)
    notice = create_draft(client_request)
    notice.status, notice.publish_at_utc = NoticeStatus.SCHEDULED, utc_now() - dt.timedelta(minutes=1)
    notice.requested_by_id = officer.id
    db.session.commit()
    assert publishing.publish_due_notices() == 1
    assert _first_update_welsh(notice.id) == WELSH


def test_an_approved_notice_publishes_with_its_welsh(client_request) -> None:
    officer = made.StaffUserFactory(role=Role.OFFICER)
    sign_in(client_request, officer)
    notice = create_draft(client_request)
    notice.status, notice.requested_by_id = NoticeStatus.AWAITING_APPROVAL, officer.id
    db.session.commit()
    approver = made.StaffUserFactory(role=Role.OFFICER)
    publishing.approve(notice, publishing.Actor.staff(approver, None))
    assert _first_update_welsh(notice.id) == WELSH

