"""Last winter, for the demo: for each kind of Met Office warning the demo shows now, an earlier warning of that kind
and area about 11 months ago, the notices the council published during it (all resolved), and the calls and
feedback that followed. So `make run` shows foresight on the warning cards and insight per kind of warning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from alerts.data import reference
from alerts.data.calls import CallOutcome, count_call
from alerts.data.demo_welsh import BACK_TO_NORMAL, WelshNotice, last_winter_in_welsh
from alerts.data.feedback import Answer, AskedOn, count_answer
from alerts.extensions import db
from alerts.formatting import LONDON
from alerts.models import Impact, Notice, NoticeStatus, NoticeUpdate, UpdateKind, WeatherWarning, utc_now
from alerts.profile import council

AGO = dt.timedelta(days=330)
# (hours after the warning arrived, title, service, area indexes (None: the whole area), impact, summary, advice,
#  hours it lasted, calls by outcome, feedback yes and no)
Plan = tuple[float, str, str, list[int] | None, Impact, str, str, float, dict[CallOutcome, int], tuple[int, int]]


def _kind(hazards: set[str]) -> str:
    """Which of last winter's stories a warning's hazards tell: snow (and ice), wind, rain, or anything else (fog)."""
    if hazards & {"snow", "ice"}:
        return "snow"
    return "wind" if "wind" in hazards else "rain" if "rain" in hazards else "fog"


def _welsh(kind: str) -> list[WelshNotice | None]:
    """Each plan's Welsh, for a council that writes in Welsh; None for each plan otherwise."""
    profile, areas = council(), council().areas
    if not profile.is_bilingual:
        return [None] * len(_plans(kind))
    return list(last_winter_in_welsh(kind, profile.short_name_cy or profile.short_name,
                                     lambda i: areas[i % len(areas)].name_cy or areas[i % len(areas)].name))


def _plans(kind: str) -> list[Plan]:
    areas = council().areas
    n = [areas[i % len(areas)].name for i in range(13)]
    short = council().short_name
    if kind == "snow":
        return [
            (5, f"Bin collections suspended in {n[1]} and {n[2]}", "bins-and-recycling", [1, 2], Impact.SEVERE,
             "Snow and ice have made many roads unsafe for our collection lorries. Collections are suspended today.",
             "Keep your bins inside. We will collect on your next scheduled day.", 30,
             {CallOutcome.ANSWERED: 46, CallOutcome.SIGNED_UP: 9, CallOutcome.PASSED_ON: 7}, (38, 6)),
            (2, f"Gritting teams out across {short}", "roads-and-gritting", None, Impact.MINOR,
             f"Our gritters are treating priority routes across {short} tonight and tomorrow morning.",
             "Only travel if you need to and use grit bins for local paths.", 40,
             {CallOutcome.ANSWERED: 21, CallOutcome.SIGNED_UP: 4, CallOutcome.PASSED_ON: 12}, (25, 3)),
            (14, f"{n[6]} Primary School closed today", "schools", [6], Impact.SEVERE,
             f"{n[6]} Primary School is closed today because of snow.",
             "Do not bring children to school. Work is set on the school's online learning page.", 9,
             {CallOutcome.ANSWERED: 14, CallOutcome.SIGNED_UP: 2, CallOutcome.PASSED_ON: 3}, (17, 1)),
        ]
    if kind == "wind":
        return [
            (8, f"Trees down: road closed between {n[3]} and {n[0]}", "roads-and-gritting", [3, 0], Impact.MAJOR,
             f"Fallen trees have closed the road between {n[3]} and {n[0]}.", "Use another route.", 7,
             {CallOutcome.ANSWERED: 18, CallOutcome.SIGNED_UP: 1, CallOutcome.PASSED_ON: 9}, (12, 4)),
            (10, f"{n[11]} household recycling centre closed", "household-recycling-centres", [11], Impact.MAJOR,
             f"{n[11]} household recycling centre is closed in high winds.",
             "Keep your waste at home until it reopens.", 11,
             {CallOutcome.ANSWERED: 9, CallOutcome.SIGNED_UP: 0, CallOutcome.PASSED_ON: 2}, (6, 2)),
        ]
    if kind == "rain":
        return [
            (6, f"Flooding: road closed near {n[3]}", "roads-and-gritting", [3], Impact.MAJOR,
             f"The road near {n[3]} is flooded and closed.", "Do not drive through flood water.", 14,
             {CallOutcome.ANSWERED: 15, CallOutcome.SIGNED_UP: 2, CallOutcome.PASSED_ON: 6}, (11, 2)),
        ]
    return [
        (3, f"Delays to bus services around {n[10]}", "buses-and-public-transport", [10], Impact.MINOR,
         f"Buses around {n[10]} are running late in thick fog.", "Allow extra time for your journey.", 5,
         {CallOutcome.ANSWERED: 6, CallOutcome.SIGNED_UP: 1, CallOutcome.PASSED_ON: 1}, (4, 1)),
    ]


