"""For a council that writes in Welsh: the cap on places says so in Welsh, and the contact centre asks a caller
which language their alerts come in (Cymraeg or English, each named in its own language), the council's first
language unless the caller says otherwise."""

from __future__ import annotations

from alerts.data import reference
from alerts.data import subscribers as subscriber_data
from alerts.data.subscribers import MAX_PLACES_PER_PERSON
from alerts.extensions import db
from alerts.models import Channel, Role, Subscriber
from alerts.profile import council
from tests import factories
from tests.pages import Page, PageClient
from tests.staff.conftest import post_form, sign_in

SIGN_UP = "/staff/lookup/sign-up"


def test_the_cap_on_postcodes_is_explained_in_welsh(client_request: PageClient) -> None:
    with client_request.client.session_transaction() as session:
        session["subscribe"] = {"started_at": 0,
                                "areas": [[f"area-{n}", f"AB{n} 1AA"] for n in range(MAX_PLACES_PER_PERSON)]}
    page = client_request.post_form("/cy/subscribe/postcodes", {"add_another": "yes"})
    assert page.soup.html["lang"] == "cy"
    assert page.error_summary() == [f"Gallwch ychwanegu hyd at {MAX_PLACES_PER_PERSON} cod post. Tynnwch un i "
                                    "ychwanegu un arall"]


def _answers(**changes: object) -> dict:
    return {"mobile": "07700 900 456", "postcodes": council().example_postcode,
            "services": [service.id for service in reference.list_services()], "frequency": "each",
            "consent": "y", **changes}


def _legend(page: Page) -> str:
    return page.soup.select_one('input[name="language"]').find_parent("fieldset").legend.get_text(strip=True)


def _caller(number: str = "+447700900456") -> Subscriber:
    db.session.expire_all()
    found = subscriber_data.find_subscriber(Channel.SMS, number)
    assert found is not None
    return found


def test_the_phone_sign_up_asks_the_callers_language_the_councils_first_by_default(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.CONTACT_CENTRE))
    page = client_request.get(SIGN_UP)
    radios = page.select('input[name="language"]')
    assert [(radio["value"], "checked" in radio.attrs) for radio in radios] == [("cy", True), ("en", False)]
    labels = [page.soup.select_one(f'label[for="{radio["id"]}"]') for radio in radios]
    assert [(label.get_text(strip=True), label["lang"]) for label in labels] == [("Cymraeg", "cy"),
                                                                                ("English", "en")]
    assert _legend(page) == "Which language do they want their alerts in?"
    assert council().default_language == "cy"


def test_the_callers_language_is_kept_with_their_sign_up(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.CONTACT_CENTRE))
    post_form(client_request, SIGN_UP, _answers(language="en"), token_from=SIGN_UP)
    assert _caller().language == "en"
    post_form(client_request, SIGN_UP, _answers(mobile="07700 900 457", language="cy"), token_from=SIGN_UP)
    assert _caller("+447700900457").language == "cy"


def test_the_phone_sign_up_needs_a_language_and_asks_for_it_in_welsh(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.CONTACT_CENTRE))
    page = client_request.post_form(f"/cy{SIGN_UP}", _answers(), 400)
    assert page.error_summary() == ["Dewiswch ym mha iaith maen nhw eisiau eu rhybuddion"]
    assert _legend(page) == "Ym mha iaith maen nhw eisiau eu rhybuddion?"
