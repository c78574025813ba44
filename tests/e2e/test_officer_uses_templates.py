"""An officer publishes from the council's standard notice with at most two screens before the check page, says
when the next update comes (residents see it), and resolves several notices at once from the notices list.
Audited with axe-core in three modes, like every journey."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alerts.data import notice_templates
from alerts.extensions import db
from alerts.models import NoticeStatus, Role, utc_now
from alerts.profile import council
from tests.e2e import outbox
from tests.e2e.browser import Journey
from tests.e2e.staff import OFFICER, latest_notice, sign_in

pytestmark = pytest.mark.e2e


def test_an_officer_publishes_a_school_closure_from_its_template_in_two_screens(journey: Journey,
                                                                                factories: Any) -> None:
    notice_templates.seed_from_profile(council())
    db.session.commit()
    factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    parent = factories.SubscriberFactory(area_ids=["weymouth"], contact="parent@example.com")
    sign_in(journey, OFFICER)

    screens = []
    journey.follow_link("Publish a new notice")
    screens.append(journey.heading())
    journey.follow_link("School closed")
    screens.append(journey.heading())
    journey.fill("School", "Hill Top Primary")
    journey.fill("Day", "Monday 7 December")
    journey.press_button("Save and check", expected_status=400)
    assert "Enter the reason" in journey.page.locator(".govuk-error-summary").inner_text()
    journey.fill("Reason", "the heating has failed")
    journey.set_checked("Weymouth")
    journey.press_button("Save and check")
    assert screens == ["New notice", "New notice"], "two screens before the check page"
    assert journey.heading() == "Hill Top Primary is closed on Monday 7 December"
    assert "Draft" in journey.page.locator(".govuk-caption-l").inner_text()
    journey.screenshot("staff-notice-from-template")

    journey.press_button("Publish")
    assert "Notice published" in journey.text()
    assert outbox.messages_to(parent.contact), "the template's notice goes out like any other"
    notice = latest_notice()
    assert notice.next_update_by_utc is not None, "severe: the default is within 2 hours"

    journey.follow_link("See the public page")
    assert journey.heading() == "Hill Top Primary is closed on Monday 7 December"
    assert "Next update by" in journey.page.locator("#next-update-by").inner_text()


def test_an_officer_resolves_every_bin_notice_at_once_when_collections_restart(journey: Journey,
                                                                               factories: Any) -> None:
    factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    bins = [factories.NoticeFactory(title=f"Bins suspended in {area}", area_ids=[area.lower()])
            for area in ("Weymouth", "Portland")]
    library = factories.NoticeFactory(title="Library closed in Bridport", service_id="libraries",
                                      area_ids=["bridport"])
    sign_in(journey, OFFICER, start="/staff/notices")
    for notice in bins:
        journey.set_checked(f"{notice.title} (Bins and recycling)")
    journey.press_button("Resolve selected")
    assert journey.heading() == "Resolve 2 notices"
    journey.press_button("Resolve these notices", expected_status=400)
    assert "Enter what residents need to know" in journey.page.locator(".govuk-error-summary").inner_text()
    journey.fill("What residents need to know", "Collections are back to normal from tomorrow.")
    journey.press_button("Resolve these notices")
    assert "2 notices resolved" in journey.text()
    db.session.rollback()
    for notice in bins:
        db.session.refresh(notice)
        assert notice.status == NoticeStatus.RESOLVED
    db.session.refresh(library)
    assert library.status == NoticeStatus.ACTIVE, "only the chosen notices"


def test_an_admin_adds_and_changes_a_standard_notice(journey: Journey, factories: Any) -> None:
    factories.StaffUserFactory(email="admin@dorsetcouncil.example", role=Role.ADMIN)
    sign_in(journey, "admin@dorsetcouncil.example")
    journey.follow_link("Standard notices")
    journey.follow_link("Add a template")
    journey.fill("Name", "Pool closed")
    journey.select("Service", "Other")
    journey.choose("Major: partly closed")
    journey.fill("Title", "{Pool} pool closed")
    journey.fill("What's happening", "{pool} pool is closed on {day} because {reason}.")
    journey.fill("What residents should do", "Use another pool.")
    journey.press_button("Save template", expected_status=400)
    assert "Title has a { or } that is not a placeholder" in journey.page.locator(".govuk-error-summary").inner_text()
    journey.fill("Title", "{pool} pool closed")
    journey.press_button("Save template")
    assert "Template added: Pool closed" in journey.text()
    journey.follow_link("Change Pool closed")
    journey.fill("What residents should do", "Use the leisure centre.")
    journey.press_button("Save template")
    assert "Template changed: Pool closed" in journey.text()


def test_the_dashboard_shows_a_notice_whose_promised_update_has_passed(journey: Journey, factories: Any) -> None:
    officer = factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    notice = factories.NoticeFactory(title="Road closed in Bridport", area_ids=["bridport"], created_by_id=officer.id,
                                     next_update_by_utc=utc_now() - dt.timedelta(minutes=30))
    sign_in(journey, OFFICER)
    overdue = journey.page.locator("#overdue-updates + p + table").inner_text()
    assert notice.title in overdue and "You" in overdue
    journey.follow_link(f"{notice.title} (post an update)")
    assert journey.heading() == "Post an update"
