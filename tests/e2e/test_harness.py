"""The harness itself can fail: axe-core reports a known violation, and a script the CSP refuses fails a page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Route

from tests.e2e.browser import AccessibilityViolations, Journey, Mode, run_axe

pytestmark = pytest.mark.e2e

BROKEN_PAGE = """<!doctype html><html lang="en"><head><title>Broken</title></head>
<body><main><h1>Broken</h1><img src="/assets/images/govuk-icon-180.png">
<script>window.ran = true</script></main></body></html>"""


@pytest.fixture
def mode() -> Mode:
    """One mode is enough to prove the harness (this overrides the three-way `mode` of conftest.py)."""
    return Mode.NORMAL


def _serve_broken_page(route: Route) -> None:
    route.fulfill(status=200, content_type="text/html", body=BROKEN_PAGE,
                  headers={"Content-Security-Policy": "script-src 'self' 'nonce-abc'"})


def test_axe_reports_an_image_without_alternative_text(journey: Journey) -> None:
    journey.page.route(journey.base_url + "/broken", _serve_broken_page)
    journey.page.goto(journey.base_url + "/broken")
    assert "image-alt" in [violation["id"] for violation in run_axe(journey.page)]
    with pytest.raises(AccessibilityViolations, match="image-alt"):
        journey.check_page()


def test_an_inline_script_without_the_nonce_is_refused_and_fails_the_page(journey: Journey) -> None:
    journey.page.route(journey.base_url + "/broken", _serve_broken_page)
    journey.page.goto(journey.base_url + "/broken")
    assert journey.page.evaluate("window.ran === undefined"), "the CSP blocked the script"
    assert any("Content Security Policy" in error for error in journey.console_errors)
