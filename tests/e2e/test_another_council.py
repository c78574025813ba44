"""The same service run by another council. Bournemouth, Christchurch and Poole's profile (an example
to check before use) serves the start page, results for a BH postcode and a notice in its own name and colours."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.browser import Journey, Mode, save_docs_screenshot

pytestmark = pytest.mark.e2e


def test_bcp_residents_find_disruption_in_their_councils_own_service(
        council_journey: Callable[[str], Journey]) -> None:
    journey = council_journey("bcp")
    journey.visit("/")
    assert journey.title() == ("Find out what services may be affected in your area – Check disruption to BCP "
                               "Council services – Bournemouth, Christchurch and Poole Council")
    header = journey.page.locator(".govuk-header, .govuk-generic-header").first
    assert header.inner_text().strip() == "Bournemouth, Christchurch and Poole Council"
    assert "For example, BH2 6DY" in journey.text()
    assert "dorset" not in journey.page.content().lower()
    journey.screenshot("council-bcp-start")
    if journey.mode == Mode.NORMAL:  # docs/councils.md shows it
        save_docs_screenshot(journey, "council-bcp-start")

    journey.fill("Enter your postcode", "BH23 1AA")
    journey.press_button("Find disruption")
    assert journey.heading() == "Disruption near BH23 1AA"
    results = journey.text()
    assert "Christchurch & Highcliffe" in results
    assert "Gritting teams out across Bournemouth, Christchurch and Poole" in results

    journey.follow_link("Gritting teams out across Bournemouth, Christchurch and Poole")
    notice = journey.text()
    assert "Our gritters are treating priority routes across Bournemouth, Christchurch and Poole" in notice
    assert "dorset" not in journey.page.content().lower()
