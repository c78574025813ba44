"""UK postcodes: normalise what people type, validate it, and split it for lookups."""

from __future__ import annotations

import re

# The pattern GOV.UK services use, matched on the whole (space-free) string.
_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2})$")
_WHITESPACE = re.compile(r"\s+")

POSTCODE_ERROR = "Enter a full UK postcode, like DT1 1XJ"
POSTCODE_MISSING = "Enter a postcode"


class InvalidPostcode(ValueError):
    """What the person typed is not a full UK postcode; str() is the message to show them."""


def normalise_postcode(text: str | None) -> str:
    """Return the postcode in its standard form ("DT4 7TA"), or raise InvalidPostcode.

    Accepts lower case and missing or extra spaces, because people type postcodes every way.
    """
    compact = _WHITESPACE.sub("", text or "").upper()
    if not compact:
        raise InvalidPostcode(POSTCODE_MISSING)
    if len(compact) > 8 or not _POSTCODE.match(compact):
        raise InvalidPostcode(POSTCODE_ERROR)
    return f"{compact[:-3]} {compact[-3:]}"


def outward_code(postcode: str) -> str:
    """The district part of a normalised postcode: "DT4 7TA" -> "DT4"."""
    return postcode.split(" ", 1)[0]


def postcode_area(postcode: str) -> str:
    """The letters at the start of a normalised postcode: "DT4 7TA" -> "DT"."""
    return re.match(r"[A-Z]+", postcode).group(0)  # type: ignore[union-attr]
