"""Callbacks from other services: GOV.UK Notify's delivery receipts."""

from alerts.callbacks.views import callbacks

__all__ = ["callbacks"]
