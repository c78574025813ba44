"""An officer who forgot their password asks for a link from the sign-in page, reads the email, chooses a new
password and signs in with it. Every page is audited with axe-core in three modes (mouse, JavaScript off, keyboard
only)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from alerts.extensions import db
from alerts.models import Message, MessageKind, Role
from alerts.services.forgotten_passwords import send_requested_links
from tests.e2e import outbox
from tests.e2e.browser import Journey
from tests.e2e.staff import OFFICER

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a quite different passphrase"


def _password_email(email: str) -> Message:
    db.session.rollback()  # the live server wrote the request in its own session
    send_requested_links()  # what the scheduler does every few seconds
    found = list(db.session.scalars(select(Message).where(Message.recipient == email,
                                                          Message.kind == MessageKind.STAFF_PASSWORD_RESET)))
    assert len(found) == 1, found
    return found[0]


def test_an_officer_who_forgot_their_password_chooses_a_new_one_and_signs_in(journey: Journey,
                                                                              factories: Any) -> None:
    factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    journey.visit("/staff/sign-in")
    journey.follow_link("Forgot your password?")
    assert journey.heading() == "Forgot your password?"
    journey.press_button("Send me a link", expected_status=400)
    assert journey.title().startswith("Error: ")
    assert "Enter your email address" in journey.text()
    journey.fill("Email address", OFFICER)
    journey.press_button("Send me a link")
    assert journey.heading() == "Check your email"
    assert "expires in 1 hour" in journey.text()

    journey.visit(outbox.path_of_link_in(_password_email(OFFICER)))
    assert journey.heading() == "Choose a new password"
    journey.fill("New password", NEW_PASSWORD)
    journey.press_button("Save password")
    assert journey.path == "/staff/sign-in"
    assert "Your password has been changed" in journey.text()
    journey.fill("Email address", OFFICER)
    journey.fill("Password", NEW_PASSWORD)
    journey.press_button("Sign in")
    assert journey.heading() == "Staff dashboard"


def test_an_email_that_names_nobody_gets_the_same_answer(journey: Journey) -> None:
    journey.visit("/staff/forgot-password")
    journey.fill("Email address", "nobody@example.com")
    journey.press_button("Send me a link")
    assert journey.heading() == "Check your email"
    journey.follow_link("Back to sign in")
    assert journey.heading() == "Sign in"
