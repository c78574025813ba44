import inspect
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import jwt
import pytest
import requests
import responses
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import APIError
from responses import matchers

from alerts.notify.errors import (
    AuthFailure,
    DailyLimitReached,
    InvalidRequest,
    NotFound,
    NotifyError,
    RateLimited,
    Unavailable,
)
from alerts.notify.gateway import (
    Gateway,
    LocalOutboxGateway,
    NotificationState,
    NotifyConfig,
    NotifyGateway,
    SendResult,
    build_gateway,
)

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"test_key-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
SMS_TEMPLATE_ID = "a1b2c3d4-2a88-4f6e-b855-c550268ce08a"
NOTIFY = "https://api.notifications.service.gov.uk"
NOTIFICATION_ID = "740e5834-3a29-46b4-9a6f-16142fde533a"
REFERENCE = "message-1b9d6bcd"
OLDER_THAN = "11111111-3a29-46b4-9a6f-16142fde533a"

SEND_EMAIL_URL = f"{NOTIFY}/v2/notifications/email"
SEND_SMS_URL = f"{NOTIFY}/v2/notifications/sms"


def notify_config(**overrides: Any) -> NotifyConfig:
    settings: dict[str, Any] = {
        "api_key": API_KEY,
        "email_template_id": EMAIL_TEMPLATE_ID,
        "sms_template_id": SMS_TEMPLATE_ID,
    } | overrides
    return NotifyConfig(**settings)


@pytest.fixture
def gateway() -> NotifyGateway:
    return NotifyGateway(notify_config())


@pytest.fixture
def notify() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def accepted(reference: str = REFERENCE) -> dict[str, Any]:
    return {
        "id": NOTIFICATION_ID,
        "reference": reference,
        "content": {"body": "Dorset Council: …", "from_number": "GOVUK"},
        "uri": f"{NOTIFY}/v2/notifications/{NOTIFICATION_ID}",
        "template": {"id": SMS_TEMPLATE_ID, "version": 1, "uri": "opaque"},
        "scheduled_for": None,
    }


def notification(**overrides: Any) -> dict[str, Any]:
    return {
        "id": NOTIFICATION_ID,
        "reference": REFERENCE,
        "email_address": None,
        "phone_number": "+447700900982",
        "type": "sms",
        "status": "delivered",
        "template": {"version": 1, "id": SMS_TEMPLATE_ID, "uri": "opaque"},
        "body": "Dorset Council: …",
        "subject": None,
        "created_at": "2024-05-17T15:58:38.342838Z",
        "sent_at": "2024-05-17T15:58:40.143000Z",
        "completed_at": "2024-05-17T15:59:10.321000Z",
    } | overrides


def notify_error(status_code: int, error: str, message: str) -> dict[str, Any]:
    return {"status_code": status_code, "errors": [{"error": error, "message": message}]}


