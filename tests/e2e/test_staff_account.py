"""An officer looks after their own account. They change their password; with MFA_REQUIRED on, a new
officer sets up an authenticator app at first sign-in (reading the key as text, as someone who cannot scan would),
then signs in with a code and, without their phone, with a recovery code. Audited in all three modes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from flask import Flask

from alerts.models import Role
from tests.e2e.browser import Journey
from tests.e2e.staff import OFFICER, sign_in, sign_out
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a quite different passphrase"


@pytest.fixture
def mfa_required(app: Flask) -> Iterator[None]:
    app.config["MFA_REQUIRED"] = True
    yield
    app.config["MFA_REQUIRED"] = False


def sign_in_with_password(journey: Journey, email: str, password: str = PASSWORD) -> None:
    journey.visit("/staff/sign-in")
    journey.fill("Email address", email)
    journey.fill("Password", password)
    journey.press_button("Sign in")


def test_an_officer_changes_their_password(journey: Journey, factories: Any) -> None:
    factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    sign_in(journey, OFFICER)
    journey.follow_link("Your account", within="header")
    assert journey.heading() == "Your account"
    journey.follow_link("Change your password")
    assert journey.heading() == "Change your password"
    journey.fill("Current password", "not my password")
    journey.fill("New password", NEW_PASSWORD)
    journey.press_button("Change password", expected_status=400)
    assert journey.title().startswith("Error: ")
    assert "Your current password is not right" in journey.text()
    journey.fill("Current password", PASSWORD)
    journey.fill("New password", NEW_PASSWORD)
    journey.press_button("Change password")
    assert journey.heading() == "Your account"
    assert "Your password has been changed" in journey.text()
    journey.screenshot("staff-account")
    sign_out(journey)
    sign_in_with_password(journey, OFFICER, NEW_PASSWORD)
    assert journey.heading() == "Staff dashboard"


def test_a_new_officer_sets_up_a_second_factor_then_signs_in_with_a_code_and_a_recovery_code(
        journey: Journey, factories: Any, mfa_required: None) -> None:
    factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    sign_in_with_password(journey, OFFICER)
    assert journey.heading() == "Set up your authenticator app", "no staff page before the second factor"
    journey.visit("/staff/notices")
    assert journey.heading() == "Set up your authenticator app"
    assert journey.page.locator("#qr-code svg").count() == 1
    secret = journey.page.locator("#secret").inner_text().replace(" ", "")
    journey.fill("Code from your authenticator app", "000000")
    journey.press_button("Continue", expected_status=400)
    assert "The code is not right" in journey.text()
    journey.fill("Code from your authenticator app", pyotp.TOTP(secret).now())
    journey.press_button("Continue")
    assert journey.heading() == "Authenticator app set up"
    assert "Save your recovery codes" in journey.text()
    codes = [code.strip() for code in journey.page.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    journey.screenshot("staff-recovery-codes")
    journey.follow_link("I have saved my recovery codes")
    assert journey.heading() == "Staff dashboard"
    sign_out(journey)

    sign_in_with_password(journey, OFFICER)
    assert journey.heading() == "Enter your security code"
    # The set-up code used this 30-second step; the app's next code is accepted within the allowed drift.
    journey.fill("Security code", pyotp.TOTP(secret).at(time.time() + 30))
    journey.press_button("Continue")
    assert journey.heading() == "Staff dashboard"
    sign_out(journey)

    sign_in_with_password(journey, OFFICER)
    journey.fill("Security code", codes[0])
    journey.press_button("Continue")
    assert journey.heading() == "Staff dashboard"
    assert "You used a recovery code" in journey.text()
    sign_out(journey)

    sign_in_with_password(journey, OFFICER)
    journey.fill("Security code", codes[0])
    journey.press_button("Continue", expected_status=400)
    assert "The code is not right" in journey.text(), "a recovery code works once"
