from __future__ import annotations

import time

import jwt
import pytest
import requests
from notifications_python_client.errors import HTTPError

from bench.notify_simulator import DEFAULT_SMS_TEMPLATE_ID, RunningSimulator, api_key_from_string

from .conftest import MakeClient, StartSimulator

OTHER_SECRET = "11111111-2222-4333-8444-555555555555"


def post_with_token(simulator: RunningSimulator, token: str | None, scheme: str = "Bearer") -> requests.Response:
    headers = {} if token is None else {"Authorization": f"{scheme} {token}"}
    body = {"phone_number": "07700900123", "template_id": DEFAULT_SMS_TEMPLATE_ID, "personalisation": {"body": "x"}}
    return requests.post(f"{simulator.base_url}/v2/notifications/sms", json=body, headers=headers, timeout=2)


def token(simulator: RunningSimulator, secret: str, iat_offset: int = 0, **header: str) -> str:
    claims = {"iss": simulator.service_id, "iat": int(time.time()) + iat_offset}
    return jwt.encode(claims, secret, algorithm=header.pop("alg", "HS256"))


def error_of(response: requests.Response) -> tuple[int, str, str]:
    body = response.json()
    assert body["status_code"] == response.status_code
    return response.status_code, body["errors"][0]["error"], body["errors"][0]["message"]


def test_a_token_signed_with_another_secret_is_rejected(simulator: RunningSimulator, make_client: MakeClient) -> None:
    impostor = f"impostor-{simulator.service_id}-{OTHER_SECRET}"

    with pytest.raises(HTTPError) as rejected:
        make_client(simulator, api_key=impostor).send_sms_notification(
            "07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"}
        )

    assert rejected.value.status_code == 403
    assert rejected.value.message == [{"error": "AuthError", "message": "Invalid token: API key not found"}]


@pytest.mark.parametrize("offset", [-31, -120, 31])
def test_an_iat_more_than_30_seconds_off_is_rejected(simulator: RunningSimulator, offset: int) -> None:
    response = post_with_token(simulator, token(simulator, simulator.config.api_keys[0].secret, offset))

    assert error_of(response) == (403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")


def test_an_iat_within_30_seconds_is_accepted(simulator: RunningSimulator) -> None:
    response = post_with_token(simulator, token(simulator, simulator.config.api_keys[0].secret, -25))

    assert response.status_code == 201


def test_missing_header_and_wrong_scheme_are_401(simulator: RunningSimulator) -> None:
    assert error_of(post_with_token(simulator, None)) == (
        401, "AuthError", "Unauthorized: authentication token must be provided"
    )  # fmt: skip
    assert error_of(post_with_token(simulator, "abc", scheme="Basic")) == (
        401, "AuthError", "Unauthorized: authentication bearer scheme must be used"
    )  # fmt: skip


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_other_token_problems_get_notifys_403_messages(simulator: RunningSimulator) -> None:
    secret = simulator.config.api_keys[0].secret
    wrong_service = jwt.encode({"iss": OTHER_SECRET, "iat": int(time.time())}, secret, algorithm="HS256")
    not_uuid = jwt.encode({"iss": "dorset", "iat": int(time.time())}, secret, algorithm="HS256")
    no_iss = jwt.encode({"iat": int(time.time())}, secret, algorithm="HS256")

    assert error_of(post_with_token(simulator, wrong_service))[2] == "Invalid token: service not found"
    assert error_of(post_with_token(simulator, not_uuid))[2] == "Invalid token: service id is not the right data type"
    assert error_of(post_with_token(simulator, no_iss))[2] == "Invalid token: iss field not provided"
    # Notify's own words (notifications-api app/authentication/auth.py, GENERAL_TOKEN_ERROR_MESSAGE).
    assert error_of(post_with_token(simulator, "garbage"))[2] == (
        "Invalid token: make sure your API token matches the example at "
        "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header")
    expired = jwt.encode({"iss": simulator.service_id, "iat": int(time.time()), "exp": int(time.time()) - 60},
                         secret, algorithm="HS256")
    assert error_of(post_with_token(simulator, expired))[2].startswith("Invalid token: make sure your API token")
    # Without an iat the client library's check fails as a decoding error, so Notify tries its next key.
    no_iat = jwt.encode({"iss": simulator.service_id}, secret, algorithm="HS256")
    assert error_of(post_with_token(simulator, no_iat))[2] == "Invalid token: API key not found"
    hs512 = token(simulator, secret, alg="HS512")
    assert error_of(post_with_token(simulator, hs512))[2] == "Invalid token: algorithm used is not HS256"


def test_reads_need_a_valid_token_too(simulator: RunningSimulator) -> None:
    response = requests.get(f"{simulator.base_url}/v2/notifications", timeout=2)

    assert response.status_code == 401


def test_a_simulator_configured_from_a_full_key_string_accepts_that_key(
    start: StartSimulator, make_client: MakeClient
) -> None:
    key_string = "dorset_test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
    service_id, key = api_key_from_string(key_string)
    simulator = start(service_id=service_id, api_keys=[key])

    assert simulator.api_key == key_string
    response = make_client(simulator, api_key=key_string).send_sms_notification(
        "07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"}
    )
    assert response["id"]
