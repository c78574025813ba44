"""Resident pages: the start page, notices by postcode, one notice, and the content pages."""

from alerts.public.views import public

__all__ = ["public"]
