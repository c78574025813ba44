"""A real OpenID Connect provider for tests: oidc-provider-mock served on a loopback port in a thread, with real
redirects, a real token endpoint and ID tokens signed with its own RSA key (published at its jwks_uri).

A test sets a person's claims at the provider (`provider.set_user(sub, {...})`), follows our redirect to its
authorize endpoint and submits its form as that person (`provider.authorize(url, sub)`), which answers with the
redirect back to our callback. `provider.rewrite_id_token` lets a test tamper with the ID token the token endpoint
returns: unsigned changes (a forged token) or changes re-signed with the provider's own key (a token meant for
another client).
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import flask
import oidc_provider_mock
import pytest
import requests
from authlib.jose import jwt
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

CLIENT_ID = "alerts-test-client"
CLIENT_SECRET = "alerts-test-client-secret"  # the local test provider accepts any


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        pass


def _claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _encode(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def tampered(token: str, **changes: Any) -> str:
    """The same token with changed claims and its original signature, which no longer matches."""
    header, _payload, signature = token.split(".")
    return ".".join([header, _encode({**_claims_of(token), **changes}), signature])


class Provider:
    def __init__(self, server: BaseWSGIServer) -> None:
        self.server = server
        self.issuer = f"http://127.0.0.1:{server.server_port}"
        # (id_token, the provider's signing key) -> the id_token to return instead; None leaves tokens alone.
        self.rewrite_id_token: Callable[[str, Any], str] | None = None

    def set_user(self, sub: str, claims: dict[str, Any]) -> None:
        """What the provider says about this person from now on: the claims of their next ID token."""
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        assert response.status_code == 204, response.text

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Open the provider's authorize page our redirect pointed at and sign in there as `sub`: the address the
        provider sends the browser back to (our callback, with its code and state)."""
        assert authorize_url.startswith(f"{self.issuer}/oauth2/authorize?"), authorize_url
        page = requests.get(authorize_url, timeout=10)
        assert page.status_code == 200, page.text
        answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]


def re_signed(token: str, key: Any, **changes: Any) -> str:
    """The token with changed claims, signed again with the provider's own key: a genuine token, but not for us."""
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=" * (-len(token.split(".")[0]) % 4)))
    claims = {**_claims_of(token), **changes}
    return jwt.encode(header, claims, key).decode()


def _install_rewriter(provider_app: flask.Flask, provider: Provider) -> None:
    @provider_app.after_request
    def _rewrite(response: flask.Response) -> flask.Response:
        if flask.request.path != "/oauth2/token" or provider.rewrite_id_token is None or response.status_code != 200:
            return response
        body = response.get_json()
        key = flask.g.oidc_provider_mock_storage.jwk
        body["id_token"] = provider.rewrite_id_token(body["id_token"], key)
        response.set_data(json.dumps(body))
        return response


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    provider_app = oidc_provider_mock.app(require_nonce=True)
    server = make_server("127.0.0.1", 0, provider_app, threaded=True, request_handler=_QuietHandler)
    provider = Provider(server)
    _install_rewriter(provider_app, provider)
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    yield provider
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def single_sign_on(app: flask.Flask, oidc_provider: Provider, monkeypatch: pytest.MonkeyPatch) -> Provider:
    """The app signs staff in through the local provider for this test."""
    monkeypatch.setitem(app.config, "OIDC_ISSUER_URL", oidc_provider.issuer)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setitem(app.config, "OIDC_PROVIDER_NAME", "Dorset Council account")
    oidc_provider.rewrite_id_token = None
    return oidc_provider


def callback_path(location: str) -> str:
    """Our callback as the test client asks for it: path and query."""
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"