def load_last_winter(current: Sequence[WeatherWarning]) -> int:
    """One earlier warning per kind among `current` (or snow and ice when there are none), with its notices, calls
    and feedback. Returns how many notices it added; running it again adds nothing. The caller commits."""
    now = utc_now()
    kinds: dict[str, WeatherWarning | None] = {}
    for warning in current:
        kinds.setdefault(",".join(sorted(h.lower() for h in warning.hazards)) or "fog", warning)
    if not kinds:
        kinds["ice,snow"] = None
    added = 0
    for index, (kind, like) in enumerate(sorted(kinds.items())):
        warning_id = f"last-winter-{kind.replace(',', '-')}"
        if db.session.get(WeatherWarning, warning_id) is not None:
            continue
        arrived = now - AGO + dt.timedelta(days=index * 9)
        hazards = kind.split(",")
        areas = list(like.areas) if like else [council().warnings_region or council().name]
        level = like.level if like else "amber"
        db.session.add(WeatherWarning(
            id=warning_id, feed_source_id=None, level=level, hazards=hazards, areas=areas,
            title=f"{level.capitalize()} warning of {', '.join(hazards)} (last winter)", description="",
            link="https://www.metoffice.gov.uk/weather/warnings-and-advice/uk-warnings",
            valid_from_utc=arrived + dt.timedelta(hours=6), valid_to_utc=arrived + dt.timedelta(hours=30),
            is_current=False, created_at_utc=arrived, updated_at_utc=arrived))
        kind_of_weather = _kind(set(hazards))
        for plan, welsh in zip(_plans(kind_of_weather), _welsh(kind_of_weather), strict=True):
            _published(arrived, *plan, welsh=welsh)
            added += 1
    db.session.flush()
    return added


def _published(arrived: dt.datetime, after_hours: float, title: str, service_id: str, area_indexes: list[int] | None,
               impact: Impact, summary: str, advice: str, lasted_hours: float, calls: dict[CallOutcome, int],
               feedback: tuple[int, int], welsh: WelshNotice | None = None) -> None:
    areas = council().areas
    published = arrived + dt.timedelta(hours=after_hours)
    resolved = published + dt.timedelta(hours=lasted_hours)
    area_ids = [reference.WHOLE_COUNTY_ID] if area_indexes is None else list(
        dict.fromkeys(areas[i % len(areas)].id for i in area_indexes))
    notice = Notice(title=title, service_id=service_id, impact=impact, status=NoticeStatus.RESOLVED,
                    summary=summary, advice=advice, starts_at_utc=published, published_at_utc=published,
                    expected_end_at_utc=resolved, resolved_at_utc=resolved, whole_county=area_indexes is None,
                    areas=reference.get_areas(area_ids), created_at_utc=published, updated_at_utc=resolved)
    notice.updates = [
        NoticeUpdate(kind=UpdateKind.PUBLISHED, summary=summary, advice=advice, notify_subscribers=True,
                     created_at_utc=published),
        NoticeUpdate(kind=UpdateKind.RESOLVED, summary="This service is back to normal.", notify_subscribers=True,
                     created_at_utc=resolved)]
    if welsh is not None:
        notice.title_cy, notice.summary_cy, notice.advice_cy = welsh.title, welsh.summary, welsh.advice
        notice.updates[0].summary_cy, notice.updates[0].advice_cy = welsh.summary, welsh.advice
        notice.updates[1].summary_cy = BACK_TO_NORMAL
    db.session.add(notice)
    db.session.flush()
    day = published.astimezone(LONDON).date()
    for outcome, count in calls.items():
        count_call(service_id, notice.id, outcome, by=count, day=day)
    yes, no = feedback
    count_answer(notice.id, Answer.YES, AskedOn.PAGE, by=yes, day=day)
    count_answer(notice.id, Answer.NO, AskedOn.EMAIL, by=no, day=day)
