"""A production app that passes every start-up check, for tests that need production behaviour."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask
from flask_migrate import upgrade

from alerts import create_app
from config.settings import ROOT

PUBLIC_HOST = "alerts.dorsetcouncil.example"


def production_settings(**overrides: Any) -> dict[str, Any]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "NOTIFY_API_KEY": "production-test-key",
        "BASE_URL": f"https://{PUBLIC_HOST}",
        # Flask-Limiter connects lazily: nothing here talks to Redis unless a limit is counted.
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/4",
        **overrides,
    }


def production_app(**overrides: Any) -> Flask:
    return create_app("production", production_settings(**overrides))


def migrated(app: Flask) -> Flask:
    """The app with its schema built: production settings use a private in-memory SQLite database."""
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app
