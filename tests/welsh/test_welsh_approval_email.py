"""The email asking a second officer to approve a bilingual notice shows its title and summary in both languages,
so the approver checks the Welsh as well as the English before anything is sent."""

from __future__ import annotations

from sqlalchemy import select

from alerts.data import reference
from alerts.extensions import db
from alerts.models import Message, Role, StaffUser
from tests import factories as made
from tests.staff.conftest import post_form, sign_in
from tests.welsh.test_bilingual_notices import create_draft


def _officer(client_request) -> StaffUser:
    made.StaffUserFactory(role=Role.OFFICER)  # someone who may approve
    officer = made.StaffUserFactory(role=Role.OFFICER)
    sign_in(client_request, officer)
    return officer


def test_the_approval_email_gives_title_and_summary_in_welsh_and_english(client_request) -> None:
    _officer(client_request)
    notice = create_draft(client_request, areas=[reference.WHOLE_COUNTY_ID])
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    [email] = db.session.scalars(select(Message)).all()
    assert ("In Welsh:\nFfyrdd ar gau oherwydd llifogydd\nMae sawl ffordd o dan ddŵr.\n\n"
            "In English:\nRoads closed by flooding\nSeveral roads are under water.") in email.body


def test_the_approval_email_for_an_update_gives_the_updates_summary_in_both(client_request) -> None:
    _officer(client_request)
    notice = create_draft(client_request, areas=[reference.WHOLE_COUNTY_ID], notify="")
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    post_form(client_request, f"/staff/notices/{notice.id}/update",
              {"summary": "The water is going down.", "summary_cy": "Mae'r dŵr yn gostwng.", "notify": "y"})
    [email] = db.session.scalars(select(Message)).all()
    assert "In Welsh:\nFfyrdd ar gau oherwydd llifogydd\nMae'r dŵr yn gostwng." in email.body
    assert "In English:\nRoads closed by flooding\nThe water is going down." in email.body
