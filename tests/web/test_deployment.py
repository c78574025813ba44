"""Behind proxies and load balancers: the real client is seen, health checks answer any host, production is HTTPS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from alerts.data import operations
from alerts.extensions import db
from alerts.models import AuditEvent
from tests import factories
from tests.pages import PageClient
from tests.production import PUBLIC_HOST, migrated, production_app
from tests.staff.conftest import csrf_token


@pytest.fixture
def config(app: Flask) -> Iterator[dict[str, Any]]:
    saved = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(saved)


@pytest.fixture
def behind_one_proxy(config: dict[str, Any]) -> None:
    config["TRUSTED_PROXY_COUNT"] = 1


def sign_up(client: FlaskClient, n: int, forwarded_for: str) -> int:
    body = {"channel": "email", "contact": f"resident{n}@example.com", "postcode": "DT4 7TA", "services": []}
    # The router (127.0.0.1, the test client's address) appends the address it saw to the client's header.
    headers = {"X-Forwarded-For": f"203.0.113.250, {forwarded_for}"}
    return client.post("/api/v1/subscriptions", json=body, headers=headers).status_code


def test_behind_one_proxy_sign_ups_from_twelve_addresses_all_pass_while_one_address_is_refused_past_its_limit(
        client: FlaskClient, behind_one_proxy: None, config: dict[str, Any]) -> None:
    config["SIGNUP_LIMITS_PER_IP"] = "10 per hour"
    assert [sign_up(client, n, f"198.51.100.{n}") for n in range(12)] == [202] * 12
    same_address = [sign_up(client, 100 + n, "192.0.2.7") for n in range(11)]
    assert same_address == [202] * 10 + [429]


def test_without_trusted_proxies_a_forged_forwarded_address_does_not_escape_the_limit(
        client: FlaskClient, config: dict[str, Any]) -> None:
    config["SIGNUP_LIMITS_PER_IP"] = "3 per hour"
    assert [sign_up(client, n, f"198.51.100.{n}") for n in range(4)] == [202, 202, 202, 429]


def failed_sign_in(client: FlaskClient, forwarded_for: str, email: str) -> int:
    token = csrf_token(PageClient(client))
    return client.post("/staff/sign-in", data={"email": email, "password": "wrong", "csrf_token": token},
                       headers={"X-Forwarded-For": forwarded_for}).status_code


def test_the_staff_sign_in_throttle_and_audit_rows_see_the_client_behind_the_proxy(
        client: FlaskClient, behind_one_proxy: None) -> None:
    officer = factories.StaffUserFactory()
    attacker = [failed_sign_in(client, "192.0.2.66", officer.email) for _ in range(11)]
    assert attacker[-1] == 429, "one address guessing one account is throttled"
    other = client.application.test_client()
    token = csrf_token(PageClient(other))
    response = other.post("/staff/sign-in", headers={"X-Forwarded-For": "198.51.100.9"},
                          data={"email": officer.email, "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302, "an officer elsewhere is not locked out"
    addresses = set(db.session.scalars(select(AuditEvent.ip_address)))
    assert addresses == {"192.0.2.66", "198.51.100.9"}


def test_production_redirects_http_to_https_on_the_public_host() -> None:
    client = production_app().test_client()
    response = client.get("/notices?postcode=DT4+7TA", base_url=f"http://{PUBLIC_HOST}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://{PUBLIC_HOST}/notices?postcode=DT4+7TA"
    assert client.post("/api/v1/subscriptions", base_url=f"http://{PUBLIC_HOST}").status_code == 308


def test_a_production_run_on_a_plain_http_base_url_has_no_https_to_redirect_to() -> None:
    # As the load benchmark runs it, on loopback.
    client = migrated(production_app(BASE_URL="http://127.0.0.1:8000")).test_client()
    assert client.get("/accessibility", base_url="http://127.0.0.1:8000").status_code == 200


def test_production_behind_a_proxy_believes_its_https_and_builds_https_links() -> None:
    client = migrated(production_app(TRUSTED_PROXY_COUNT=1)).test_client()
    plain = client.get("/api/v1/notices", base_url=f"http://{PUBLIC_HOST}")
    assert plain.status_code == 301
    proxied = client.get("/api/v1/notices", base_url=f"http://{PUBLIC_HOST}",
                         headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"})
    assert proxied.status_code == 200
    assert proxied.get_json()["links"]["self"].startswith(f"https://{PUBLIC_HOST}/api/v1/notices")


def test_production_without_trusted_proxies_ignores_a_forwarded_proto() -> None:
    client = production_app().test_client()
    response = client.get("/accessibility", base_url=f"http://{PUBLIC_HOST}", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 301


@pytest.mark.parametrize("host", ["10.0.3.17", "10.0.3.17:8080", "ip-10-0-3-17.internal", "[fd00::1]"])
def test_healthz_by_ip_answers_200_in_production_over_plain_http(host: str) -> None:
    app = migrated(production_app())
    with app.app_context():
        operations.record_heartbeat("scheduler", "worker-7.internal:4242")
        db.session.commit()
    response = app.test_client().get("/healthz", headers={"Host": host})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_data(as_text=True)
    assert "worker-7" not in body and "4242" not in body and PUBLIC_HOST not in body


def test_other_pages_still_refuse_an_untrusted_host(client: FlaskClient) -> None:
    assert client.get("/", headers={"Host": "10.0.3.17"}).status_code == 400
    assert client.get("/healthz/", headers={"Host": "10.0.3.17"}).status_code in (400, 404)
