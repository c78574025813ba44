import pytest

from alerts.extensions import db
from alerts.models import Message, Subscriber, SubscriberStatus


def post(client, url: str, body: object):
    return client.post(url, json=body)


def nothing_stored() -> bool:
    return db.session.query(Subscriber).count() == 0 and db.session.query(Message).count() == 0


@pytest.mark.parametrize(("field", "body", "message"), [
    ("contact", {"channel": "sms", "contact": "not a number"}, "Enter a UK mobile number, like 07700 900 982"),
    ("contact", {"channel": "sms", "contact": "01305 221000"}, "Enter a UK mobile number, like 07700 900 982"),
    ("contact", {"channel": "sms", "contact": "+33 6 12 34 56 78"}, "Enter a UK mobile number, like 07700 900 982"),
    ("contact", {"channel": "email", "contact": "not-an-email"},
     "Enter an email address in the correct format, like name@example.com"),
    ("postcode", {"postcode": "DT99"}, "Enter a full UK postcode, like DT1 1XJ"),
    ("postcode", {"postcode": "SW1A 1AA"}, "SW1A 1AA is outside Dorset Council’s area. Enter a postcode in Dorset"),
    ("services", {"services": ["bins-and-recycling", "spaceports"]},
     "Unknown service 'spaceports': see /api/v1/services"),
    ("channel", {"channel": "pigeon"}, "Channel must be sms or email"),
    ("also_contact", {"also_contact": "not-an-email"},
     "Enter an email address in the correct format, like name@example.com"),
])
def test_an_invalid_sign_up_is_a_422_naming_the_field_and_stores_nothing(client, notify, field, body,
                                                                         message) -> None:
    valid = {"channel": "sms", "contact": "07700 900982", "postcode": "DT4 7TA", "services": []}
    response = post(client, "/api/v1/subscriptions", {**valid, **body})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"] == {field: message}
    assert nothing_stored() and notify.requests == []


def test_an_api_text_sign_up_is_accepted_and_confirmed_with_the_code(client, notify, app) -> None:
    response = post(client, "/api/v1/subscriptions", {"channel": "sms", "contact": "07700900982",
                                                      "postcode": "dt4 7ta", "services": ["schools"]})
    assert response.status_code == 202 and response.json["status"] == "confirmation_sent"
    [text] = notify.texts()
    assert text["phone_number"] == "+447700900982"
    assert text["template_id"] == app.config["NOTIFY_SMS_TEMPLATE_ID"]
    wrong = post(client, "/api/v1/subscriptions/confirm", {"contact": "07700 900982", "code": "12345x"})
    assert wrong.status_code == 422 and "code" in wrong.json["errors"]
    response = post(client, "/api/v1/subscriptions/confirm", {"contact": "07700 900982", "code": notify.last_code()})
    assert response.status_code == 200 and response.json["status"] == "confirmed"
    assert response.json["manage_url"].startswith("http://localhost/manage/")
    subscriber = db.session.query(Subscriber).one()
    assert subscriber.status == SubscriberStatus.CONFIRMED and subscriber.consent_source == "api"
    assert [s.id for s in subscriber.services] == ["schools"]
    assert len(notify.requests) == 1


def test_the_api_confirm_does_not_say_whether_a_number_signed_up(client) -> None:
    response = post(client, "/api/v1/subscriptions/confirm", {"contact": "07700 900982", "code": "123456"})
    assert response.status_code == 422
    assert response.json["errors"] == {
        "code": "The code is not correct, or it has expired. Check the text message, or ask for a new code"}


def test_the_api_shares_the_limits_and_refuses_with_429_problem_json(client, notify, app) -> None:
    saved = app.config["SIGNUP_LIMITS_PER_CONTACT"]
    app.config["SIGNUP_LIMITS_PER_CONTACT"] = "1 per hour"
    try:
        body = {"channel": "email", "contact": "resident@example.com", "postcode": "DT4 7TA"}
        assert post(client, "/api/v1/subscriptions", body).status_code == 202
        response = post(client, "/api/v1/subscriptions", body)
        assert response.status_code == 429 and response.mimetype == "application/problem+json"
        assert int(response.headers["Retry-After"]) > 0
        assert len(notify.emails()) == 1
    finally:
        app.config["SIGNUP_LIMITS_PER_CONTACT"] = saved


def test_the_openapi_document_describes_the_sign_up_endpoints(client) -> None:
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert document["paths"]["/api/v1/subscriptions"]["post"]["responses"].keys() >= {"202", "422", "429"}
    assert document["paths"]["/api/v1/subscriptions/confirm"]["post"]["responses"].keys() >= {"200", "422", "429"}


def test_an_api_sign_up_with_both_contacts_links_them_as_each_is_confirmed(client, notify) -> None:
    """The same function as the pages: the also_contact is the same person, linked once both are confirmed."""
    from sqlalchemy import select

    from alerts.models import Channel

    response = post(client, "/api/v1/subscriptions", {"channel": "sms", "contact": "07700 900983",
                                                      "postcode": "DT4 7TA", "also_contact": "api.both@example.com"})
    assert response.status_code == 202
    assert response.json["detail"] == ("We are sending a code by text message and a link by email. Nothing else "
                                       "is sent until each is confirmed.")
    assert [body["email_address"] for body in notify.emails()] == ["api.both@example.com"]
    confirmed = post(client, "/api/v1/subscriptions/confirm", {"contact": "07700 900983", "code": notify.last_code()})
    assert confirmed.status_code == 200
    text = db.session.scalar(select(Subscriber).where(Subscriber.channel == Channel.SMS))
    email = db.session.scalar(select(Subscriber).where(Subscriber.channel == Channel.EMAIL))
    assert text is not None and email is not None
    assert email.status == SubscriberStatus.PENDING and text.resident_id is not None
    assert email.resident_id is None  # not linked until it is confirmed
