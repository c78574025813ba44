"""Every response carries the headers that stop framing, sniffing, leaking and host poisoning."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from alerts.web.security_headers import script_hash
from config.settings import trusted_hosts
from tests.production import production_app

PAGES_AND_ENDPOINTS = ["/", "/notices?postcode=DT4+7TA", "/accessibility", "/no-such-page", "/api/v1/notices",
                       "/api/v1/openapi.json", "/healthz", "/assets/govuk-frontend.min.css"]


def _directives(policy: str) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
            for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("url", PAGES_AND_ENDPOINTS)
def test_every_response_forbids_sniffing_framing_and_full_referrers(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == "'none'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


def test_every_response_turns_off_device_features_the_service_does_not_use(client: FlaskClient) -> None:
    features = dict(item.split("=") for item in client.get("/").headers["Permissions-Policy"].split(", "))
    for feature in ("camera", "geolocation", "microphone", "payment", "usb"):
        assert features[feature] == "()"


def test_scripts_are_allowed_only_from_the_service_or_by_the_hash_of_the_one_inline_script(
        client: FlaskClient) -> None:
    response = client.get("/")
    script_src = _directives(response.headers["Content-Security-Policy"])["script-src"].split()
    body = response.get_data(as_text=True)
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", body, re.DOTALL)

    assert len(inline_scripts) == 1, "GOV.UK Frontend's line that marks the body as JavaScript-enabled"
    assert "js-enabled" in inline_scripts[0]
    assert script_src == ["'self'", script_hash(inline_scripts[0])]
    assert "nonce" not in response.headers["Content-Security-Policy"] and "nonce=" not in body
    assert client.get("/").get_data() == response.get_data(), "the same bytes for every visitor: a CDN may keep them"


def test_hsts_is_sent_only_in_production(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers
    production = production_app()
    response = production.test_client().get("/assets/govuk-frontend.min.css",
                                             base_url="https://alerts.dorsetcouncil.example")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_forged_host_header_is_refused(client: FlaskClient) -> None:
    response = client.get("/api/v1/notices", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    page = client.get("/notices?postcode=DT4+7TA", headers={"Host": "evil.example"})
    assert page.status_code == 400
    assert "evil.example" not in page.get_data(as_text=True)


def test_api_links_use_the_trusted_host(client: FlaskClient) -> None:
    body = client.get("/api/v1/notices", headers={"Host": "localhost"}).get_json()
    assert body["links"]["self"].startswith("http://localhost/api/v1/notices")


def test_forwarded_hosts_cannot_smuggle_a_host_in_either(client: FlaskClient) -> None:
    # Werkzeug reads X-Forwarded-Host only behind ProxyFix, which we do not install; the Host header is what counts.
    response = client.get("/api/v1/notices", headers={"X-Forwarded-Host": "evil.example"})
    assert response.status_code == 200
    assert "evil.example" not in response.get_data(as_text=True)


def test_production_trusts_only_the_base_url_host_unless_told_otherwise() -> None:
    assert trusted_hosts({"ALERTS_ENV": "production", "BASE_URL": "https://alerts.dorsetcouncil.example"}) == [
        "alerts.dorsetcouncil.example"]
    assert trusted_hosts({"ALERTS_ENV": "production", "BASE_URL": "https://a.example",
                          "TRUSTED_HOSTS": ["a.example", "internal.lb"]}) == ["a.example", "internal.lb"]
    assert trusted_hosts({"ALERTS_ENV": "development", "BASE_URL": "http://127.0.0.1:5000"}) == [
        "127.0.0.1", "localhost"]


def test_production_refuses_a_loopback_host_header_unless_trusted() -> None:
    production = production_app()
    assert production.test_client().get("/accessibility").status_code == 400


def test_links_in_messages_come_from_base_url_not_the_request(app: Flask) -> None:
    from alerts import links

    # Even inside a request with another (trusted) host, message links use the configured public origin.
    with app.test_request_context("/", headers={"Host": "127.0.0.1:8000"}):
        urls = [links.unsubscribe_url(1, 1), links.manage_url(1, 1), links.confirm_email_url(1, 1),
                links.notice_url(1)]
    assert all(url.startswith(app.config["BASE_URL"] + "/") for url in urls), urls