def assert_signed_with_our_key(request: requests.PreparedRequest) -> None:
    token = request.headers["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert claims["iss"] == SERVICE_ID
    # Notify refuses a token issued more than 30 seconds from its own clock.
    assert abs(claims["iat"] - time.time()) < 30


def send_an_email(gateway: Gateway) -> SendResult:
    return gateway.send_email(
        email_address="jane@example.com",
        subject="Disruption: Bins and recycling in Weymouth — Collections suspended",
        body="Collections suspended",
        reference=REFERENCE,
        one_click_unsubscribe_url="https://alerts.dorsetcouncil.gov.uk/unsubscribe/abc",
    )


def send_a_text(gateway: Gateway) -> SendResult:
    return gateway.send_sms(
        phone_number="+447700900982", body="Dorset Council: Collections suspended.", reference=REFERENCE
    )


def test_sending_an_email_posts_the_generic_template_with_subject_body_and_one_click_unsubscribe(
    gateway: NotifyGateway, notify: responses.RequestsMock
) -> None:
    notify.post(
        SEND_EMAIL_URL,
        status=201,
        json=accepted(),
        match=[
            matchers.json_params_matcher(
                {
                    "email_address": "jane@example.com",
                    "template_id": EMAIL_TEMPLATE_ID,
                    "personalisation": {
                        "subject": "Disruption: Bins and recycling in Weymouth — Collections suspended",
                        "body": "Collections suspended",
                    },
                    "reference": REFERENCE,
                    "one_click_unsubscribe_url": "https://alerts.dorsetcouncil.gov.uk/unsubscribe/abc",
                }
            )
        ],
    )

    result = send_an_email(gateway)

    assert result == SendResult(notify_id=NOTIFICATION_ID, sent=True, status="sent")
    assert_signed_with_our_key(notify.calls[0].request)


def test_an_email_without_an_unsubscribe_link_leaves_it_out_of_the_request(
    gateway: NotifyGateway, notify: responses.RequestsMock
) -> None:
    notify.post(
        SEND_EMAIL_URL,
        status=201,
        json=accepted(),
        match=[
            matchers.json_params_matcher(
                {
                    "email_address": "jane@example.com",
                    "template_id": EMAIL_TEMPLATE_ID,
                    "personalisation": {"subject": "Confirm", "body": "https://example.com/confirm"},
                    "reference": REFERENCE,
                }
            )
        ],
    )

    gateway.send_email(
        email_address="jane@example.com",
        subject="Confirm",
        body="https://example.com/confirm",
        reference=REFERENCE,
        one_click_unsubscribe_url=None,
    )

    assert_signed_with_our_key(notify.calls[0].request)


def test_sending_a_text_posts_the_generic_template_with_the_body(
    gateway: NotifyGateway, notify: responses.RequestsMock
) -> None:
    notify.post(
        SEND_SMS_URL,
        status=201,
        json=accepted(),
        match=[
            matchers.json_params_matcher(
                {
                    "phone_number": "+447700900982",
                    "template_id": SMS_TEMPLATE_ID,
                    "personalisation": {"body": "Dorset Council: Collections suspended."},
                    "reference": REFERENCE,
                }
            )
        ],
    )

    result = send_a_text(gateway)

    assert result == SendResult(notify_id=NOTIFICATION_ID, sent=True, status="sent")
    assert_signed_with_our_key(notify.calls[0].request)


def test_requests_go_to_the_configured_base_url_with_the_configured_timeout(notify: responses.RequestsMock) -> None:
    gateway = NotifyGateway(notify_config(base_url="http://localhost:6011", timeout_seconds=2.5))
    notify.post("http://localhost:6011/v2/notifications/sms", status=201, json=accepted())

    send_a_text(gateway)

    assert notify.calls[0].request.req_kwargs["timeout"] == 2.5


def test_sends_are_logged_with_the_recipient_masked(
    gateway: NotifyGateway, notify: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    notify.post(SEND_EMAIL_URL, status=201, json=accepted())
    notify.post(SEND_SMS_URL, status=201, json=accepted())
    caplog.set_level(logging.DEBUG)

    send_an_email(gateway)
    send_a_text(gateway)

    assert "j***@example.com" in caplog.text
    assert "+44 77** ***982" in caplog.text
    assert "jane@example.com" not in caplog.text
    assert "7700900982" not in caplog.text


def test_finding_by_reference_asks_notify_for_that_reference_and_returns_the_newest(
    gateway: NotifyGateway, notify: responses.RequestsMock
) -> None:
    older = notification(id="11111111-3a29-46b4-9a6f-16142fde533a", created_at="2024-05-17T15:00:00.000000Z")
    newer = notification(status="sending", completed_at=None, created_at="2024-05-17T16:00:00.000000Z")
    notify.get(
        f"{NOTIFY}/v2/notifications",
        json={"notifications": [older, newer], "links": {"current": "c", "next": "n"}},
        match=[matchers.query_param_matcher({"reference": REFERENCE})],
    )

    state = gateway.find_by_reference(REFERENCE)

    assert state == NotificationState(
        notify_id=NOTIFICATION_ID, reference=REFERENCE, status="sending", completed_at=None,
        created_at=datetime(2024, 5, 17, 16, 0, tzinfo=UTC),
    )
    assert notify.calls[0].request.url == f"{NOTIFY}/v2/notifications?reference={REFERENCE}"
    assert_signed_with_our_key(notify.calls[0].request)


def test_finding_by_reference_returns_none_when_notify_never_got_the_message(
    gateway: NotifyGateway, notify: responses.RequestsMock
) -> None:
    notify.get(
        f"{NOTIFY}/v2/notifications",
        json={"notifications": [], "links": {"current": "c"}},
        match=[matchers.query_param_matcher({"reference": REFERENCE})],
    )

    assert gateway.find_by_reference(REFERENCE) is None


def test_getting_a_notification_reads_its_status_and_completion_time(
    gateway: NotifyGateway, notify: responses.RequestsMock
) -> None:
    notify.get(f"{NOTIFY}/v2/notifications/{NOTIFICATION_ID}", json=notification())

    state = gateway.get_notification(NOTIFICATION_ID)

    assert state == NotificationState(
        notify_id=NOTIFICATION_ID,
        reference=REFERENCE,
        status="delivered",
        completed_at=datetime(2024, 5, 17, 15, 59, 10, 321000, tzinfo=UTC),
        created_at=datetime(2024, 5, 17, 15, 58, 38, 342838, tzinfo=UTC),
    )
    assert_signed_with_our_key(notify.calls[0].request)


def test_a_page_of_the_list_of_texts_gives_its_notifications_and_where_the_next_page_starts(
    gateway: NotifyGateway, notify: responses.RequestsMock
) -> None:
    notify.get(
        f"{NOTIFY}/v2/notifications",
        json={"notifications": [notification(is_cost_data_ready=True, cost_in_pounds=0.0027)],
              "links": {"current": f"{NOTIFY}/v2/notifications?template_type=sms&older_than={OLDER_THAN}",
                        "next": f"{NOTIFY}/v2/notifications?template_type=sms&older_than={NOTIFICATION_ID}"}},
        match=[matchers.query_param_matcher({"template_type": "sms", "older_than": OLDER_THAN},
                                            strict_match=True)],
    )
    notify.get(
        f"{NOTIFY}/v2/notifications",
        json={"notifications": [], "links": {"current": f"{NOTIFY}/v2/notifications?template_type=sms"}},
        match=[matchers.query_param_matcher({"template_type": "sms", "older_than": NOTIFICATION_ID},
                                            strict_match=True)],
    )

    page = gateway.list_notifications(template_type="sms", older_than=OLDER_THAN)
    last = gateway.list_notifications(template_type="sms", older_than=page.older_than)

    assert [state.notify_id for state in page.notifications] == [NOTIFICATION_ID]
    assert page.notifications[0].cost_in_pounds == Decimal("0.0027")
    assert page.older_than == NOTIFICATION_ID
    assert (last.notifications, last.older_than) == ([], None)


def test_an_unexpected_list_is_notify_being_unavailable(gateway: NotifyGateway, notify: responses.RequestsMock) -> None:
    notify.get(f"{NOTIFY}/v2/notifications", json={"links": {}})

    with pytest.raises(Unavailable):
        gateway.list_notifications(template_type="sms")


def test_times_in_the_format_notify_documents_are_read_as_utc(
    gateway: NotifyGateway, notify: responses.RequestsMock
) -> None:
    notify.get(
        f"{NOTIFY}/v2/notifications/{NOTIFICATION_ID}",
        json=notification(status="permanent-failure", reference=None, completed_at="2024-05-17 15:59:10.321000"),
    )

    state = gateway.get_notification(NOTIFICATION_ID)

    assert state.reference is None
    assert state.completed_at == datetime(2024, 5, 17, 15, 59, 10, 321000, tzinfo=UTC)


@pytest.mark.parametrize(
    "status, body, error_class, error_type",
    [
        (
            429,
            notify_error(
                429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"
            ),
            RateLimited,
            "RateLimitError",
        ),
        (
            429,
            notify_error(429, "TooManyRequestsError", "Exceeded send limits (sms: 250000) for today"),
            DailyLimitReached,
            "TooManyRequestsError",
        ),
        (
            400,
            notify_error(400, "ValidationError", "phone_number Not a UK mobile number"),
            InvalidRequest,
            "ValidationError",
        ),
        (400, notify_error(400, "BadRequestError", "Missing personalisation: body"), InvalidRequest, "BadRequestError"),
        (
            400,
            notify_error(400, "BadRequestError", "Can’t send to this recipient when service is in trial mode – see …"),
            InvalidRequest,
            "BadRequestError",
        ),
        (
            401,
            notify_error(401, "AuthError", "Unauthorized: authentication token must be provided"),
            AuthFailure,
            "AuthError",
        ),
        (403, notify_error(403, "AuthError", "Invalid token: API key not found"), AuthFailure, "AuthError"),
        (
            403,
            notify_error(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds"),
            AuthFailure,
            "AuthError",
        ),
        (
            403,
            notify_error(403, "BadRequestError", "Cannot send letters with a team api key"),
            InvalidRequest,
            "BadRequestError",
        ),
        (404, notify_error(404, "NoResultFound", "No result found"), NotFound, "NoResultFound"),
        (500, notify_error(500, "Exception", "Internal server error"), Unavailable, "Exception"),
        (504, notify_error(504, "EventletTimeout", "Timeout serving request"), Unavailable, "EventletTimeout"),
    ],
)
def test_notify_errors_become_our_error_types(
    gateway: NotifyGateway,
    notify: responses.RequestsMock,
    status: int,
    body: dict[str, Any],
    error_class: type[NotifyError],
    error_type: str,
) -> None:
    notify.post(SEND_SMS_URL, status=status, json=body)

    with pytest.raises(error_class) as raised:
        send_a_text(gateway)

    assert type(raised.value) is error_class
    assert raised.value.status_code == status
    assert raised.value.error_type == error_type
    assert raised.value.detail == body["errors"][0]["message"]
    assert isinstance(raised.value.__cause__, APIError)


@pytest.mark.parametrize(
    "error_class, retryable",
    [
        (RateLimited, True),
        (Unavailable, True),
        (DailyLimitReached, False),
        (InvalidRequest, False),
        (AuthFailure, False),
        (NotFound, False),
    ],
)
def test_only_rate_limits_and_outages_are_retryable(error_class: type[NotifyError], retryable: bool) -> None:
    assert error_class.retryable is retryable


def test_the_daily_limit_error_says_which_channel_ran_out(
    gateway: NotifyGateway, notify: responses.RequestsMock
) -> None:
    notify.post(
        SEND_EMAIL_URL,
        status=429,
        json=notify_error(429, "TooManyRequestsError", "Exceeded send limits (email: 250000) for today"),
    )

    with pytest.raises(DailyLimitReached) as raised:
        send_an_email(gateway)

    assert raised.value.channel == "email"


def test_a_daily_limit_error_worded_differently_still_counts_as_the_daily_limit(
    gateway: NotifyGateway, notify: responses.RequestsMock
) -> None:
    notify.post(SEND_SMS_URL, status=429, json=notify_error(429, "TooManyRequestsError", "Daily limit reached"))

    with pytest.raises(DailyLimitReached) as raised:
        send_a_text(gateway)

    assert raised.value.channel is None


def test_several_validation_errors_are_all_kept_in_the_detail(
    gateway: NotifyGateway, notify: responses.RequestsMock
) -> None:
    notify.post(
        SEND_SMS_URL,
        status=400,
        json={
            "status_code": 400,
            "errors": [
                {"error": "ValidationError", "message": "template_id is not a valid UUID"},
                {"error": "ValidationError", "message": "phone_number Not a UK mobile number"},
            ],
        },
    )

    with pytest.raises(InvalidRequest) as raised:
        send_a_text(gateway)

    assert raised.value.detail == "template_id is not a valid UUID; phone_number Not a UK mobile number"


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "json": notify_error(500, "Exception", "Internal server error")},
        {"status": 503, "body": "<html>Service Unavailable</html>"},
        {"body": requests.exceptions.ReadTimeout("read timed out")},
        {"body": requests.exceptions.ConnectTimeout("connect timed out")},
        {"body": requests.exceptions.ConnectionError("connection reset")},
        {"status": 201, "body": "<html>not json</html>"},
        {"status": 201, "json": {"unexpected": "shape"}},
    ],
)
def test_a_send_with_no_clear_answer_is_unavailable_with_an_unknown_outcome(
    gateway: NotifyGateway, notify: responses.RequestsMock, failure: dict[str, Any]
) -> None:
    notify.post(SEND_EMAIL_URL, **failure)

    with pytest.raises(Unavailable) as raised:
        send_an_email(gateway)

    assert raised.value.outcome_unknown is True
    assert raised.value.retryable is True


