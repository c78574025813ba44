"""The languages the service writes in: English everywhere, and Welsh beside it for a council in Wales.

Plain columns and profile fields hold English; the Welsh sits beside them in `<field>_cy`.
"""

from __future__ import annotations

from typing import Any

ENGLISH = "en"
WELSH = "cy"
LANGUAGES = (ENGLISH, WELSH)


def text_in(thing: Any, field: str, language: str) -> Any:
    """thing.<field> in this language: the Welsh when asked for and written, otherwise the English."""
    if language == WELSH:
        welsh = getattr(thing, f"{field}_cy", None)
        if welsh:
            return welsh
    return getattr(thing, field)
