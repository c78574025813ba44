"""How times read to people: UK local time in GOV.UK style ("9:30am on 7 December 2026", "midday", "midnight").

The one implementation: templates use these as filters, directly or through components/dates.html.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_clock(value: dt.datetime) -> str:
    local = value.astimezone(LONDON)
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{(local.hour % 12) or 12}{minutes}{'am' if local.hour < 12 else 'pm'}"


def hour_words(hour: int) -> str:
    """An hour on the clock as residents read it: "6pm", "9am", "midday", "midnight"."""
    return {0: "midnight", 12: "midday"}.get(hour, f"{hour % 12 or 12}{'am' if hour < 12 else 'pm'}")


def london_date(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y}"


def london_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return f"{london_clock(value)} on {london_date(value)}"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """"1 text", "2 texts", "1,200 emails": the one home for counts in words."""
    return f"{count:,} {singular if count == 1 else (plural or singular + 's')}"


def with_article(word: str) -> str:
    """"an amber", "a yellow", "a red": the indefinite article a reader hears."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


FILTERS = {"london_time": london_time, "london_date": london_date, "london_clock": london_clock,
           "counted": counted, "with_article": with_article}
