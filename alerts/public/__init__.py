"""Resident pages: the start page, notices by postcode, one notice, and the content pages."""

from alerts.public import feedback as _feedback  # noqa: F401  (its routes join the blueprint)
from alerts.public.views import public

__all__ = ["public"]
