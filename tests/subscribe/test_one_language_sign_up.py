"""A council that writes in English only asks nobody which language they want: its journey, manage page and API
are as they were, and its API refuses Welsh."""

from __future__ import annotations

from alerts import links
from alerts.data import subscribers as subscriber_data
from alerts.extensions import db
from alerts.models import Channel


def test_the_journey_goes_from_the_contact_to_the_check_page_without_a_language_question(client_request) -> None:
    client_request.get("/subscribe")
    client_request.post_form("/subscribe", {"postcode": "DT4 7TA"}, 302)
    client_request.post_form("/subscribe/how", {"channel": "email"}, 302)
    moved = client_request.post_form("/subscribe/contact", {"contact": "jo@example.com", "website": ""}, 302)
    assert moved.response.location == "/subscribe/check"
    check = client_request.get("/subscribe/check")
    assert "Language" not in [dt.get_text(strip=True) for dt in check.select(".govuk-summary-list__key")]
    assert client_request.client.get("/subscribe/language").status_code == 302


def test_the_manage_page_has_no_language_to_change(client_request, factories) -> None:
    subscriber = factories.SubscriberFactory(channel=Channel.EMAIL, contact="jo@example.com")
    token = links.make_token(links.MANAGE, subscriber.id, subscriber.token_version)
    page = client_request.get(f"/manage/{token}")
    assert "Language" not in [dt.get_text(strip=True) for dt in page.select(".govuk-summary-list__key")]
    client_request.get(f"/manage/{token}/language", expected_status=404)


def test_an_api_sign_up_in_english_is_accepted(client) -> None:
    body = {"channel": "email", "contact": "jo@example.com", "postcode": "DT4 7TA", "language": "en"}
    assert client.post("/api/v1/subscriptions", json=body).status_code == 202
    db.session.expire_all()
    assert subscriber_data.find_subscriber(Channel.EMAIL, "jo@example.com").language == "en"


def test_the_api_refuses_welsh_from_a_council_that_does_not_write_in_it(client) -> None:
    body = {"channel": "email", "contact": "jo@example.com", "postcode": "DT4 7TA", "language": "cy"}
    response = client.post("/api/v1/subscriptions", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"] == {"language": "Language must be one of: en"}
    assert subscriber_data.find_subscriber(Channel.EMAIL, "jo@example.com") is None
