"""The languages the service writes in: English everywhere, and Welsh beside it for a council in Wales.

Plain columns and profile fields hold English; the Welsh sits beside them in `<field>_cy`.
"""

from __future__ import annotations

from typing import Any

ENGLISH = "en"
WELSH = "cy"


def text_in(thing: Any, field: str, language: str) -> Any:
    """thing.<field> in this language: the Welsh when asked for and written, otherwise the English."""
    if language == WELSH:
        welsh = getattr(thing, f"{field}_cy", None)
        if welsh:
            return welsh
    return getattr(thing, field)


def update_text_in(update: Any, notice: Any, field: str, language: str) -> Any:
    """An update's text in this language. An update that repeats its notice's words (the first one does) but has no
    Welsh of its own reads with the notice's Welsh, rather than in English."""
    if language == WELSH and not getattr(update, f"{field}_cy", None) and getattr(update, field) == getattr(
            notice, field):
        return text_in(notice, field, language)
    return text_in(update, field, language)
