from __future__ import annotations

import pytest
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

from bench.notify_simulator import DEFAULT_EMAIL_TEMPLATE_ID, DEFAULT_SMS_TEMPLATE_ID, RunningSimulator, Template

from .conftest import MakeClient, StartSimulator


def test_a_valid_sms_send_returns_notifys_created_shape(
    client: NotificationsAPIClient, simulator: RunningSimulator
) -> None:
    response = client.send_sms_notification(
        "07700 900 123", DEFAULT_SMS_TEMPLATE_ID, {"body": "Road closed at Wool"}, reference="alert-1"
    )

    assert set(response) == {"id", "reference", "content", "uri", "template", "scheduled_for"}
    assert response["reference"] == "alert-1"
    assert response["content"] == {"body": "Road closed at Wool", "from_number": "GOVUK"}
    assert response["uri"] == f"{simulator.base_url}/v2/notifications/{response['id']}"
    assert response["template"]["id"] == DEFAULT_SMS_TEMPLATE_ID
    assert set(response["template"]) == {"id", "version", "uri"}
    assert response["scheduled_for"] is None


def test_a_valid_email_send_returns_content_with_subject_and_sanitised_content(client: NotificationsAPIClient) -> None:
    response = client.send_email_notification(
        "resident@example.org", DEFAULT_EMAIL_TEMPLATE_ID, {"subject": "Bin day moved", "body": "Now Friday"}
    )

    assert response["reference"] is None
    assert response["content"] == {
        "subject": "Bin day moved",
        "body": "Now Friday",
        "from_email": "dorset.alerts@notifications.service.gov.uk",
        "one_click_unsubscribe_url": None,
    }
    assert response["sanitised_content"] == {}


def test_placeholder_names_ignore_case_spaces_and_underscores(start: StartSimulator, make_client: MakeClient) -> None:
    template = Template("0b8e2c1a-1111-4111-8111-111111111111", "sms", "Hi ((First name)), ((Road_Name)) closed")
    simulator = start(templates={template.id: template})

    response = make_client(simulator).send_sms_notification(
        "07700900123", template.id, {"first_name": "Amala", "road-name": "A35"}
    )

    assert response["content"]["body"] == "Hi Amala, A35 closed"


def test_get_by_id_returns_the_full_object_and_final_status_after_the_receipt_delay(
    start: StartSimulator, make_client: MakeClient
) -> None:
    simulator = start(receipt_delay_ms=0)
    client = make_client(simulator)
    sent = client.send_sms_notification("07700900002", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"}, reference="r")

    notification = client.get_notification_by_id(sent["id"])

    assert notification["id"] == sent["id"]
    assert notification["status"] == "permanent-failure"
    assert notification["phone_number"] == "07700900002"
    assert notification["type"] == "sms"
    assert notification["created_at"].endswith("Z")
    assert notification["cost_details"] == {
        "billable_sms_fragments": 1,
        "international_rate_multiplier": 1,
        "sms_rate": 0.0227,
    }
    assert {"line_1", "postcode", "completed_at", "is_cost_data_ready", "created_by_name"} <= set(notification)


def test_get_by_id_is_sending_until_the_receipt_delay_passes(client: NotificationsAPIClient) -> None:
    sent = client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})

    notification = client.get_notification_by_id(sent["id"])

    assert notification["status"] == "sending"
    assert notification["completed_at"] is None
    # Notify's cost is ready once a text has billable units, which it has while sending.
    assert notification["is_cost_data_ready"] is True


def test_unknown_and_malformed_ids_get_notifys_errors(client: NotificationsAPIClient) -> None:
    with pytest.raises(HTTPError) as missing:
        client.get_notification_by_id("3f1cc9d4-8a2f-4f40-9d9e-1b2b3c4d5e6f")
    with pytest.raises(HTTPError) as malformed:
        client.get_notification_by_id("not-a-uuid")

    assert missing.value.status_code == 404
    assert missing.value.message == [{"error": "NoResultFound", "message": "No result found"}]
    assert malformed.value.status_code == 400
    assert malformed.value.message == [{"error": "ValidationError", "message": "notification_id is not a valid UUID"}]


def test_reference_lookup_finds_only_that_reference_newest_first(client: NotificationsAPIClient) -> None:
    first = client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "a"}, reference="flood-7")
    client.send_sms_notification("07700900124", DEFAULT_SMS_TEMPLATE_ID, {"body": "b"}, reference="other")
    second = client.send_sms_notification("07700900125", DEFAULT_SMS_TEMPLATE_ID, {"body": "c"}, reference="flood-7")

    page = client.get_all_notifications(reference="flood-7")

    assert [n["id"] for n in page["notifications"]] == [second["id"], first["id"]]
    assert page["links"]["current"].endswith("/v2/notifications?reference=flood-7")
    assert first["id"] in page["links"]["next"]


def test_listing_pages_250_at_a_time_and_the_official_iterator_walks_them_all(client: NotificationsAPIClient) -> None:
    for n in range(260):
        client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"}, reference=f"bulk-{n}")

    first_page = client.get_all_notifications(template_type="sms")
    every = list(client.get_all_notifications_iterator(template_type="sms"))

    assert len(first_page["notifications"]) == 250
    assert len(every) == 260
    assert len({n["id"] for n in every}) == 260


def test_listing_filters_by_status_with_failed_expanding_to_the_failure_statuses(
    start: StartSimulator, make_client: MakeClient
) -> None:
    simulator = start(receipt_delay_ms=0)
    client = make_client(simulator)
    client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})
    client.send_sms_notification("07700900003", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})
    client.send_email_notification(
        "perm-fail@simulator.notify", DEFAULT_EMAIL_TEMPLATE_ID, {"subject": "s", "body": "b"}
    )

    failed = client.get_all_notifications(status="failed")["notifications"]
    emails = client.get_all_notifications(template_type="email")["notifications"]

    assert sorted(n["status"] for n in failed) == ["permanent-failure", "temporary-failure"]
    assert [n["type"] for n in emails] == ["email"]


def test_smoke_test_recipients_get_a_201_but_are_not_stored(
    client: NotificationsAPIClient, simulator: RunningSimulator
) -> None:
    response = client.send_sms_notification("07700900111", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})

    with pytest.raises(HTTPError) as lookup:
        client.get_notification_by_id(response["id"])
    assert lookup.value.status_code == 404
    assert simulator.stats()["smoke_test_accepted"] == 1
    assert simulator.accepted() == []
