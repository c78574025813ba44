"""The words of an HTTP error's problem+json in the request's language.

werkzeug names each error and describes it in English ("Not Found", "The method is not allowed …"); the API says
them in the language asked for. The texts are listed here once so that `make translations` finds them; any other
text (a limit's own description, say) stays as it is.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

WERKZEUG_WORDS = (
    _l("Bad Request"),
    _l("The browser (or proxy) sent a request that this server could not understand."),
    _l("Unauthorized"),
    _l("Forbidden"),
    _l("Not Found"),
    _l("The requested URL was not found on the server. If you entered the URL manually please check your spelling "
       "and try again."),
    _l("Method Not Allowed"),
    _l("The method is not allowed for the requested URL."),
    _l("Request Entity Too Large"),
    _l("The data value transmitted exceeds the capacity limit."),
    _l("Unsupported Media Type"),
    _l("The server does not support the media type transmitted in the request."),
    _l("Too Many Requests"),
    _l("This user has exceeded an allotted request count. Try again later."),
    _l("Internal Server Error"),
    _l("Something went wrong. Try again later."),
    _l("Service Unavailable"),
)


def in_request_language(text: str) -> str:
    """This English text in the request's language, when the catalogue has it; otherwise as it is."""
    return gettext(text) if text else text
