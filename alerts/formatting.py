"""How times read to people: UK local time, in GOV.UK style ("9:30am on Monday 7 December 2026")."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.strftime("%I").lstrip("0")
    clock = "midnight" if (local.hour, local.minute) == (0, 0) else (
        "midday" if (local.hour, local.minute) == (12, 0) else f"{hour}:{local:%M}{local:%p}".lower())
    return f"{clock} on {local:%A} {local.day} {local:%B %Y}"
