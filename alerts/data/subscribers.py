"""Subscribers: sign-up requests, confirmation, changes made on the manage page, unsubscribing.

A sign-up never changes what a contact receives until that contact is confirmed: the request waits in
`Subscriber.pending_request` and is applied by `confirm_subscriber`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import lazyload

from alerts.data import execute_counting_rows, insight, reference
from alerts.extensions import db
from alerts.languages import ENGLISH, LANGUAGES
from alerts.models import Channel, Message, MessageStatus, Subscriber, SubscriberStatus, Subscription, utc_now
from alerts.models.audience import MAX_PLACES_PER_PERSON as MAX_PLACES_PER_PERSON  # the floors above read it here

MAX_CODE_ATTEMPTS = 5
CODE_LIFETIME = dt.timedelta(minutes=10)  # the privacy notice states it (alerts/data/retention.py PrivacyPeriods)


class TooManyPlaces(ValueError):
    """More than MAX_PLACES_PER_PERSON places for one person. Each page says it in its own words."""


def places_after_adding(following: Iterable[str], adding: Iterable[str]) -> int:
    """How many places a person following `following` area ids would follow with `adding` too."""
    return len(set(following) | set(adding))


@dataclass(frozen=True)
class AreaChoice:
    """One postcode a resident gave and the area it resolved to."""

    area_id: str
    postcode: str | None


def get_subscriber(subscriber_id: int) -> Subscriber | None:
    return db.session.get(Subscriber, subscriber_id)


def find_subscriber(channel: Channel, contact: str) -> Subscriber | None:
    return db.session.scalar(select(Subscriber).where(Subscriber.channel == channel, Subscriber.contact == contact))


@dataclass(frozen=True)
class CodeHolder:
    """Who a contact is, as far as checking a code needs: one narrow query, the same for any contact."""

    subscriber_id: int
    status: SubscriberStatus
    pending: bool  # a sign-up or change is waiting for this contact to confirm


@dataclass(frozen=True)
class LiveCode:
    subscriber_id: int
    code_hash: str
    expires_at: dt.datetime | None
    issued_to: str | None
    attempts: int


def find_code_holder(channel: Channel, contact: str) -> CodeHolder | None:
    row = db.session.execute(
        select(Subscriber.id, Subscriber.status, Subscriber.pending_request.is_not(None))
        .where(Subscriber.channel == channel, Subscriber.contact == contact)
    ).first()
    return CodeHolder(row[0], row[1], bool(row[2])) if row else None


def get_code(subscriber_id: int) -> LiveCode | None:
    """The subscriber's current code, if any. One narrow query whether or not there is one, so checking a guess
    for a contact with no code does the same database work as checking one for a contact with a code."""
    row = db.session.execute(
        select(Subscriber.id, Subscriber.code_hash, Subscriber.code_expires_at_utc, Subscriber.code_issued_to,
               Subscriber.code_attempts)
        .where(Subscriber.id == subscriber_id, Subscriber.code_hash.is_not(None))
    ).first()
    return LiveCode(row[0], row[1], row[2], row[3], row[4]) if row else None


def clear_code_of(subscriber_id: int) -> None:
    """`clear_code` without loading the subscriber. The caller commits."""
    db.session.execute(
        update(Subscriber).where(Subscriber.id == subscriber_id)
        .values(code_hash=None, code_expires_at_utc=None, code_issued_to=None)
        .execution_options(synchronize_session=False)
    )


def request_sign_up(*, channel: Channel, contact: str, areas: Iterable[AreaChoice], service_ids: list[str] | None,
                    source: str, replaces: int | None = None, digest: bool | None = None,
                    consent_record: str | None = None, resident_id: int | None = None,
                    language: str | None = None) -> Subscriber:
    """Record what a contact asked for, to apply once they confirm. `service_ids` None means every service.
    `language` ("en" or "cy"; None: as it is) is a new contact's at once, so its confirmation can be in it; a
    confirmed contact's changes only once confirmed, like everything else it asks for.

    A confirmed (or suspended) contact keeps what they have meanwhile. A contact that unsubscribed starts afresh.
    The caller commits.
    """
    # Their areas and services load only if used (a contact that unsubscribed): a signed-up contact's request
    # must cost no more reads than a stranger's, or its time would tell who is signed up.
    subscriber = db.session.scalar(
        select(Subscriber).where(Subscriber.channel == channel, Subscriber.contact == contact)
        .options(lazyload(Subscriber.subscriptions), lazyload(Subscriber.services)))
    started = subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED
    insight.bump(insight.Metric.SIGNUP_STARTED if started else insight.Metric.SIGNUP_REPEATED, str(channel))
    if subscriber is None:
        subscriber = Subscriber(channel=channel, contact=contact, status=SubscriberStatus.PENDING, all_services=False,
                                consent_source=source)
        db.session.add(subscriber)
    elif subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        subscriber.status = SubscriberStatus.PENDING
        subscriber.subscriptions = []
        subscriber.services = []
        subscriber.all_services = False
        subscriber.unsubscribed_at_utc = None
        subscriber.unsubscribe_reason = None
        subscriber.resident_id = None  # a fresh start: it joins someone again only by confirming a request
    if started and language is not None:
        subscriber.language = language
    subscriber.pending_request = {
        "areas": [[choice.area_id, choice.postcode] for choice in areas],
        "services": sorted(service_ids) if service_ids is not None else None,
        "source": source,
        "replaces": replaces,
        # One email a day (None: keep what they have), and who heard a caller's spoken consent.
        "digest": digest,
        "consent_record": consent_record,
        # The person this contact joins once confirmed (`alerts.data.residents.join`): never before.
        "resident": resident_id,
        "language": language,
    }
    subscriber.pending_since_utc = utc_now()
    db.session.flush()
    return subscriber


def set_code(subscriber: Subscriber, code_hash: str, expires_at: dt.datetime, *, issued_to: str | None) -> None:
    """Store a new code (hashed), replacing any earlier one and its tries. The caller commits."""
    subscriber.code_hash = code_hash
    subscriber.code_issued_to = issued_to
    subscriber.code_expires_at_utc = expires_at
    subscriber.code_attempts = 0
    subscriber.codes_sent += 1


def use_code_attempt(subscriber_id: int) -> bool:
    """Spend one of the code's tries before checking it; False when none are left.

    A conditional UPDATE, so guesses sent in parallel can never get more than MAX_CODE_ATTEMPTS tries between them.
    The caller commits it at once, before checking the guess.
    """
    used = execute_counting_rows(
        update(Subscriber)
        .where(Subscriber.id == subscriber_id, Subscriber.code_hash.is_not(None),
               Subscriber.code_attempts < MAX_CODE_ATTEMPTS)
        .values(code_attempts=Subscriber.code_attempts + 1)
    )
    return bool(used)


def clear_code(subscriber: Subscriber) -> None:
    """A code is single use: forget it once used, expired or out of tries. The caller commits."""
    subscriber.code_hash = None
    subscriber.code_expires_at_utc = None
    subscriber.code_issued_to = None


def confirm_subscriber(subscriber: Subscriber) -> None:
    """Apply the pending request: the contact has proved it is theirs. Safe to call twice. The caller commits."""
    request = subscriber.pending_request
    clear_code(subscriber)
    subscriber.code_attempts = 0
    if subscriber.status == SubscriberStatus.PENDING:
        insight.bump(insight.Metric.SIGNUP_CONFIRMED, str(subscriber.channel))
    if subscriber.status != SubscriberStatus.CONFIRMED:
        subscriber.status = SubscriberStatus.CONFIRMED
        subscriber.permanent_failures = 0
        subscriber.suspended_reason = None
        subscriber.suspended_at_utc = None
    if request is None:
        return
    add_areas(subscriber, [AreaChoice(area_id, postcode) for area_id, postcode in request.get("areas", [])])
    wanted = request.get("services")
    if wanted is None or subscriber.all_services:
        subscriber.all_services = True
        subscriber.services = []
    else:
        have = {service.id for service in subscriber.services}
        subscriber.services = [s for s in reference.list_services() if s.id in have | set(wanted)]
    subscriber.confirmed_at_utc = utc_now()  # consent: the latest confirmation covers everything asked for
    subscriber.consent_source = str(request.get("source") or subscriber.consent_source)
    if request.get("digest") is not None and subscriber.channel == Channel.EMAIL:
        subscriber.digest = bool(request["digest"])
    if request.get("language") in LANGUAGES:
        subscriber.language = str(request["language"])
    if request.get("consent_record"):
        subscriber.consent_record = str(request["consent_record"])[:500]
    subscriber.pending_request = None
    subscriber.pending_since_utc = None
    replaced = request.get("replaces")
    if isinstance(replaced, int) and replaced != subscriber.id:
        old = get_subscriber(replaced)
        if old is not None and old.status != SubscriberStatus.UNSUBSCRIBED:
            unsubscribe(old, reason=f"Changed to {'email' if subscriber.channel == Channel.EMAIL else 'text message'}",
                        via=insight.UnsubscribeVia.CHANGED_CHANNEL)


def add_areas(subscriber: Subscriber, areas: Iterable[AreaChoice]) -> None:
    """Follow these places too. Never past MAX_PLACES_PER_PERSON: the pages and services refuse more before they
    get here, and a confirmation that would take a contact past it (a second sign-up's places added to what it had)
    adds places only up to it, so the audience counts' key can always be stored."""
    following = {subscription.area_id: subscription for subscription in subscriber.subscriptions}
    for choice in areas:
        existing = following.get(choice.area_id)
        if existing is None and len(following) >= MAX_PLACES_PER_PERSON:
            continue
        if existing is None:
            following[choice.area_id] = Subscription(area_id=choice.area_id, postcode=choice.postcode)
            subscriber.subscriptions.append(following[choice.area_id])
        elif existing.postcode is None:
            existing.postcode = choice.postcode


def remove_area(subscriber: Subscriber, area_id: str) -> None:
    subscriber.subscriptions = [s for s in subscriber.subscriptions if s.area_id != area_id]


def remove_areas_except(subscriber: Subscriber, keep: set[str]) -> None:
    subscriber.subscriptions = [s for s in subscriber.subscriptions if s.area_id in keep]


def set_services(subscriber: Subscriber, service_ids: list[str] | None) -> None:
    """None means every service, including any the council adds later. The caller commits."""
    if service_ids is None:
        subscriber.all_services = True
        subscriber.services = []
    else:
        subscriber.all_services = False
        subscriber.services = [s for s in reference.list_services() if s.id in set(service_ids)]


def set_digest(subscriber: Subscriber, digest: bool) -> None:
    """One email a day, or each alert as it comes (email only: the address stays the same). The caller commits."""
    subscriber.digest = digest


def message_language(subscriber: Subscriber) -> str:
    """The language a message to this contact is written in: the one its waiting sign-up asked for (its
    confirmation answers that request), else its own."""
    asked = (subscriber.pending_request or {}).get("language")
    return str(asked) if asked in LANGUAGES else subscriber.language or ENGLISH


def set_language(subscriber: Subscriber, language: str) -> None:
    """The language their messages, links and answers come in ("en" or "cy"). The caller commits."""
    if language not in LANGUAGES:
        raise ValueError(f"not a language: {language!r}")
    subscriber.language = language


def unsubscribe(subscriber: Subscriber, reason: str, *, via: insight.UnsubscribeVia) -> bool:
    """Stop every alert. Returns False if they had already stopped. The caller commits.

    The one place a subscription stops: every way of stopping (a link in a message, a STOP reply, the contact
    centre, a change of channel) comes here and names how it came, so insight counts each once under its reason.
    Revokes every manage and unsubscribe link issued so far, so none can reach a later subscription of the same
    contact; the one-click link still answers 200 (the unsubscribe page treats a stopped subscriber as done)."""
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return False
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    insight.bump(insight.Metric.UNSUBSCRIBED, via)
    subscriber.token_version += 1
    subscriber.unsubscribed_at_utc = utc_now()
    subscriber.unsubscribe_reason = reason.strip()[:500]
    # It stays linked to the person (a START reply puts it back with what they follow then), but no longer counts
    # as one of their live contacts: the others carry on.
    subscriber.pending_request = None
    subscriber.pending_since_utc = None
    clear_code(subscriber)
    hold_back_queued_messages(subscriber.id)
    return True


def hold_back_queued_messages(subscriber_id: int) -> int:
    """Fail what is still queued for a subscriber who has stopped: texts held for quiet hours would otherwise reach
    them the next morning. Returns how many were held back. The caller commits. Staff pages show these as "Not
    sent — they stopped first" by this last_error (templates/staff/_macros.html), not as failures."""
    held = execute_counting_rows(
        update(Message)
        .where(Message.subscriber_id == subscriber_id, Message.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.FAILED, last_error="Unsubscribed before sending", completed_at_utc=utc_now())
        .execution_options(synchronize_session=False)
    )
    return held or 0