def test_a_timeout_is_described_as_a_timeout(gateway: NotifyGateway, notify: responses.RequestsMock) -> None:
    notify.post(SEND_SMS_URL, body=requests.exceptions.ReadTimeout("read timed out"))

    with pytest.raises(Unavailable) as raised:
        send_a_text(gateway)

    assert raised.value.status_code is None
    assert raised.value.error_type == "ReadTimeout"
    assert raised.value.detail == "Timed out waiting for GOV.UK Notify"


def test_a_connection_error_is_described_as_one(gateway: NotifyGateway, notify: responses.RequestsMock) -> None:
    notify.post(SEND_SMS_URL, body=requests.exceptions.ConnectionError("Name or service not known"))

    with pytest.raises(Unavailable) as raised:
        send_a_text(gateway)

    assert raised.value.status_code is None
    assert raised.value.error_type == "ConnectionError"
    assert raised.value.detail == "Could not connect to GOV.UK Notify"


def test_a_failed_lookup_is_unavailable_but_never_leaves_a_send_outcome_unknown(
    gateway: NotifyGateway, notify: responses.RequestsMock
) -> None:
    notify.get(f"{NOTIFY}/v2/notifications", body=requests.exceptions.ReadTimeout("read timed out"))
    notify.get(f"{NOTIFY}/v2/notifications/{NOTIFICATION_ID}", status=502, body="Bad gateway")

    with pytest.raises(Unavailable) as by_reference:
        gateway.find_by_reference(REFERENCE)
    with pytest.raises(Unavailable) as by_id:
        gateway.get_notification(NOTIFICATION_ID)

    assert by_reference.value.outcome_unknown is False
    assert by_id.value.outcome_unknown is False


