"""The languages residents read, and reading a text in one of them.

A council that writes in Welsh keeps each text twice: the plain field holds the English and the field with `_cy`
after it the Welsh (a notice's title and title_cy, an area's name and name_cy, the profile's names). Where the Welsh
is missing (an English-only council, or a text written before the council turned Welsh on), the English stands in.
"""

from __future__ import annotations

ENGLISH = "en"
WELSH = "cy"
LANGUAGES = (WELSH, ENGLISH)


def text_in(thing: object, field: str, language: str) -> str:
    """thing.<field>_cy when the language is Welsh and it is set, else thing.<field>."""
    if language == WELSH:
        welsh = getattr(thing, f"{field}_cy", None)
        if welsh:
            return str(welsh)
    return str(getattr(thing, field))


def lines_in(thing: object, field: str, language: str) -> tuple[str, ...]:
    """Like text_in, for a text given as lines (the council's postal address): thing.<field>_cy in Welsh when set."""
    if language == WELSH:
        welsh = getattr(thing, f"{field}_cy", None)
        if welsh:
            return tuple(welsh)
    return tuple(getattr(thing, field))
