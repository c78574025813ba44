"""Steps every staff journey shares: signing in and out through the real pages."""

from __future__ import annotations

from alerts.extensions import db
from alerts.models import Notice
from tests.e2e.browser import Journey
from tests.factories import PASSWORD

OFFICER = "officer@dorsetcouncil.example"
SECOND_OFFICER = "second.officer@dorsetcouncil.example"
AGENT = "contact@dorsetcouncil.example"


def sign_in(journey: Journey, email: str, *, start: str = "/staff/") -> None:
    """Open a staff page, get sent to sign in, sign in and land back on it."""
    journey.visit(start)
    assert journey.path.startswith("/staff/sign-in"), "staff pages need sign-in"
    journey.fill("Email address", email)
    journey.fill("Password", PASSWORD)
    journey.press_button("Sign in")
    assert not journey.path.startswith("/staff/sign-in"), journey.text()


def sign_out(journey: Journey) -> None:
    journey.follow_link("Sign out", within="header")
    journey.press_button("Sign out")
    assert journey.path == "/staff/sign-in"


def write_notice(journey: Journey, title: str, *, areas: list[str], service: str = "Bins and recycling") -> None:
    """Fill in the new notice form and save it as a draft (the page that follows is the check page)."""
    journey.fill("Title", title)
    journey.select("Service", service)
    for area in areas:
        journey.set_checked(area)
    journey.choose("Severe: suspended or closed")
    journey.fill("What's happening", "Snow and ice mean crews cannot reach most streets safely.")
    journey.fill("What residents should do", "Keep your bins inside. We will collect extra waste next week.")
    journey.press_button("Save and check")


def latest_notice() -> Notice:
    db.session.rollback()  # the live server wrote it in its own session
    notice = db.session.query(Notice).order_by(Notice.id.desc()).first()
    assert notice is not None
    return notice
