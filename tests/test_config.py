import pytest

from alerts import create_app
from config.settings import ConfigurationError, database_url


def test_production_refuses_to_start_without_a_secret_key(monkeypatch) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY must be set"):
        create_app("production", {"SECRET_KEY": "", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_refuses_to_start_with_debug_on() -> None:
    with pytest.raises(ConfigurationError, match="DEBUG must be off"):
        create_app("production", {"SECRET_KEY": "x" * 32, "DEBUG": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_refuses_to_start_without_a_notify_key_so_nothing_is_silently_unsent() -> None:
    with pytest.raises(ConfigurationError, match="NOTIFY_API_KEY must be set"):
        create_app("production", {"SECRET_KEY": "x" * 32, "NOTIFY_API_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_an_unknown_environment_name_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="ALERTS_ENV must be one of"):
        create_app("staging")


def test_postgres_urls_from_a_paas_use_the_psycopg_driver() -> None:
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x") == "sqlite:///x"
