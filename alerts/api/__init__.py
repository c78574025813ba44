"""The JSON API for the council's other sites, partners and systems."""

from alerts.api.views import api

__all__ = ["api"]
