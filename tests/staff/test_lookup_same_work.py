"""Finding a caller does the same database work whether they are signed up or not (as
tests/subscribe/test_same_work.py checks for residents): the page shows the agent the answer, and its time should
tell nobody else anything."""

from collections.abc import Callable

from flask import Flask

from alerts.models import Channel, Role
from tests.subscribe.test_same_work import KNOWN_EMAIL, UNKNOWN_EMAIL, work_of, writes


def test_finding_a_caller_does_the_same_database_work_found_or_not(app: Flask, factories, client_request,
                                                                     sign_in_as) -> None:
    factories.SubscriberFactory(channel=Channel.EMAIL, contact=KNOWN_EMAIL)
    sign_in_as(Role.CONTACT_CENTRE)

    def find(contact: str) -> Callable[[], object]:
        return lambda: client_request.post_form("/staff/lookup", {"contact": contact}, 200)

    found, not_found = work_of(find(KNOWN_EMAIL)), work_of(find(UNKNOWN_EMAIL))

    assert found == not_found
    assert "INSERT" in writes(found), "the search is audited, found or not"


def test_the_agent_still_sees_who_was_found_and_can_open_their_page(factories, client_request, sign_in_as) -> None:
    found = factories.SubscriberFactory(channel=Channel.EMAIL, contact=KNOWN_EMAIL)
    sign_in_as(Role.CONTACT_CENTRE)
    page = client_request.post_form("/staff/lookup", {"contact": KNOWN_EMAIL}, 200)
    result = page.soup.select_one("#subscriber-result")
    assert result.get_text(" ", strip=True) == f"{KNOWN_EMAIL} (confirmed)"
    assert result.a["href"] == f"/staff/lookup/subscribers/{found.public_id}"
