"""An officer signs in with the council's identity provider (a real local OpenID Connect provider,
oidc-provider-mock, on a loopback port) and publishes a notice; once the provider takes the role away, their next
sign-in is refused.

Our pages are audited with axe-core in every mode; the provider's own pages are not ours, so the journey only
submits their forms (a council's real provider has its own sign-in page there).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Route

from tests.e2e.browser import Journey, Mode
from tests.e2e.staff import latest_notice, write_notice
from tests.oidc_provider import Provider, oidc_provider, single_sign_on  # noqa: F401 — fixtures

pytestmark = pytest.mark.e2e

OFFICER = "sso.officer@dorsetcouncil.example"
BUTTON = "Sign in with Dorset Council account"


def _no_cdn(route: Route) -> None:
    # The provider's pages ask a CDN for a style sheet: the journey runs offline, and the look is not ours to test.
    route.fulfill(status=200, content_type="text/css", body="")


def _at_provider(journey: Journey, provider: Provider) -> None:
    assert journey.page.url.startswith(provider.issuer), journey.page.url


def sign_in_with_provider(journey: Journey, provider: Provider, sub: str, expected_status: int = 200) -> None:
    """Press the provider's button on our sign-in page, sign in at the provider as `sub`, come back to us."""
    journey.page.route("https://cdn.jsdelivr.net/**", _no_cdn)
    button = journey.page.get_by_role("button", name=BUTTON, exact=True)
    with journey.page.expect_navigation():
        if journey.mode == Mode.KEYBOARD:
            journey.tab_to(button)
            journey.page.keyboard.press("Enter")
        else:
            button.click()
    _at_provider(journey, provider)
    journey.page.get_by_placeholder("sub").fill(sub)
    with journey.page.expect_navigation(url=f"{journey.base_url}/**") as navigation:
        journey.page.get_by_role("button", name="Authorize", exact=True).click()
    response = navigation.value
    assert response is not None and response.status == expected_status, (journey.path, response and response.status)
    journey.check_page()


def test_an_officer_signs_in_with_the_providers_role_publishes_and_is_refused_once_it_is_removed(
        journey: Journey, single_sign_on: Provider, factories: Any) -> None:  # noqa: F811
    single_sign_on.set_user("sso-officer", {"email": OFFICER, "email_verified": True, "roles": ["officer"],
                                            "amr": ["pwd", "mfa"]})
    journey.visit("/staff/")
    assert journey.path.startswith("/staff/sign-in")
    sign_in_with_provider(journey, single_sign_on, "sso-officer")
    assert journey.heading() == "Staff dashboard"

    journey.follow_link("Publish a new notice")
    write_notice(journey, "Library closed in Bridport", areas=["Bridport"], service="Libraries")
    journey.press_button("Publish")
    assert "Notice published" in journey.text()
    notice = latest_notice()
    assert notice.created_by is not None and notice.created_by.email == OFFICER, "published as the provider's person"

    # Signing out here goes on to the provider's end-session page, which comes back to our sign-in page.
    journey.follow_link("Sign out", within="header")
    with journey.page.expect_navigation():
        journey.page.get_by_role("button", name="Sign out", exact=True).click()
    _at_provider(journey, single_sign_on)
    with journey.page.expect_navigation(url=f"{journey.base_url}/**"):
        journey.page.get_by_role("button", name="End session", exact=True).click()
    assert journey.path == "/staff/sign-in"
    journey.check_page()

    single_sign_on.set_user("sso-officer", {"email": OFFICER, "email_verified": True, "amr": ["pwd", "mfa"]})
    sign_in_with_provider(journey, single_sign_on, "sso-officer", expected_status=403)
    assert journey.heading() == "You cannot sign in"
    assert "Your access to this service has been removed" in journey.text()
    journey.visit("/staff/")
    assert journey.path.startswith("/staff/sign-in"), "still signed out"
