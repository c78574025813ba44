"""UK postcodes: normalise what people type, validate it, and split it for lookups."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

# The pattern GOV.UK services use, matched on the whole (space-free) string.
_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2})$")
_WHITESPACE = re.compile(r"\s+")

# {example}: a postcode in the council's area, filled in by whoever shows the message (InvalidPostcode.message).
# Lazy: each message is read in the language of whoever is shown it, when it is shown.
POSTCODE_ERROR = _l("Enter a full UK postcode, like {example}")
POSTCODE_MISSING = _l("Enter a postcode")


class InvalidPostcode(ValueError):
    """What the person typed is not a full UK postcode; message() is what to show them."""

    def message(self, example: str) -> str:
        return str(self).replace("{example}", example)


def normalise_postcode(text: str | None) -> str:
    """Return the postcode in its standard form ("SW1A 2AA"), or raise InvalidPostcode.

    Accepts lower case and missing or extra spaces, because people type postcodes every way.
    """
    compact = _WHITESPACE.sub("", text or "").upper()
    if not compact:
        raise InvalidPostcode(POSTCODE_MISSING)
    if len(compact) > 8 or not _POSTCODE.match(compact):
        raise InvalidPostcode(POSTCODE_ERROR)
    return f"{compact[:-3]} {compact[-3:]}"


def outward_code(postcode: str) -> str:
    """The district part of a normalised postcode: "SW1A 2AA" -> "SW1A"."""
    return postcode.split(" ", 1)[0]


def postcode_area(postcode: str) -> str:
    """The letters at the start of a normalised postcode: "SW1A 2AA" -> "SW"."""
    return re.match(r"[A-Z]+", postcode).group(0)  # type: ignore[union-attr]
