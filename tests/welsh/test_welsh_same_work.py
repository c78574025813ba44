"""The language a resident chooses changes nothing a prober could time: signing up in Welsh again reads and writes
as much as a first Welsh sign-up, on the pages and the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from alerts.extensions import db
from alerts.models import Channel
from tests.pages import PageClient
from tests.subscribe.test_same_work import work_of, writes

KNOWN_EMAIL, UNKNOWN_EMAIL = "preswylydd@example.com", "dieithryn@example.com"


@pytest.fixture(autouse=True)
def generous_limits(app: Flask) -> Iterator[None]:
    saved = dict(app.config)
    app.config.update(SIGNUP_LIMITS_PER_IP="10000 per hour", SIGNUP_LIMITS_PER_CONTACT="10000 per hour",
                      SIGNUP_MIN_FILL_SECONDS=0)
    yield
    app.config.clear()
    app.config.update(saved)


@pytest.fixture
def known(factories) -> None:
    factories.SubscriberFactory(channel=Channel.EMAIL, contact=KNOWN_EMAIL, language="en", area_ids=["aberystwyth"])
    db.session.commit()


def _selects(work: list[str]) -> int:
    return sum(step.startswith("SELECT") for step in work)


def test_signing_up_again_in_welsh_does_the_same_work_as_a_first_welsh_sign_up(app: Flask, known: None) -> None:
    def sign_up(contact: str) -> Callable[[], object]:
        resident = PageClient(app.test_client())
        with resident.client.session_transaction() as session:
            session["subscribe"] = {"started_at": 0, "areas": [["aberystwyth", "SY23 3UE"]], "services": None,
                                    "channel": "email", "digest": False, "contact": contact, "contact_typed": contact,
                                    "language": "cy"}
        return lambda: resident.post_form("/cy/subscribe/check", {}, 302)

    again, first = work_of(sign_up(KNOWN_EMAIL)), work_of(sign_up(UNKNOWN_EMAIL))

    assert _selects(again) == _selects(first)
    assert again.count("COMMIT") == first.count("COMMIT") == 1
    assert len(writes(again)) == len(writes(first))


def test_the_api_sign_up_in_welsh_reads_no_more_for_a_subscriber(app: Flask, known: None) -> None:
    def sign_up(contact: str) -> Callable[[], object]:
        client = app.test_client()
        return lambda: client.post("/api/v1/subscriptions", json={"channel": "email", "contact": contact,
                                                                  "postcode": "SY23 3UE", "language": "cy"})

    again, first = work_of(sign_up(KNOWN_EMAIL)), work_of(sign_up(UNKNOWN_EMAIL))

    assert _selects(again) == _selects(first)
    assert again.count("COMMIT") == first.count("COMMIT") == 1
