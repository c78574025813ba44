"""Page numbers and dates read from a query string, one way for every staff page and the API.

Whatever is typed into a URL — `²` (a digit to `str.isdigit()` that `int()` refuses), twenty nines, `9999-12-31` —
comes back as a value the database and date arithmetic can take, or as a message for the page's error summary:
never an exception, so never a 500.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _

# Far more pages than any list here has, and small enough that the database offset stays cheap.
MAX_PAGE = 10_000
# Nothing this service records is older than its first release or more than a year ahead; outside these, date
# arithmetic (a day after 9999-12-31) and year-long series stop making sense.
EARLIEST_DATE = dt.date(2000, 1, 1)
FUTURE_DAYS = 366
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def page_number(raw: str | None) -> int | None:
    """The page asked for, 1 when none was, or None when the text isn't a page from 1 to MAX_PAGE (an empty
    `?page=` included: the API's contract says a page is a whole number, so it answers 422 as for any other)."""
    if raw is None:
        return 1
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_PAGE)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_PAGE else None


def page_or_first(raw: str | None) -> int:
    """For a list page: a page number that isn't one shows the first page rather than an error."""
    return page_number(raw) or 1


@dataclass(frozen=True)
class ParsedDate:
    value: dt.date | None
    error: str | None = None


def latest_date(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=FUTURE_DAYS)


def parse_date(raw: str | None, *, label: str, invalid: str, today: dt.date) -> ParsedDate:
    """A date typed as 2026-11-27 or 27/11/2026, between EARLIEST_DATE and a year from today.

    `invalid` is the page's message for text that isn't a date; `label` names the field in the range messages
    ("The start date must be…"). Blank is no date and no error.
    """
    text = (raw or "").strip()
    if not text:
        return ParsedDate(None)
    day: dt.date | None = None
    if text.isascii() and len(text) <= 10:
        for pattern in DATE_FORMATS:
            try:
                day = dt.datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
    if day is None:
        return ParsedDate(None, invalid)
    if day < EARLIEST_DATE:
        return ParsedDate(None, _("%(label)s must be on or after 1 January %(year)s", label=label,
                                  year=EARLIEST_DATE.year))
    if day > latest_date(today):
        return ParsedDate(None, _("%(label)s must be no more than a year from today", label=label))
    return ParsedDate(day)
