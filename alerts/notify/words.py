"""The words of every message, from the catalogue (alerts/translations), in the reader's language.

Babel directly, not Flask-Babel: messages are rendered in jobs and for many residents at once, each in their own
language, so the language is passed in, never taken from a request. Each call's name is one `make translations`
extracts (`words.gettext("…")`, `words.ngettext(…)`), and each text is a whole sentence with %(name)s placeholders.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

ENGLISH = "en"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


class Words:
    """gettext and ngettext as Flask-Babel has them: the text in one language, filled in with its values."""

    def __init__(self, catalogue: NullTranslations) -> None:
        self._catalogue = catalogue

    def gettext(self, message: str, **values: object) -> str:
        text = self._catalogue.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, num: int, **values: object) -> str:
        return self._catalogue.ngettext(singular, plural, num) % ({"num": num} | values)


@lru_cache(maxsize=8)
def translations(language: str) -> Words:
    """The catalogue for `language`, read once; English (the texts as written) for "en" or a language not in it."""
    if language == ENGLISH:
        return Words(NullTranslations())
    return Words(Translations.load(str(TRANSLATIONS), [language]))
