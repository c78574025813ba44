"""Open data in the formats others already read: Atom and RSS, CAP 1.2, and a banner partner sites can embed."""

from alerts.feeds.views import feeds

__all__ = ["feeds"]
