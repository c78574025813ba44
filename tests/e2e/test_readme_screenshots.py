"""The README's pictures, taken by the browser: the start page, a notice and the officer's check page before
publishing, at 375 and 1280 px, written to docs/screenshots/ (README.md shows them).

Every run takes them again, so they follow the templates. The notices' times are pinned to one winter morning and the
subscribers are fixed, so an unchanged page gives the same picture; a file is rewritten only when its bytes change,
so a CI run that changes nothing leaves the working tree clean (and one that does is harmless: commit the new
pictures with the change that caused them). Each page is audited with axe-core at both widths on the way.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from alerts import links
from alerts.data import notice_lifecycle
from alerts.data.notice_lifecycle import NoticeDraft
from alerts.extensions import db
from alerts.models import Channel, Impact, Notice, Role, utc_now
from alerts.services.actors import Actor
from alerts.services.headlines import set_headline
from tests.e2e.browser import Journey, Mode, assert_no_sideways_scroll, save_docs_screenshot
from tests.e2e.staff import OFFICER, sign_in

pytestmark = pytest.mark.e2e

# A weekday morning in a cold snap: every time shown on the pictured pages is measured from here.
PINNED_NOW = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
PUBLIC_ADDRESS = "https://alerts.dorsetcouncil.gov.uk"


def _pin_times(notices: list[Notice]) -> None:
    """Move every notice's times so that "now" is PINNED_NOW, keeping their order and spacing."""
    now = db.session.scalar(db.select(db.func.max(Notice.published_at_utc)))  # the demo's "now" (latest start)
    assert now is not None
    shift = PINNED_NOW - now.replace(tzinfo=dt.UTC) if now.tzinfo is None else PINNED_NOW - now
    for notice in notices:
        for name in ("starts_at_utc", "published_at_utc", "expected_end_at_utc", "resolved_at_utc",
                     "created_at_utc", "updated_at_utc"):
            value = getattr(notice, name)
            if value is not None:
                setattr(notice, name, _to_the_minute(value + shift))
        for update in notice.updates:
            update.created_at_utc = _to_the_minute(update.created_at_utc + shift)
    db.session.commit()


def _to_the_minute(value: dt.datetime) -> dt.datetime:
    return value.replace(second=0, microsecond=0)


WINTER_HEADLINE = "Winter weather is causing disruption to services in some parts of the county."


# One mode is enough for pictures: the journeys in every mode already walk these pages.
@pytest.mark.parametrize("mode", [Mode.NORMAL])
def test_the_readme_screenshots_show_the_start_page_a_notice_and_the_officers_check_page(
    journey: Journey, demo_notices: list[Notice], factories: Any, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pin_times(demo_notices)
    for number in range(3):
        factories.SubscriberFactory(area_ids=["weymouth"], contact=f"weymouth.resident{number}@example.com")
    factories.SubscriberFactory(area_ids=["weymouth", "portland"], channel=Channel.SMS, contact="+447700900111")
    officer = factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    # The cause is the officer's to name: the start page says it only because they set this headline.
    set_headline(text=WINTER_HEADLINE, ends_at_utc=utc_now() + dt.timedelta(hours=6),
                 actor=Actor.staff(officer, "127.0.0.1"))

    journey.visit("/")
    assert journey.heading() == "Find out what services may be affected in your area"
    assert "Winter weather is causing disruption" in journey.page.locator(".govuk-notification-banner").inner_text()
    save_docs_screenshot(journey, "start")

    bins = next(notice for notice in demo_notices if notice.title.startswith("Bin collections suspended"))
    journey.visit(f"/notices/{bins.id}")
    assert journey.heading() == bins.title
    assert "7 December 2026" in journey.text(), "the notice shows the pinned times"
    save_docs_screenshot(journey, "notice")

    # Written as the form writes it (no timeline yet), at the pinned time; links in the preview carry the public
    # address and the pinned time, not the test server's port and today.
    draft = notice_lifecycle.create_draft(NoticeDraft(
        title="Weymouth household recycling centre closed", service_id="household-recycling-centres",
        area_ids=["weymouth"], impact=Impact.SEVERE,
        summary="Ice on the site roads makes it unsafe for visitors and lorries.",
        advice="Keep your recycling at home until the centre reopens. Bin collections are not affected.",
        starts_at_utc=PINNED_NOW, expected_end_at_utc=PINNED_NOW + dt.timedelta(hours=28),
    ), created_by_id=officer.id)
    draft.created_at_utc = draft.updated_at_utc = PINNED_NOW
    db.session.commit()
    monkeypatch.setitem(app.config, "BASE_URL", PUBLIC_ADDRESS)
    monkeypatch.setattr(links, "time", SimpleNamespace(time=PINNED_NOW.timestamp))
    sign_in(journey, OFFICER, start=f"/staff/notices/{draft.id}")
    assert journey.heading() == draft.title
    assert "Draft" in journey.page.locator(".govuk-caption-l").inner_text()
    assert journey.page.locator("#audience-total").inner_text() == "3 emails and 1 text"
    assert "https://alerts.dorsetcouncil.gov.uk/s/" in journey.page.locator("#sms-preview").inner_text()
    assert_no_sideways_scroll(journey)  # the previews' long links wrap (WCAG 1.4.10 reflow)
    page = journey.page
    save_docs_screenshot(journey, "officer-preview", between=(
        page.get_by_role("heading", name="Who will be told"), page.get_by_role("button", name="Publish", exact=True)))
