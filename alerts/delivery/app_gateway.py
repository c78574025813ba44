"""The app's Notify gateway: one per app, built from its configuration. The gateway keeps one client per thread."""

from __future__ import annotations

from flask import Flask, current_app

from alerts.notify import Gateway, NotifyConfig, build_gateway

_EXTENSION_KEY = "alerts_notify_gateway"


def notify_config(app: Flask) -> NotifyConfig:
    return NotifyConfig(
        api_key=app.config["NOTIFY_API_KEY"],
        base_url=app.config["NOTIFY_BASE_URL"],
        email_template_id=app.config["NOTIFY_EMAIL_TEMPLATE_ID"],
        sms_template_id=app.config["NOTIFY_SMS_TEMPLATE_ID"],
        timeout_seconds=float(app.config.get("NOTIFY_TIMEOUT_SECONDS") or 10),
    )


def get_gateway(app: Flask | None = None) -> Gateway:
    """The app's gateway: a real Notify gateway, or the local outbox when no API key is set."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    gateway = app.extensions.get(_EXTENSION_KEY)
    if gateway is None:
        gateway = build_gateway(notify_config(app))
        app.extensions[_EXTENSION_KEY] = gateway
    return gateway


def reset_gateway(app: Flask) -> None:
    """Forget the built gateway, e.g. after a test changes NOTIFY_API_KEY."""
    app.extensions.pop(_EXTENSION_KEY, None)
