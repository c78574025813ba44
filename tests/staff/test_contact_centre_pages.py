"""What an agent reads while a caller is on the line: the live disruption on the dashboard, most serious first as
residents see it, and mobile numbers written the way people say them."""

from __future__ import annotations

from alerts.data import notices as notice_data
from alerts.models import Channel, Impact, Role, SubscriberStatus


def test_the_contact_centre_dashboard_lists_live_disruption_most_serious_first(
        client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    minor = factories.NoticeFactory(title="Library opening late", service_id="libraries", impact=Impact.MINOR,
                                    area_ids=["weymouth"])
    severe = factories.NoticeFactory(title="Bins suspended", impact=Impact.SEVERE, area_ids=["weymouth", "portland"])
    major = factories.NoticeFactory(title="Gritting everywhere", service_id="roads-and-gritting",
                                    impact=Impact.MAJOR, area_ids=["whole-county"])
    factories.NoticeFactory(title="A draft nobody sees", status="draft")

    page = client_request.get("/staff/")
    cards = page.soup.select("#live-disruption .govuk-summary-card")
    assert [c.select_one(".govuk-summary-card__title").get_text(strip=True) for c in cards] == [
        "Bins suspended", "Gritting everywhere", "Library opening late"]
    first = {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
             for row in cards[0].select(".govuk-summary-list__row")}
    assert first == {"Severity": "Severe: suspended or closed", "Service": "Bins and recycling",
                     "Areas": "Weymouth, Portland"}
    assert cards[0].select_one(".govuk-summary-card__title a")["href"] == f"/notices/{severe.id}"
    assert "Whole county" in cards[1].get_text(" ")
    assert [n.id for n in notice_data.active_notices()] == [severe.id, major.id, minor.id], (
        "the same order as a resident's results")


def test_the_dashboard_says_when_nothing_is_disrupted(client_request, sign_in_as) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    page = client_request.get("/staff/")
    assert "There is no live disruption." in page.soup.select_one("#live-disruption").get_text(" ", strip=True)


def test_an_officer_dashboard_keeps_its_own_live_list(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    factories.NoticeFactory(title="Bins suspended")
    page = client_request.get("/staff/")
    assert page.soup.select_one("#live-disruption") is None


def test_mobile_numbers_read_in_uk_national_format_on_every_staff_page(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    caller = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900777")
    found = client_request.post_form("/staff/lookup", {"contact": "07700900777"})
    assert found.soup.select_one("#subscriber-result a").get_text(strip=True) == "07700 900777"
    base = f"/staff/lookup/subscribers/{caller.public_id}"
    assert client_request.get(base).soup.select_one("h1").get_text(strip=True) == "07700 900777"
    for path in ("/unsubscribe", "/erase", "/export"):
        page = client_request.get(base + path)
        assert "07700 900777" in page.text and "+447700900777" not in page.text, path
    assert caller.contact == "+447700900777", "E.164 is what is stored"


def test_an_email_address_and_an_erased_contact_read_as_they_are(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    caller = factories.SubscriberFactory(contact="someone@example.com", status=SubscriberStatus.CONFIRMED)
    page = client_request.get(f"/staff/lookup/subscribers/{caller.public_id}")
    assert page.soup.select_one("h1").get_text(strip=True) == "someone@example.com"
