from __future__ import annotations

from typing import Any

import pytest
import requests
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.authentication import create_jwt_token
from notifications_python_client.errors import HTTPError

from bench.notify_simulator import DEFAULT_EMAIL_TEMPLATE_ID, DEFAULT_SMS_TEMPLATE_ID, RunningSimulator

from .conftest import MakeClient, StartSimulator

UNKNOWN_TEMPLATE = "9d3b7a55-0000-4000-8000-00000000abcd"


def errors_for(client: NotificationsAPIClient, path: str, body: dict[str, Any]) -> tuple[int, list[dict[str, str]]]:
    with pytest.raises(HTTPError) as failure:
        client.post(path, body)
    return failure.value.status_code, failure.value.message


def validation(*messages: str) -> list[dict[str, str]]:
    return [{"error": "ValidationError", "message": m} for m in messages]


def test_missing_required_fields_are_listed(client: NotificationsAPIClient) -> None:
    assert errors_for(client, "/v2/notifications/sms", {}) == (
        400,
        validation("phone_number is a required property", "template_id is a required property"),
    )
    assert errors_for(client, "/v2/notifications/email", {"template_id": DEFAULT_EMAIL_TEMPLATE_ID}) == (
        400,
        validation("email_address is a required property"),
    )


def test_ids_must_be_uuids_and_unknown_properties_are_refused(client: NotificationsAPIClient) -> None:
    body = {"phone_number": "07700900123", "template_id": "abc", "sms_sender_id": "x", "foo": 1}

    assert errors_for(client, "/v2/notifications/sms", body) == (
        400,
        validation(
            "template_id is not a valid UUID",
            "sms_sender_id is not a valid UUID",
            "Additional properties are not allowed (foo was unexpected)",
        ),
    )


def test_personalisation_must_be_an_object_and_reference_at_most_1000_characters(
    client: NotificationsAPIClient,
) -> None:
    body = {"phone_number": "07700900123", "template_id": DEFAULT_SMS_TEMPLATE_ID, "personalisation": ["x"]}
    status, errors = errors_for(client, "/v2/notifications/sms", {**body, "reference": "r" * 1001})

    assert status == 400
    assert errors[0] == {"error": "ValidationError", "message": "personalisation [x] is not of type object"}
    assert errors[1]["message"].startswith("reference rrr") and errors[1]["message"].endswith(" is too long")


@pytest.mark.parametrize(
    ("phone_number", "error", "message"),
    [
        ("0770090012a", "ValidationError", "phone_number Must not contain letters or symbols"),
        ("077009001234", "ValidationError", "phone_number Too many digits"),
        ("07911 12345", "ValidationError", "phone_number Not enough digits"),
        ("01202 123456", "InvalidPhoneError", "Not a UK mobile number"),
        ("+33 6 12 34 56 78", "BadRequestError", "Cannot send to international mobile numbers"),
    ],
)
def test_phone_numbers_must_be_uk_mobiles(
    client: NotificationsAPIClient, phone_number: str, error: str, message: str
) -> None:
    body = {"phone_number": phone_number, "template_id": DEFAULT_SMS_TEMPLATE_ID, "personalisation": {"body": "x"}}

    assert errors_for(client, "/v2/notifications/sms", body) == (400, [{"error": error, "message": message}])


@pytest.mark.parametrize(
    "phone_number", ["07700900982", "07700 900 002", "+447700900123", "07911 123456", "+44 (0)7911 123456"]
)
def test_uk_mobiles_including_the_drama_range_are_accepted(client: NotificationsAPIClient, phone_number: str) -> None:
    assert client.send_sms_notification(phone_number, DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})["id"]


@pytest.mark.parametrize("address", ["no-at-sign", "a@b", "a..b@example.com", "a@example..com", "a b@example.com"])
def test_invalid_email_addresses_are_refused(client: NotificationsAPIClient, address: str) -> None:
    body = {"email_address": address, "template_id": DEFAULT_EMAIL_TEMPLATE_ID}

    assert errors_for(client, "/v2/notifications/email", body) == (
        400,
        validation("email_address Not a valid email address"),
    )


def test_an_unknown_template_is_not_found(client: NotificationsAPIClient) -> None:
    body = {"phone_number": "07700900123", "template_id": UNKNOWN_TEMPLATE}

    assert errors_for(client, "/v2/notifications/sms", body) == (
        400,
        [{"error": "BadRequestError", "message": "Template not found"}],
    )


def test_unknown_templates_can_be_allowed_for_benchmarks(start: StartSimulator, make_client: MakeClient) -> None:
    simulator = start(accept_unknown_templates=True)

    response = make_client(simulator).send_sms_notification("07700900123", UNKNOWN_TEMPLATE, {"body": "x"})

    assert response["template"]["id"] == UNKNOWN_TEMPLATE


def test_an_email_template_cannot_send_a_text(client: NotificationsAPIClient) -> None:
    body = {"phone_number": "07700900123", "template_id": DEFAULT_EMAIL_TEMPLATE_ID}

    assert errors_for(client, "/v2/notifications/sms", body) == (
        400,
        [{"error": "BadRequestError", "message": "email template is not suitable for sms notification"}],
    )


def test_missing_personalisation_is_named(client: NotificationsAPIClient) -> None:
    sms = {"phone_number": "07700900123", "template_id": DEFAULT_SMS_TEMPLATE_ID}
    email = {"email_address": "a@example.org", "template_id": DEFAULT_EMAIL_TEMPLATE_ID, "personalisation": {"x": 1}}

    assert errors_for(client, "/v2/notifications/sms", sms) == (
        400,
        [{"error": "BadRequestError", "message": "Missing personalisation: body"}],
    )
    assert errors_for(client, "/v2/notifications/email", email)[1][0]["message"] == (
        "Missing personalisation: subject, body"
    )


def test_a_text_over_918_characters_is_too_long(client: NotificationsAPIClient) -> None:
    body = {
        "phone_number": "07700900123",
        "template_id": DEFAULT_SMS_TEMPLATE_ID,
        "personalisation": {"body": "x" * 919},
    }

    assert errors_for(client, "/v2/notifications/sms", body)[1][0]["message"] == (
        "Your message is too long. Text messages cannot be longer than 918 characters. "
        "Your message is 919 characters long."
    )


def test_invalid_json_is_a_bad_request(simulator: RunningSimulator) -> None:
    jwt_token = create_jwt_token(simulator.config.api_keys[0].secret, simulator.service_id)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {jwt_token}"}
    response = requests.post(f"{simulator.base_url}/v2/notifications/sms", data="{not json", headers=headers, timeout=2)

    assert response.status_code == 400
    assert response.json()["errors"] == [{"error": "BadRequestError", "message": "Invalid JSON supplied in POST data"}]


def test_rejected_requests_are_not_recorded(client: NotificationsAPIClient, simulator: RunningSimulator) -> None:
    errors_for(client, "/v2/notifications/sms", {"phone_number": "01202123456", "template_id": DEFAULT_SMS_TEMPLATE_ID})

    assert simulator.accepted() == []
    assert simulator.stats()["responses_by_status"] == {"400": 1}
