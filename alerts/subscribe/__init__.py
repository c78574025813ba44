"""Residents sign up for alerts, confirm their contact, and manage or stop their alerts themselves."""

from alerts.subscribe.views import subscribe

__all__ = ["subscribe"]
