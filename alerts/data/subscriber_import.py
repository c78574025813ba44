"""Importing already-consented subscribers from another provider (`flask --app wsgi import-subscribers FILE`).

Each row is checked in full before anything is written, so a bad row is skipped whole and a good row is applied
whole: never half-imported. Rows are confirmed subscriptions (the other provider collected the consent), so nothing
is sent to anyone.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from alerts.areas.postcodes import InvalidPostcode, normalise_postcode
from alerts.data import reference
from alerts.data.subscribers import MAX_PLACES_PER_PERSON, AreaChoice, add_areas, find_subscriber, places_after_adding
from alerts.extensions import db
from alerts.models import Channel, Subscriber, SubscriberStatus, utc_now
from alerts.notify import InvalidRecipient, normalise_email, normalise_uk_mobile
from alerts.profile import postcode_message

REQUIRED_COLUMNS = ("channel", "contact", "postcode")
CONSENT_SOURCE = "import"
BATCH_SIZE = 500


class MissingColumns(ValueError):
    """The file's header row lacks a required column; nothing was imported."""


@dataclass(frozen=True)
class ImportRow:
    """One valid row, normalised. `service_ids` None means every service."""

    channel: Channel
    contact: str
    area: AreaChoice
    service_ids: list[str] | None
    # One email a day instead of one per alert (a bulletin service's subscribers); None: the row did not say.
    digest: bool | None = None


@dataclass
class ImportResult:
    subscriptions_added: int = 0
    subscribers_created: int = 0
    unchanged: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)


class BadRow(ValueError):
    """str() says what is wrong with the row, for the report."""


def parse_row(row: dict[str | None, str | None]) -> ImportRow:
    """Validate one CSV row with the same rules as the sign-up journey, or raise BadRow."""
    channel_text = (row.get("channel") or "").strip().lower()
    if channel_text not in {Channel.EMAIL.value, Channel.SMS.value}:
        raise BadRow("Channel must be email or sms")
    channel = Channel(channel_text)
    try:
        contact = (normalise_email if channel == Channel.EMAIL else normalise_uk_mobile)(row.get("contact") or "")
        postcode = normalise_postcode(row.get("postcode"))
    except InvalidPostcode as e:
        raise BadRow(postcode_message(e)) from e
    except InvalidRecipient as e:
        raise BadRow(str(e)) from e
    answer = reference.area_for_postcode(postcode)
    if answer.area is None:
        raise BadRow(f"{postcode} is not in the council's area")
    wanted = [part.strip() for part in (row.get("services") or "").split(";") if part.strip()]
    unknown = [service_id for service_id in wanted if reference.get_service(service_id) is None]
    if unknown:
        raise BadRow(f"No service with the id {', '.join(unknown)}")
    return ImportRow(channel=channel, contact=contact, area=AreaChoice(answer.area.id, postcode),
                     service_ids=sorted(set(wanted)) or None, digest=_digest(row.get("digest"), channel))


DIGEST_ANSWERS = {"yes": True, "no": False}


def _digest(cell: str | None, channel: Channel) -> bool | None:
    """The optional digest column: yes or no (any case); empty or absent says nothing. Email only."""
    text = (cell or "").strip().lower()
    if not text:
        return None
    if text not in DIGEST_ANSWERS:
        raise BadRow(f"Digest must be yes or no, not {cell.strip()!r}" if cell else "Digest must be yes or no")
    if DIGEST_ANSWERS[text] and channel != Channel.EMAIL:
        raise BadRow("Digest can only be yes for an email address: the daily digest is sent by email")
    return DIGEST_ANSWERS[text]


def _apply(parsed: ImportRow, result: ImportResult) -> None:
    """Create or add to the subscriber. Like signing up again: areas and services are added, never replaced."""
    subscriber = find_subscriber(parsed.channel, parsed.contact)
    if subscriber is None:
        subscriber = Subscriber(channel=parsed.channel, contact=parsed.contact, status=SubscriberStatus.PENDING,
                                all_services=False, subscriptions=[], services=[])
        db.session.add(subscriber)
        result.subscribers_created += 1
    following = {subscription.area_id for subscription in subscriber.subscriptions}
    had_services = (subscriber.all_services, {service.id for service in subscriber.services})
    had_digest = bool(subscriber.digest)
    if parsed.digest is not None:
        subscriber.digest = parsed.digest
    add_areas(subscriber, [parsed.area])
    if parsed.service_ids is None or subscriber.all_services:
        subscriber.all_services, subscriber.services = True, []
    else:
        have = had_services[1] | set(parsed.service_ids)
        subscriber.services = [s for s in reference.list_services() if s.id in have]
    added_area = parsed.area.area_id not in following
    changed = added_area or had_digest != bool(subscriber.digest) \
        or had_services != (subscriber.all_services, {service.id for service in subscriber.services})
    if not changed and subscriber.status == SubscriberStatus.CONFIRMED:
        result.unchanged += 1  # importing the same file twice touches nothing, not even the consent time
        return
    result.subscriptions_added += added_area
    if subscriber.status == SubscriberStatus.PENDING:
        # The other provider's consent stands in for confirming; an unconfirmed request of theirs stays pending.
        subscriber.status = SubscriberStatus.CONFIRMED
    # A suspended contact stays suspended: Notify said the number or address does not work.
    subscriber.confirmed_at_utc = utc_now()
    subscriber.consent_source = CONSENT_SOURCE
    db.session.flush()


def import_row(line: int, row: dict[str | None, str | None], result: ImportResult) -> bool:
    """Check one row and apply it whole, or note in `result` why it was skipped. True when it was applied. The
    caller commits (the import command does, every BATCH_SIZE applied rows)."""
    try:
        parsed = parse_row(row)
        existing = find_subscriber(parsed.channel, parsed.contact)
        if existing is not None and existing.status == SubscriberStatus.UNSUBSCRIBED:
            # They told us to stop; another provider's older consent does not override that.
            raise BadRow("This contact unsubscribed from these alerts, so was not subscribed again")
        if existing is not None and places_after_adding((s.area_id for s in existing.subscriptions),
                                                        [parsed.area.area_id]) > MAX_PLACES_PER_PERSON:
            raise BadRow(f"This contact already gets alerts for {MAX_PLACES_PER_PERSON} places, the most one person "
                         f"can, so {parsed.area.postcode} was not added")
    except BadRow as e:
        result.skipped.append((line, str(e)))
        return False
    _apply(parsed, result)
    return True


def read_csv(handle: TextIO) -> Iterator[tuple[int, dict[str | None, str | None]]]:
    """Yield (line number, row) from a CSV with a header row; raise MissingColumns before yielding anything."""
    reader = csv.DictReader(handle)
    reader.fieldnames = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in reader.fieldnames]
    if missing:
        raise MissingColumns("The header row must have the columns channel,contact,postcode (and optionally "
                             f"services, digest): missing {', '.join(missing)}")

    def rows() -> Iterator[tuple[int, dict[str | None, str | None]]]:
        for row in reader:
            yield reader.line_num, row

    return rows()
