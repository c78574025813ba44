"""Single sign-on settings: an https issuer in production (the ID token's keys come from it), http only on loopback
elsewhere, a client id, and LOCAL_SIGN_IN one of its two values."""

from __future__ import annotations

import pytest

from config import ConfigurationError
from config.settings import check_single_sign_on_settings


def _settings(env: str, **changes: object) -> dict:
    return {"ALERTS_ENV": env, "LOCAL_SIGN_IN": "admins", "OIDC_ISSUER_URL": None, "OIDC_CLIENT_ID": "client",
            **changes}


def test_single_sign_on_off_needs_nothing() -> None:
    check_single_sign_on_settings(_settings("production"))


@pytest.mark.parametrize("env", ["production", "development", "test"])
def test_an_https_issuer_is_accepted_everywhere(env: str) -> None:
    check_single_sign_on_settings(_settings(env, OIDC_ISSUER_URL="https://login.microsoftonline.com/t/v2.0"))


@pytest.mark.parametrize("issuer", ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"])
def test_development_and_tests_may_use_http_on_loopback(issuer: str) -> None:
    check_single_sign_on_settings(_settings("development", OIDC_ISSUER_URL=issuer))
    check_single_sign_on_settings(_settings("test", OIDC_ISSUER_URL=issuer))
    with pytest.raises(ConfigurationError, match="OIDC_ISSUER_URL must be an https:// address, not"):
        check_single_sign_on_settings(_settings("production", OIDC_ISSUER_URL=issuer))


def test_http_elsewhere_is_refused_even_in_development() -> None:
    with pytest.raises(ConfigurationError, match="http only on loopback outside production"):
        check_single_sign_on_settings(_settings("development", OIDC_ISSUER_URL="http://idp.example.org"))


def test_an_issuer_needs_a_client_id() -> None:
    with pytest.raises(ConfigurationError, match="OIDC_CLIENT_ID must be set"):
        check_single_sign_on_settings(_settings("production", OIDC_ISSUER_URL="https://idp.example.org",
                                                OIDC_CLIENT_ID=None))


def test_local_sign_in_is_admins_or_all() -> None:
    check_single_sign_on_settings(_settings("production", LOCAL_SIGN_IN="all"))
    with pytest.raises(ConfigurationError, match="LOCAL_SIGN_IN must be one of admins, all, not 'officers'"):
        check_single_sign_on_settings(_settings("production", LOCAL_SIGN_IN="officers"))
