"""How times read to people: UK local time in GOV.UK style ("9:30am on 7 December 2026", "midday", "midnight"),
and in Welsh as GOV.UK's Welsh pages write it ("9:30yb ar 7 Rhagfyr 2026", "canol dydd", "canol nos").

The one implementation: templates use these as filters (in the page's language, alerts/web/languages.py),
directly or through components/dates.html.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from babel.dates import format_date

LONDON = ZoneInfo("Europe/London")
# midday, midnight, morning and afternoon suffixes, and the word joining a time to its date.
CLOCK_WORDS = {"en": ("midday", "midnight", "am", "pm", "on"), "cy": ("canol dydd", "canol nos", "yb", "yh", "ar")}


def london_clock(value: dt.datetime, language: str = "en") -> str:
    local = value.astimezone(LONDON)
    return _clock(local.hour, local.minute, language)


def _clock(hour: int, minute: int, language: str) -> str:
    midday, midnight, morning, afternoon, _on = CLOCK_WORDS.get(language, CLOCK_WORDS["en"])
    if (hour, minute) == (12, 0):
        return midday
    if (hour, minute) == (0, 0):
        return midnight
    minutes = f":{minute:02d}" if minute else ""
    return f"{(hour % 12) or 12}{minutes}{morning if hour < 12 else afternoon}"


def hour_words(hour: int, language: str = "en") -> str:
    """An hour on the clock as residents read it: "6pm", "9am", "midday", "midnight"."""
    return _clock(hour, 0, language)


def london_date(value: dt.datetime | None, language: str = "en") -> str:
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    if language == "en":
        return f"{local.day} {local:%B %Y}"
    return format_date(local.date(), "d MMMM y", locale=language)


def london_time(value: dt.datetime | None, language: str = "en") -> str:
    if value is None:
        return ""
    on = CLOCK_WORDS.get(language, CLOCK_WORDS["en"])[4]
    return f"{london_clock(value, language)} {on} {london_date(value, language)}"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """"1 text", "2 texts", "1,200 emails": the one home for counts in words."""
    return f"{count:,} {singular if count == 1 else (plural or singular + 's')}"


def with_article(word: str) -> str:
    """"an amber", "a yellow", "a red": the indefinite article a reader hears."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


FILTERS: dict[str, Callable[..., str]] = {
    "london_time": london_time, "london_date": london_date, "london_clock": london_clock, "counted": counted,
    "with_article": with_article}
