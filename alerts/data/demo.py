"""Realistic winter disruption in the council's own areas, for `make run` and for trying the service out."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from sqlalchemy import func, select

from alerts.credentials.passwords import hash_password
from alerts.data import reference
from alerts.data.demo_welsh import BACK_TO_NORMAL, WelshNotice, demo_notices_in_welsh
from alerts.data.feeds import FoundWarning
from alerts.extensions import db
from alerts.models import (
    Channel,
    Impact,
    Notice,
    NoticeStatus,
    NoticeUpdate,
    Resident,
    Role,
    StaffUser,
    Subscriber,
    SubscriberStatus,
    Subscription,
    UpdateKind,
    WeatherWarning,
    utc_now,
)
from alerts.profile import council

# Staff addresses on the reserved .example domain, named after the council's: officer@<id>council.example.
DEMO_STAFF = {
    Role.OFFICER: ["officer", "second.officer"],
    Role.CONTACT_CENTRE: ["contact"],
    Role.MANAGER: ["manager"],
    Role.ADMIN: ["admin"],
}


def demo_staff_email(name: str) -> str:
    return f"{name}@{council().id}council.example"


def demo_already_loaded() -> bool:
    return (db.session.scalar(select(func.count()).select_from(Notice)) or 0) > 0


def _notice(title: str, service: str, areas: list[str], impact: Impact, summary: str, advice: str, *,
            started_hours_ago: float, ends_in_hours: float | None, status: NoticeStatus = NoticeStatus.ACTIVE,
            updates: Sequence[tuple[float, str]] = ()) -> Notice:
    now = utc_now()
    started = now - dt.timedelta(hours=started_hours_ago)
    whole_county = areas == [reference.WHOLE_COUNTY_ID]
    notice = Notice(
        title=title, service_id=service, impact=impact, status=status, summary=summary, advice=advice,
        starts_at_utc=started, published_at_utc=started, whole_county=whole_county,
        expected_end_at_utc=now + dt.timedelta(hours=ends_in_hours) if ends_in_hours is not None else None,
        areas=reference.get_areas(areas), created_at_utc=started, updated_at_utc=started,
    )
    notice.updates.append(NoticeUpdate(kind=UpdateKind.PUBLISHED, summary=summary, advice=advice,
                                       notify_subscribers=True, created_at_utc=started))
    for hours_ago, text in updates:
        at = now - dt.timedelta(hours=hours_ago)
        notice.updates.append(NoticeUpdate(kind=UpdateKind.UPDATED, summary=text, created_at_utc=at,
                                           notify_subscribers=True))
        notice.updated_at_utc = at
    if status == NoticeStatus.RESOLVED:
        notice.resolved_at_utc = now - dt.timedelta(hours=started_hours_ago / 2)
        notice.updates.append(NoticeUpdate(kind=UpdateKind.RESOLVED, summary="This service is back to normal.",
                                           created_at_utc=notice.resolved_at_utc, notify_subscribers=True))
        notice.updated_at_utc = notice.resolved_at_utc
    return notice


def _in_welsh(notice: Notice, welsh: WelshNotice) -> Notice:
    """Add the Welsh beside each English text of a demo notice and its updates (published, updated, resolved)."""
    notice.title_cy, notice.summary_cy, notice.advice_cy = welsh.title, welsh.summary, welsh.advice
    published, *rest = notice.updates
    published.summary_cy, published.advice_cy = welsh.summary, welsh.advice
    for update, text in zip([u for u in rest if u.kind == UpdateKind.UPDATED], welsh.updates, strict=True):
        update.summary_cy = text
    for update in rest:
        if update.kind == UpdateKind.RESOLVED:
            update.summary_cy = BACK_TO_NORMAL
    return notice


def demo_notices() -> list[Notice]:
    """A winter's morning in the council profile's own areas: the first few stand in for its towns. A council that
    writes in Welsh gets each notice in Welsh too."""
    notices = _demo_notices_in_english()
    profile = council()
    if not profile.is_bilingual:
        return notices
    areas = profile.areas
    welsh = demo_notices_in_welsh(profile.short_name_cy or profile.short_name,
                                  lambda index: areas[index % len(areas)].name_cy or areas[index % len(areas)].name)
    return [_in_welsh(notice, text) for notice, text in zip(notices, welsh, strict=True)]


def _demo_notices_in_english() -> list[Notice]:
    profile = council()
    areas = profile.areas

    def area(index: int) -> tuple[str, str]:
        chosen = areas[index % len(areas)]
        return chosen.id, chosen.name

    (a0, n0), (a1, n1), (a2, n2), (a3, n3) = area(0), area(1), area(2), area(3)
    (a6, n6), (a10, n10), (a11, n11), (_, n12) = area(6), area(10), area(11), area(12)
    return [
        _notice(
            f"Bin collections suspended in {n1} and {n2}", "bins-and-recycling", [a1, a2],
            Impact.SEVERE,
            "Snow and ice have made many roads unsafe for our collection lorries. All rubbish, recycling and food "
            f"waste collections in {n1} and {n2} are suspended today.",
            "Keep your bins inside your property. We will collect on your next scheduled day, including extra "
            "bags of rubbish placed beside your bin.",
            started_hours_ago=3, ends_in_hours=30,
            updates=[(1, f"Crews will try the main roads in {n1} this afternoon if temperatures rise.")],
        ),
        _notice(
            f"{n6} Primary School closed today", "schools", [a6], Impact.SEVERE,
            f"{n6} Primary School is closed today because the heating has failed in freezing temperatures.",
            "Do not bring children to school. Teachers will set work through the school's online learning page.",
            started_hours_ago=2, ends_in_hours=20,
        ),
        _notice(
            f"Main road closed between {n3} and {n0}", "roads-and-gritting", [a3, a0],
            Impact.MAJOR,
            f"The main road between {n3} and {n0} is closed in both directions after several vehicles became "
            "stuck on an icy hill.",
            "Avoid the area. Use another route if your journey is essential, and allow extra time.",
            started_hours_ago=5, ends_in_hours=8,
        ),
        _notice(
            f"Gritting teams out across {profile.short_name}", "roads-and-gritting", [reference.WHOLE_COUNTY_ID],
            Impact.MINOR,
            f"Our gritters are treating priority routes across {profile.short_name} tonight and tomorrow morning. "
            "Minor roads and pavements will not be gritted.",
            "Only travel if you need to. Check your route before setting out and use grit bins for local paths.",
            started_hours_ago=6, ends_in_hours=36,
        ),
        _notice(
            f"{n11} household recycling centre closed", "household-recycling-centres", [a11], Impact.MAJOR,
            f"{n11} household recycling centre is closed because the site is covered in ice.",
            f"Please keep your waste at home until the site reopens, or visit {n12} recycling centre.",
            started_hours_ago=4, ends_in_hours=24,
        ),
        _notice(
            f"{n0} library closed for the afternoon", "libraries", [a0], Impact.MAJOR,
            f"{n0} library closed early because of a burst pipe.",
            f"Return books to any other {profile.short_name} library; no fines will be charged.",
            started_hours_ago=30, ends_in_hours=None, status=NoticeStatus.RESOLVED,
        ),
        _notice(
            f"Delays to bus services around {n10}", "buses-and-public-transport", [a10],
            Impact.MINOR,
            f"Buses around {n10} are running up to 30 minutes late because of snow on rural roads.",
            "Allow extra time for your journey.",
            started_hours_ago=48, ends_in_hours=None, status=NoticeStatus.RESOLVED,
        ),
    ]


def load_demo_warnings(warnings: Sequence[FoundWarning]) -> int:
    """Recorded weather warnings from no feed source (so no poll withdraws them); they end at their own time.
    Returns how many were new. The caller commits."""
    added = 0
    for warning in warnings:
        if db.session.get(WeatherWarning, warning.warning_id) is not None:
            continue
        db.session.add(WeatherWarning(
            id=warning.warning_id, feed_source_id=None, level=warning.level, hazards=list(warning.hazards),
            areas=list(warning.areas), title=warning.title, description=warning.description, link=warning.link,
            valid_from_utc=warning.valid_from, valid_to_utc=warning.valid_to, is_current=True))
        added += 1
    db.session.flush()
    return added


def load_demo_notices() -> int:
    """The demo notices. The caller (`flask seed-demo`) commits."""
    notices = demo_notices()
    db.session.add_all(notices)
    db.session.flush()
    return len(notices)


def create_demo_staff() -> dict[str, tuple[str, str]]:
    """One account per role (two officers, so approval can be tried). Returns email -> (role, password)."""
    created: dict[str, tuple[str, str]] = {}
    for role, names in DEMO_STAFF.items():
        for email in map(demo_staff_email, names):
            if db.session.scalar(select(StaffUser).where(StaffUser.email == email)) is not None:
                continue
            password = "-".join(secrets.token_hex(3) for _ in range(3))
            db.session.add(StaffUser(email=email, role=role, password_hash=hash_password(password)))
            created[email] = (str(role), password)
    db.session.flush()
    return created


# One person with two contacts (`alerts.data.residents`), in the profile's first area (not the second, whose demo
# counts the foresight card shows): its manage page shows both.
DEMO_RESIDENT = [(Channel.EMAIL, "household@example.com"), (Channel.SMS, "+447700900104")]


def create_demo_resident() -> Subscriber | None:
    """One resident with a confirmed email address and mobile number, linked; returns its email contact, or None
    if it is already there. The caller commits."""
    if db.session.scalar(select(Subscriber.id).where(Subscriber.contact == DEMO_RESIDENT[0][1])) is not None:
        return None
    resident = Resident()
    db.session.add(resident)
    db.session.flush()
    area_id = council().areas[0].id
    contacts = []
    for channel, contact in DEMO_RESIDENT:
        subscriber = Subscriber(channel=channel, contact=contact, status=SubscriberStatus.CONFIRMED,
                                confirmed_at_utc=utc_now(), consent_source="demo", resident_id=resident.id)
        subscriber.subscriptions = [Subscription(area_id=area_id)]
        db.session.add(subscriber)
        contacts.append(subscriber)
    db.session.flush()
    return contacts[0]


# Ofcom drama-range numbers and example.com addresses: nothing real, even if a Notify key is set by mistake.
# (channel, contact, indexes into the profile's areas): most of them in its second area, where the demo bins are.
DEMO_SUBSCRIBERS = [
    (Channel.EMAIL, "resident1@example.com", [1]),
    (Channel.EMAIL, "resident2@example.com", [1, 2]),
    (Channel.EMAIL, "resident3@example.com", [0]),
    (Channel.SMS, "+447700900101", [1]),
    (Channel.SMS, "+447700900102", [1]),
    (Channel.SMS, "+447700900103", [3]),
]


def create_demo_subscribers() -> int:
    """A few confirmed subscribers, so publishing in `make run` shows real counts and outbox rows."""
    created = 0
    areas = council().areas
    for channel, contact, indexes in DEMO_SUBSCRIBERS:
        area_ids = list(dict.fromkeys(areas[index % len(areas)].id for index in indexes))
        exists = db.session.scalar(select(Subscriber).where(Subscriber.channel == channel,
                                                            Subscriber.contact == contact))
        if exists is not None:
            continue
        subscriber = Subscriber(channel=channel, contact=contact, status=SubscriberStatus.CONFIRMED,
                                confirmed_at_utc=utc_now(), consent_source="demo")
        subscriber.subscriptions = [Subscription(area_id=area_id) for area_id in area_ids]
        db.session.add(subscriber)
        created += 1
    db.session.flush()
    return created
