"""Which language a request is answered in, and the /cy/ twin of every page.

A council whose profile lists Welsh serves Welsh pages under /cy/<the same path>. The prefix is moved into
SCRIPT_NAME before Flask routes the request, so one set of views serves both, and every url_for on a Welsh page
already points at the Welsh pages. The API and feeds take `?lang=` or Accept-Language instead (a client asks;
a URL shared between people should not change language under them, so pages never guess from the browser).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, get_locale

from alerts.formatting import FILTERS
from alerts.languages import ENGLISH, WELSH, lines_in, text_in

LANGUAGE_KEY = "alerts.language"  # set in the WSGI environ by WelshPages
WELSH_PREFIX = "/" + WELSH
# How each language names itself in the switch: a reader looks for their own language's name.
NAMES = {ENGLISH: "English", WELSH: "Cymraeg"}
ASKED_FOR_PATHS = ("/api/", "/feeds/", "/cap/")


class WelshPages:
    """WSGI middleware: /cy/notices is the Welsh /notices."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == WELSH_PREFIX or path.startswith(WELSH_PREFIX + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + WELSH_PREFIX
            environ["PATH_INFO"] = path[len(WELSH_PREFIX):] or "/"
            environ[LANGUAGE_KEY] = WELSH
        return self.wsgi_app(environ, start_response)


def council_languages() -> tuple[str, ...]:
    languages: tuple[str, ...] = current_app.config["COUNCIL_PROFILE"].languages
    return languages


def request_language() -> str:
    """The language of this request: Welsh under /cy/; what an API or feed client asked for, among the council's
    languages, else the council's first; English for every other page, and for jobs (messages to a resident
    are rendered in their language with force_locale)."""
    if not has_request_context():
        return ENGLISH
    if request.environ.get(LANGUAGE_KEY):
        return WELSH
    languages = council_languages()
    if request.path.startswith(ASKED_FOR_PATHS):
        asked = request.args.get("lang")
        if asked in languages:
            return asked
        return request.accept_languages.best_match(languages) or languages[0]
    return ENGLISH


def page_language() -> str:
    """"cy" or "en": the language this request (or a message rendered under force_locale) is in."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in NAMES else ENGLISH


def twins() -> list[dict[str, Any]]:
    """This page in each of the council's languages, for hreflang links and the language switch; none for a
    council with one language."""
    languages = council_languages()
    if len(languages) < 2:
        return []
    root = request.script_root
    if request.environ.get(LANGUAGE_KEY):
        root = root.removesuffix(WELSH_PREFIX)
    path = request.full_path if request.query_string else request.path
    base = request.host_url.rstrip("/") + root
    return [{"language": language, "name": NAMES[language], "current": language == page_language(),
             "href": base + (WELSH_PREFIX if language == WELSH else "") + path}
            for language in sorted(languages, key=lambda code: code != ENGLISH)]


def local(thing: Any, field: str) -> str:
    """Jinja filter: {{ notice|local("title") }} is the notice's title in the page's language."""
    return text_in(thing, field, page_language())


def local_lines(thing: Any, field: str) -> tuple[str, ...]:
    """Jinja filter: {{ council.contact|local_lines("postal_address") }}, a text kept as lines, in the page's
    language."""
    return lines_in(thing, field, page_language())


def in_page_language(english: str, thing: Any, field: str) -> str:
    """A configured English text (which the environment may override), or the profile's Welsh on a Welsh page."""
    return english if page_language() == ENGLISH else text_in(thing, field, WELSH)


def _in_page_language(format_: Callable[..., Any]) -> Callable[..., str]:
    return lambda value: format_(value, page_language()) if value is not None else ""


def init_languages(app: Flask) -> None:
    Babel(app, locale_selector=request_language)
    app.jinja_env.filters["local"] = local
    app.jinja_env.filters["local_lines"] = local_lines
    for name in ("london_time", "london_date", "london_clock"):  # dates in the page's language
        app.jinja_env.filters[name] = _in_page_language(FILTERS[name])
    app.jinja_env.globals.update(page_language=page_language, language_twins=twins)
    if WELSH in app.config["COUNCIL_PROFILE"].languages:
        app.wsgi_app = WelshPages(app.wsgi_app)  # type: ignore[method-assign]