def test_a_notification_past_retention_is_not_found(gateway: NotifyGateway, notify: responses.RequestsMock) -> None:
    notify.get(
        f"{NOTIFY}/v2/notifications/{NOTIFICATION_ID}",
        status=404,
        json=notify_error(404, "NoResultFound", "No result found"),
    )

    with pytest.raises(NotFound):
        gateway.get_notification(NOTIFICATION_ID)


@pytest.mark.parametrize(
    "api_key",
    [
        "nonsense",
        "3d844edf-8d35-48ac-975b-e847b4f122b0",  # the secret alone
        f"test_key-{SERVICE_ID}",  # the service id alone
        f"test_key-{SERVICE_ID}-{SECRET}-extra",
        f"test_key-{SERVICE_ID}-not-a-uuid-at-all-3d844edf-8d35",
    ],
)
def test_a_malformed_api_key_is_an_auth_failure_when_the_gateway_is_built(api_key: str) -> None:
    with pytest.raises(AuthFailure) as raised:
        NotifyGateway(notify_config(api_key=api_key))

    assert api_key not in str(raised.value)


def test_a_key_with_no_name_part_is_accepted() -> None:
    NotifyGateway(notify_config(api_key=f"{SERVICE_ID}-{SECRET}"))


@pytest.mark.parametrize("missing", ["email_template_id", "sms_template_id"])
def test_the_gateway_refuses_to_start_without_both_template_ids(missing: str) -> None:
    with pytest.raises(ValueError, match="TEMPLATE_ID"):
        NotifyGateway(notify_config(**{missing: ""}))


