"""A resident finds disruption by postcode: start page, results, one notice, then the ways it can go wrong.

Runs with a mouse, with JavaScript turned off and with only a keyboard (the `journey` fixture); every page on
the way is checked with axe-core and must have no WCAG 2.2 A or AA violations.
"""

from __future__ import annotations

from typing import Any

import pytest

from alerts.models import Impact, Notice
from tests.e2e.browser import DESKTOP, PHONE, Journey, Mode

pytestmark = pytest.mark.e2e


def test_a_resident_finds_the_disruption_near_their_postcode_and_reads_a_notice(
    journey: Journey, demo_notices: list[Notice]
) -> None:
    journey.visit("/")
    assert journey.heading() == "Find out what services may be affected in your area"
    assert "There is disruption to" in journey.text()
    assert "Winter weather" not in journey.text(), "no cause that no officer named"
    if journey.mode == Mode.KEYBOARD:
        journey.page.keyboard.press("Tab")
        assert journey.focused().inner_text() == "Skip to main content", "the first Tab stop skips to the content"
    journey.screenshot("start")

    journey.fill("Enter your postcode", "dt47ta")
    journey.press_button("Find disruption")

    assert journey.path == "/notices?postcode=dt47ta"
    assert journey.heading() == "Disruption near DT4 7TA"
    assert journey.title().startswith("Disruption near DT4 7TA")
    results = journey.text()
    assert "Bin collections suspended in Weymouth and Portland" in results
    assert "Gritting teams out across Dorset" in results, "county-wide notices reach every postcode"
    assert "Sherborne Primary School closed today" not in results, "only notices for the resident's area"
    assert results.index("Bin collections suspended") < results.index("Gritting teams"), "most severe first"
    journey.screenshot("notices")

    journey.follow_link("Bin collections suspended in Weymouth and Portland")

    assert journey.heading() == "Bin collections suspended in Weymouth and Portland"
    notice = journey.text()
    assert "Severe: suspended or closed" in notice
    assert "Keep your bins inside your property." in notice
    assert "Crews will try the main roads in Weymouth this afternoon" in notice, "the timeline shows updates"
    journey.screenshot("notice")


def test_a_resident_who_mistypes_their_postcode_is_told_how_to_fix_it(
    journey: Journey, demo_notices: list[Notice]
) -> None:
    journey.visit("/")
    journey.fill("Enter your postcode", "DT4 7T")
    journey.press_button("Find disruption", expected_status=400)

    assert journey.title().startswith("Error: ")
    summary = journey.page.locator(".govuk-error-summary")
    assert "Enter a full UK postcode, like DT1 1XJ" in summary.inner_text()
    assert journey.page.get_by_label("Enter your postcode").input_value() == "DT4 7T", "what they typed is kept"
    if journey.mode != Mode.NO_JAVASCRIPT:
        # GOV.UK Frontend moves focus to the error summary so screen readers announce it at once.
        assert journey.page.evaluate("document.activeElement.closest('.govuk-error-summary') !== null")
    journey.screenshot("postcode-error")

    journey.follow_in_page_link("Enter a full UK postcode, like DT1 1XJ")
    if journey.mode != Mode.NO_JAVASCRIPT:
        assert journey.focused().get_attribute("id") == "postcode", "the error links to the field"

    journey.fill("Enter your postcode", "DT4 7TA")
    journey.press_button("Find disruption")
    assert journey.heading() == "Disruption near DT4 7TA"


def test_a_resident_with_no_postcode_is_asked_for_one(journey: Journey, demo_notices: list[Notice]) -> None:
    journey.visit("/")
    journey.press_button("Find disruption", expected_status=400)
    assert "Enter a postcode" in journey.page.locator(".govuk-error-summary").inner_text()


def test_a_postcode_outside_dorset_gets_a_clear_answer_not_an_error(
    journey: Journey, demo_notices: list[Notice]
) -> None:
    journey.visit("/")
    journey.fill("Enter your postcode", "SW1A 1AA")
    journey.press_button("Find disruption")
    assert journey.heading() == "SW1A 1AA is outside Dorset Council’s area"
    journey.follow_link("Search for another postcode")
    assert journey.path == "/"


def test_a_postcode_with_no_disruption_says_so(journey: Journey) -> None:
    journey.visit("/")
    assert "Winter weather is causing disruption" not in journey.text(), "no banner when nothing is disrupted"
    assert "There is disruption to" not in journey.text(), "no banner when nothing is disrupted"
    journey.fill("Enter your postcode", "BH19 1AB")
    journey.press_button("Find disruption")
    assert "There is no reported disruption to council services in Swanage at the moment." in journey.text()


def test_the_information_pages_and_a_missing_page_are_accessible(journey: Journey) -> None:
    journey.visit("/")
    journey.follow_link("Accessibility statement", within="footer")
    assert journey.heading().startswith("Accessibility statement")
    journey.follow_link("Privacy notice", within="footer")
    journey.follow_link("Cookies", within="footer")
    journey.visit("/notices/999999", expected_status=404)
    assert journey.heading() == "Page not found"
    journey.screenshot("not-found")
    journey.follow_link("check for disruption to Dorset Council services by postcode")
    assert journey.path == "/"


def test_results_of_every_severity_in_several_services_read_most_serious_first_after_the_alerts_link(
    journey: Journey, factories: Any
) -> None:
    def live(title: str, service_id: str, impact: Impact, area_ids: list[str]) -> None:
        factories.NoticeFactory(title=title, service_id=service_id, impact=impact, area_ids=area_ids)

    # Written least serious first, so neither the order written nor the service can explain the order shown.
    live("Library opening late", "libraries", Impact.MINOR, ["weymouth"])
    live("School buses running late", "school-and-send-transport", Impact.MINOR, ["weymouth"])
    live("Gritting routes partly closed", "roads-and-gritting", Impact.MAJOR, ["whole-county"])
    live("Household recycling centre closed", "household-recycling-centres", Impact.SEVERE, ["weymouth"])
    live("Bin collections suspended", "bins-and-recycling", Impact.SEVERE, ["weymouth", "portland"])

    journey.visit("/")
    journey.fill("Enter your postcode", "DT4 7TA")
    journey.press_button("Find disruption")
    assert journey.heading() == "Disruption near DT4 7TA"
    assert "The most serious are shown first" in journey.text()

    cards = journey.page.locator(".app-notice-card")
    tags = [tag.split(":")[0] for tag in cards.locator(".app-impact-tag").all_inner_texts()]
    assert tags == ["Severe", "Severe", "Major", "Minor", "Minor"], "most serious first, whatever the service"
    services = cards.locator(".govuk-summary-list__row:first-child dd").all_inner_texts()
    assert len(set(services)) == 5, services

    alerts = journey.page.get_by_role("link", name="Get alerts for Weymouth", exact=True)
    assert alerts.count() == 2, "before the first notice and again after the last"
    for size in (PHONE, DESKTOP):
        journey.page.set_viewport_size(size)
        first_link = alerts.first.evaluate("element => element.getBoundingClientRect().top + window.scrollY")
        first_card = cards.first.evaluate("element => element.getBoundingClientRect().top + window.scrollY")
        last_card = cards.last.evaluate("element => element.getBoundingClientRect().bottom + window.scrollY")
        last_link = alerts.last.evaluate("element => element.getBoundingClientRect().top + window.scrollY")
        assert first_link < first_card and last_link > last_card, (size, first_link, first_card)
    journey.screenshot("notices-every-severity")

    journey.follow_link("Get alerts for Weymouth")
    assert journey.path.startswith("/subscribe?postcode=DT4")
