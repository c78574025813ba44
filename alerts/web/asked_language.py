"""The language an API or feed answer is in, and the headers that say so.

A client asks for a language with the /cy/ prefix, `?lang=` or Accept-Language (alerts/web/languages.py decides).
Only the last makes the same URL answer differently for different clients, so only then does the answer carry
`Vary: Accept-Language`; a cache must keep one copy per language for it (alerts/web/caching.py keys its copies and
ETags by the language for the same reason). A council with one language answers as it always has: no new headers.
"""

from __future__ import annotations

from flask import Response, current_app, request

from alerts.languages import ENGLISH, WELSH
from alerts.profile import council
from alerts.web.languages import LANGUAGE_KEY, council_languages, in_page_language, page_language

# How a language is named in Content-Language, CAP <language> and RSS <language>: British English, and Welsh.
LANGUAGE_TAGS = {ENGLISH: "en-GB", WELSH: "cy"}


def is_bilingual() -> bool:
    return len(council_languages()) > 1


def answer_language() -> str:
    """"cy" or "en": the language this API or feed request is answered in."""
    return page_language()


def council_name() -> str:
    """The council's name in the answer's language: its Welsh name from the profile, when it has one."""
    return in_page_language(current_app.config["COUNCIL_NAME"], council(), "name")


def chosen_by_accept_language() -> bool:
    """Whether this URL answers in a language picked from the client's Accept-Language (or the council's default)."""
    if not is_bilingual() or request.environ.get(LANGUAGE_KEY):
        return False
    return request.args.get("lang") not in council_languages()


def welsh_prefix(language: str) -> str:
    """The path prefix of a page in this language: "/cy" for Welsh, nothing for English."""
    return "/" + WELSH if language == WELSH else ""


def say_language(response: Response, language: str | None = None) -> Response:
    """Content-Language, and Vary: Accept-Language when that header chose it, for a bilingual council only."""
    if not is_bilingual():
        return response
    response.headers["Content-Language"] = LANGUAGE_TAGS[language or answer_language()]
    if language is None and chosen_by_accept_language():
        response.vary.add("Accept-Language")
    return response
