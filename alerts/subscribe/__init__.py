"""Residents sign up for alerts, confirm their contact, and manage or stop their alerts themselves."""

from __future__ import annotations

from flask import Blueprint

subscribe = Blueprint("subscribe", __name__)

from alerts.subscribe import contacts, manage, sign_up  # noqa: E402, F401 — registers the views on the blueprint

__all__ = ["subscribe"]
