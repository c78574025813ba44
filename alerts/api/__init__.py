"""The JSON API for the council's other sites, partners and systems."""

from alerts.api import officer  # noqa: F401 — registers the officer endpoints on the same blueprint
from alerts.api.views import api

__all__ = ["api"]
