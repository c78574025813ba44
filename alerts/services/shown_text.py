"""A refusal's text, defined once where the rule lives: it is the English (it compares and matches as the English
does, in logs and tests), and str() of it, or of the exception raised with it, is the text in the page's language.
flask_babel's lazy_gettext is not a str, so a test could not look for it in a page."""

from __future__ import annotations

from flask_babel import gettext


class ShownText(str):
    """English as a value; str() in the page's language (from the catalogue)."""

    __slots__ = ()

    def __str__(self) -> str:
        return gettext(str.__str__(self))


def shown_text(english: str) -> ShownText:
    """Mark a text for the catalogue (make translations finds `_l(...)`) and show it in the page's language."""
    return ShownText(english)
