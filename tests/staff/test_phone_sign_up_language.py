"""A council that writes only in English asks a caller no language question: the phone sign-up is as it was."""

from __future__ import annotations

from alerts.data import subscribers as subscriber_data
from alerts.models import Channel, Role
from tests.staff.conftest import post_form


def test_an_english_only_council_asks_no_language(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    page = client_request.get("/staff/lookup/sign-up")
    assert not page.soup.select('input[name="language"]')
    post_form(client_request, "/staff/lookup/sign-up",
              {"email": "caller@example.com", "postcodes": "DT4 7TA", "services": ["schools"], "frequency": "each",
               "consent": "y"}, token_from="/staff/lookup/sign-up")
    caller = subscriber_data.find_subscriber(Channel.EMAIL, "caller@example.com")
    assert caller is not None and caller.language == "en"