def test_each_thread_gets_its_own_client(gateway: NotifyGateway) -> None:
    clients: dict[str, NotificationsAPIClient] = {}

    def remember_client(name: str) -> None:
        clients[name] = gateway._client()

    threads = [threading.Thread(target=remember_client, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert clients["first"] is not clients["second"]
    assert clients["first"] is not gateway._client()
    assert clients["first"].request_session is not clients["second"].request_session


def test_a_thread_keeps_reusing_its_own_client(gateway: NotifyGateway) -> None:
    assert gateway._client() is gateway._client()


def test_threads_can_send_at_the_same_time(gateway: NotifyGateway, notify: responses.RequestsMock) -> None:
    notify.post(SEND_SMS_URL, status=201, json=accepted())
    results: list[SendResult] = []

    threads = [threading.Thread(target=lambda: results.append(send_a_text(gateway))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 8
    assert len(notify.calls) == 8


def test_the_local_outbox_sends_nothing_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    outbox = LocalOutboxGateway()
    caplog.set_level(logging.INFO)

    with responses.RequestsMock(assert_all_requests_are_fired=True) as nothing_registered:
        email = send_an_email(outbox)
        text = send_a_text(outbox)
        found = outbox.find_by_reference(REFERENCE)

    assert email == text == SendResult(notify_id=None, sent=False, status="not-sent-local")
    assert found is None
    assert len(nothing_registered.calls) == 0
    assert "j***@example.com" in caplog.text
    assert "+44 77** ***982" in caplog.text
    assert "jane@example.com" not in caplog.text
    assert "7700900982" not in caplog.text


def test_the_local_outbox_has_no_notifications_to_look_up() -> None:
    with pytest.raises(NotFound):
        LocalOutboxGateway().get_notification(NOTIFICATION_ID)


@pytest.mark.parametrize("api_key", [None, ""])
def test_without_an_api_key_the_gateway_is_the_local_outbox(api_key: str | None) -> None:
    gateway = build_gateway(notify_config(api_key=api_key, email_template_id="", sms_template_id=""))

    assert isinstance(gateway, LocalOutboxGateway)


def test_with_an_api_key_the_gateway_is_notify() -> None:
    assert isinstance(build_gateway(notify_config()), NotifyGateway)


@pytest.mark.parametrize("implementation", [NotifyGateway, LocalOutboxGateway])
@pytest.mark.parametrize("method", ["send_email", "send_sms", "find_by_reference", "get_notification",
                                    "list_notifications"])
def test_both_gateways_have_the_gateway_protocols_signatures(implementation: type, method: str) -> None:
    assert inspect.signature(getattr(implementation, method)) == inspect.signature(getattr(Gateway, method))


@pytest.mark.parametrize(
    "make_gateway", [lambda: NotifyGateway(notify_config()), LocalOutboxGateway], ids=["notify", "local outbox"]
)
@pytest.mark.parametrize("reference", ["", "x" * 1001])
def test_a_send_needs_a_reference_notify_will_keep(
    make_gateway: Callable[[], Gateway], reference: str, notify: responses.RequestsMock
) -> None:
    gateway = make_gateway()

    with pytest.raises(ValueError, match="reference"):
        gateway.send_sms(phone_number="+447700900982", body="Hello", reference=reference)
    with pytest.raises(ValueError, match="reference"):
        gateway.send_email(
            email_address="jane@example.com",
            subject="Hi",
            body="Hello",
            reference=reference,
            one_click_unsubscribe_url=None,
        )
