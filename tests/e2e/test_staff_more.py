"""An officer edits a draft and cancels another, and schedules a notice that the scheduled-publish job makes live;
an admin adds a user and an API token and reads the feed sources, the audit log and the outbox.

Every page is audited with axe-core in three modes (mouse, JavaScript off, keyboard only).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from alerts.data import fanouts
from alerts.extensions import db
from alerts.formatting import london_time
from alerts.jobs.notices import publish_due_job
from alerts.models import MessageKind, Notice, NoticeStatus, Role, utc_now
from alerts.staff.forms import format_london_datetime, parse_london_datetime
from tests.e2e import outbox
from tests.e2e.browser import Journey, Mode
from tests.e2e.staff import OFFICER, latest_notice, sign_in, write_notice

pytestmark = pytest.mark.e2e

ADMIN = "admin@dorsetcouncil.example"
NEW_AGENT = "new.agent@dorsetcouncil.example"


def _caption(journey: Journey) -> str:
    return journey.page.locator(".govuk-caption-l").inner_text()


def _open_details(journey: Journey, summary: str) -> None:
    """Open a GOV.UK details component (a native <details>: it opens with JavaScript off too)."""
    toggle = journey.page.locator("summary", has_text=summary)
    if journey.mode == Mode.KEYBOARD:
        journey.tab_to(toggle)
        journey.page.keyboard.press("Enter")
    else:
        toggle.click()
    assert toggle.locator("xpath=..").evaluate("details => details.open"), f"{summary!r} did not open"


def test_an_officer_edits_a_draft_and_cancels_it(journey: Journey, factories: Any) -> None:
    factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    resident = factories.SubscriberFactory(area_ids=["weymouth"])
    sign_in(journey, OFFICER)
    journey.follow_link("Publish a new notice")
    write_notice(journey, "Bin collections suspended in Weymouth", areas=["Weymouth"])
    assert "Draft" in _caption(journey)

    journey.follow_link("Edit this draft")
    assert journey.page.get_by_label("Title", exact=True).input_value() == "Bin collections suspended in Weymouth"
    journey.fill("Title", " ")  # (a space: typing nothing over a selection leaves it, with only a keyboard)
    journey.press_button("Save and check", expected_status=400)
    assert "Enter a title" in journey.page.locator(".govuk-error-summary").inner_text()
    assert journey.title().startswith("Error: ")
    journey.fill("Title", "Bin collections delayed in Weymouth")
    journey.set_checked("Sherborne")
    journey.press_button("Save and check")
    assert journey.heading() == "Bin collections delayed in Weymouth"
    assert "Draft" in _caption(journey), "an edit keeps it a draft"
    assert "Bin collections delayed in Weymouth" in journey.page.locator("#email-preview").inner_text()
    assert sorted(area.id for area in latest_notice().areas) == ["sherborne", "weymouth"]

    journey.press_button("Cancel this notice")
    assert "Notice cancelled. Nothing was published or sent." in journey.text()
    assert "Cancelled" in _caption(journey)
    assert journey.page.get_by_role("link", name="Edit this draft").count() == 0, "a cancelled notice is not edited"
    journey.screenshot("staff-notice-cancelled")
    assert latest_notice().status == NoticeStatus.CANCELLED
    assert outbox.messages_to(resident.contact) == [], "nothing was sent"
    journey.follow_link("All notices")
    cancelled = journey.page.locator("h2", has_text="Resolved, expired or cancelled")
    assert cancelled.count() == 1 and "Bin collections delayed in Weymouth" in journey.text()


def test_an_officer_schedules_a_notice_that_goes_live_when_its_time_comes(
    journey: Journey, factories: Any, app: Flask
) -> None:
    factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    resident = factories.SubscriberFactory(area_ids=["weymouth"])
    sign_in(journey, OFFICER)
    journey.follow_link("Publish a new notice")
    write_notice(journey, "Weymouth library closed on Saturday", areas=["Weymouth"], service="Libraries")

    _open_details(journey, "Publish at a set time")
    journey.fill("Publish at", "yesterday")
    journey.press_button("Schedule", expected_status=400)
    assert journey.title().startswith("Error: ")
    assert journey.page.locator("#publish-later").evaluate("details => details.open"), "the error shows its field"
    when = format_london_datetime(utc_now() + dt.timedelta(days=2))
    journey.fill("Publish at", when)
    journey.press_button("Schedule")
    assert "Notice scheduled" in journey.text()
    assert "Scheduled" in _caption(journey)
    shown = journey.page.locator(".govuk-summary-list__row", has_text="Publish at").inner_text()
    assert london_time(parse_london_datetime(when)) in shown, shown
    journey.screenshot("staff-notice-scheduled")
    assert outbox.messages_to(resident.contact) == [], "nothing is sent before its time"

    # Two days pass: the scheduled-publish job (run by the scheduler every minute) finds it due.
    notice = latest_notice()
    notice.publish_at_utc = utc_now() - dt.timedelta(minutes=1)
    db.session.commit()
    publish_due_job(app)()
    fanouts.expand_pending_fanouts()  # what the dispatcher's loop does within half a second
    journey.visit(journey.path)
    assert "Live" in _caption(journey)
    db.session.rollback()
    assert db.session.get(Notice, notice.id).status == NoticeStatus.ACTIVE
    assert [m.kind for m in outbox.messages_to(resident.contact)] == [MessageKind.ALERT]


def test_an_admin_adds_a_user_and_an_api_token_and_reads_the_feeds_audit_log_and_outbox(
    journey: Journey, factories: Any
) -> None:
    factories.StaffUserFactory(email=ADMIN, role=Role.ADMIN)
    factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    sign_in(journey, ADMIN)

    journey.follow_link("Staff users")
    assert journey.heading() == "Staff users"
    assert OFFICER in journey.page.locator("#users").inner_text()
    journey.press_button("Add user", expected_status=400)
    assert "Enter an email address" in journey.page.locator(".govuk-error-summary").inner_text()
    journey.fill("Email address", NEW_AGENT)
    journey.choose("Contact centre")
    journey.press_button("Add user")  # no password: they choose their own from an emailed link
    assert f"We have emailed {NEW_AGENT} a link to choose their password" in journey.text()
    assert NEW_AGENT in journey.page.locator("#users").inner_text()
    journey.screenshot("staff-users")

    journey.visit("/staff/")
    journey.follow_link("API tokens")
    assert journey.heading() == "API tokens"
    assert "No tokens yet." in journey.text()
    journey.fill("Name", "Highways")
    journey.select("Acts for", f"{OFFICER} (officer)")
    journey.press_button("Create token")
    token = journey.page.locator("#new-token code").inner_text()
    assert len(token) > 20, "the token is shown once"
    assert "Highways" in journey.page.locator("#tokens").inner_text()
    assert token not in journey.page.locator("#tokens").inner_text(), "the list shows only its start"

    journey.visit("/staff/")
    journey.follow_link("Feed sources")
    assert journey.heading() == "Feed sources"

    journey.visit("/staff/")
    journey.follow_link("Audit log")
    assert journey.heading() == "Audit log"
    events = journey.text()
    assert "staff_user.created" in events and "api_token.created" in events
    assert token not in events, "the token itself is never recorded"

    journey.visit("/staff/")
    journey.follow_link("Outbox")
    assert journey.heading() == "Outbox"
    journey.screenshot("staff-outbox")
