"""Signing up, confirming and getting back to the manage page: the rules the pages and the JSON API share.

Every message here is queued in the outbox at the top priority and committed; the dispatcher sends it within a
second. Nothing here waits on Notify, so a slow or failing Notify can never stall a resident's page, and the time
a request takes never tells a prober whether a message went at all (whether a contact is signed up).
"""

from __future__ import annotations

import enum
import hmac
import logging
import secrets
import time
from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from alerts import links
from alerts.addresses import client_network
from alerts.areas.postcodes import InvalidPostcode, normalise_postcode
from alerts.data import manage_requests, outbox, reference, residents
from alerts.data import subscribers as subscriber_data
from alerts.data.subscribers import MAX_PLACES_PER_PERSON, AreaChoice, TooManyPlaces, places_after_adding
from alerts.extensions import db
from alerts.languages import ENGLISH, LANGUAGES, text_in
from alerts.models import Channel, MessageKind, Subscriber, SubscriberStatus, utc_now
from alerts.notify import (
    mask_email,
    mask_phone,
    normalise_email,
    normalise_uk_mobile,
    render_confirmation_email,
    render_confirmation_sms,
    render_manage_link_email,
    render_manage_link_sms,
)
from alerts.profile import council, language_for, message_from, postcode_message
from alerts.services import confirmation_codes, signup_defences

log = logging.getLogger(__name__)

CODE_LIFETIME = subscriber_data.CODE_LIFETIME


class CodeOutcome(enum.Enum):
    CORRECT = "correct"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"  # too many wrong tries for the code, the contact or the client: never saying which


CODE_ERRORS = {
    CodeOutcome.WRONG: _l("The code is not correct. Check the text message and try again"),
    CodeOutcome.EXPIRED: _l("The code has expired. Ask for a new code"),
    CodeOutcome.LOCKED: _l("You have entered the wrong code too many times, or it has been used. "
                           "Ask for a new code, or try again later"),
}


@dataclass(frozen=True)
class SignUp:
    channel: Channel
    contact: str  # normalised: E.164 or lower-case email
    areas: list[AreaChoice]
    service_ids: list[str] | None  # None: every service
    source: str
    replaces: int | None = None
    digest: bool | None = None  # one email a day; None keeps what a confirmed contact has
    consent_record: str | None = None  # a contact centre sign-up by phone: who heard the consent
    resident_id: int | None = None  # the person this contact joins once it is confirmed (a manage page's "add")
    language: str | None = None  # "en" or "cy" for every message to it; None: the council's default language


def masked(channel: Channel, contact: str) -> str:
    return mask_phone(contact) if channel == Channel.SMS else mask_email(contact)


def normalise_contact(channel: Channel, text: str) -> str:
    """Raise InvalidRecipient with the GOV.UK message."""
    return normalise_uk_mobile(text) if channel == Channel.SMS else normalise_email(text)


def guess_channel(text: str) -> Channel:
    return Channel.EMAIL if "@" in text else Channel.SMS


def area_for(postcode_text: str) -> AreaChoice:
    """Resolve a postcode the resident typed, or raise ValueError with the message for the postcode question."""
    try:
        postcode = normalise_postcode(postcode_text)
    except InvalidPostcode as error:
        raise ValueError(postcode_message(error)) from error
    answer = reference.area_for_postcode(postcode)
    if answer.not_found:
        raise ValueError(_("We could not find %(postcode)s. Check it and enter it again", postcode=postcode))
    if answer.is_outside:
        raise ValueError(_outside_message(postcode, answer.neighbour))
    return AreaChoice(answer.area.id, postcode)  # type: ignore[union-attr]


def _outside_message(postcode: str, neighbour: object | None) -> str:
    """Whole sentences for the translator: the neighbour's name changes the word order in Welsh."""
    language = _language()
    profile = council()
    council_name, short_name = text_in(profile, "name", language), text_in(profile, "short_name", language)
    if neighbour is None:
        return _("%(postcode)s is outside %(council)s’s area. Enter a postcode in %(place)s", postcode=postcode,
                 council=council_name, place=short_name)
    return _("%(postcode)s is outside %(council)s’s area. It is covered by %(neighbour)s. Enter a postcode in "
             "%(place)s", postcode=postcode, council=council_name, neighbour=text_in(neighbour, "name", language),
             place=short_name)


def _language() -> str:
    """The language this request is answered in ("en" outside one)."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else ENGLISH


def known_service_ids() -> list[str]:
    return [service.id for service in reference.list_services()]


def new_client_key() -> str:
    """Names one client (a browser session) that codes are sent for and tried by (see `check_code`)."""
    return secrets.token_urlsafe(16)


def api_client(ip: str) -> str:
    """The API has no session: its client is the caller's address."""
    return f"api:{client_network(ip)}"


def start_sign_up(sign_up: SignUp, *, ip: str, client: str) -> int:
    """Check the defences, record the request and queue its confirmation. Returns the subscriber id.

    Raises signup_defences.Refused, having stored and sent nothing.
    """
    return start_sign_ups([sign_up], ip=ip, client=client)[0]


def start_sign_ups(sign_ups: list[SignUp], *, ip: str, client: str) -> list[int]:
    """One person's sign-up by several contacts (email and text): the defences for every contact first, then each
    recorded with its confirmation queued, in one commit. Returns the subscriber ids in the same order.

    Raises signup_defences.Refused, having stored and sent nothing.
    """
    for sign_up in sign_ups:
        signup_defences.check_send(sign_up.channel, sign_up.contact, ip)
    subscribers = record_sign_ups(sign_ups)
    ids = [subscriber.id for subscriber in subscribers]
    for sign_up, subscriber_id in zip(sign_ups, ids, strict=True):
        log.info("sign-up requested by %s for subscriber %s", sign_up.source, subscriber_id)
        queue_confirmation(subscriber_id, client=client)
    db.session.commit()
    return ids


def add_contact(subscriber: Subscriber, channel: Channel, contact: str, *, ip: str, client: str) -> int:
    """A manage page adds an email address or mobile number to the person `subscriber` is one of. It is a sign-up
    for what the person has now, confirmed first (a code by text, a link by email) and linked only once it is.
    Returns the new contact's subscriber id. Raises signup_defences.Refused, having stored and sent nothing."""
    emails = [c for c in residents.contacts_of(subscriber) if c.channel == Channel.EMAIL]
    sign_up = SignUp(channel=channel, contact=contact,
                     areas=[AreaChoice(s.area_id, s.postcode) for s in subscriber.subscriptions],
                     service_ids=None if subscriber.all_services else [s.id for s in subscriber.services],
                     source="web", resident_id=residents.resident_of(subscriber),
                     digest=(emails[0].digest if emails else False) if channel == Channel.EMAIL else None,
                     language=subscriber.language)
    try:
        return start_sign_ups([sign_up], ip=ip, client=client)[0]
    except signup_defences.Refused:
        db.session.rollback()  # not even the resident of one made for it
        raise


def record_sign_ups(sign_ups: list[SignUp]) -> list[Subscriber]:
    """Record what each contact asked for, to apply once it is confirmed. The one place sign-ups are recorded (the
    pages, the API and the contact centre), so contacts given together become one person however they came:
    each joins that person as it is confirmed, and never before. Checks no defences and queues nothing; the
    caller commits. Raises TooManyPlaces, having recorded nothing, for more places than one person may follow
    (the pages refuse them first; this is the floor no path gets past)."""
    for sign_up in sign_ups:
        if places_after_adding([], (area.area_id for area in sign_up.areas)) > MAX_PLACES_PER_PERSON:
            raise TooManyPlaces(f"{len(sign_up.areas)} places")
    resident_id = next((s.resident_id for s in sign_ups if s.resident_id is not None), None)
    if resident_id is None and len(sign_ups) > 1:
        resident_id = residents.new_resident()
    return [subscriber_data.request_sign_up(
        channel=sign_up.channel, contact=sign_up.contact, areas=sign_up.areas, service_ids=sign_up.service_ids,
        source=sign_up.source, replaces=sign_up.replaces, digest=sign_up.digest,
        consent_record=sign_up.consent_record, resident_id=resident_id,
        language=sign_up.language or council().languages[0]) for sign_up in sign_ups]


def apply_confirmation(subscriber: Subscriber) -> None:
    """The contact has proved it is theirs: apply what it asked for, link it to the person it was given with (or
    added by), and give all of that person's contacts the same places, services and digest. The caller commits."""
    request = subscriber.pending_request or {}
    resident_id = request.get("resident")
    digest = request.get("digest") if subscriber.channel == Channel.EMAIL else None
    subscriber_data.confirm_subscriber(subscriber)
    if isinstance(resident_id, int):
        residents.join(subscriber, resident_id, digest=digest)
    else:
        residents.align(subscriber)


def resend_confirmation(subscriber_id: int, *, ip: str, client: str) -> bool:
    """Send a new code or link for a sign-up still waiting; False if there is none. Raises signup_defences.Refused."""
    subscriber = _awaiting_confirmation(subscriber_id)
    if subscriber is None:
        return False
    signup_defences.check_send(subscriber.channel, subscriber.contact or "", ip)
    queue_confirmation(subscriber_id, client=client)
    db.session.commit()
    return True


class NothingToConfirm(ValueError):
    """Only a sign-up still waiting for its contact to be confirmed can be sent a confirmation."""


def _awaiting_confirmation(subscriber_id: int) -> Subscriber | None:
    subscriber = subscriber_data.get_subscriber(subscriber_id)
    if subscriber is None or subscriber.contact is None or subscriber.pending_request is None:
        return None
    return subscriber


def queue_confirmation(subscriber_id: int, *, client: str | None = None) -> str | None:
    """Queue a fresh confirmation for a sign-up still waiting: a new code by text (replacing the old code and its
    tries) or a signed link by email. Returns the message id. Raises NothingToConfirm.

    The one place a confirmation is issued, for residents and the contact centre alike, so any code or link it
    sends works on the resident's confirm page. The caller commits, so it can add its
    own record, such as an audit event, to the same transaction. Checks no defences: the caller decides.
    `client` is who the code is for (None: the contact centre, which sends a fresh code whatever is live). A
    code still live for another client is not replaced and nothing is sent: the resident already has a working
    code, and nobody else's request can take it away. Returns None then.
    """
    subscriber = _awaiting_confirmation(subscriber_id)
    if subscriber is None:
        raise NothingToConfirm("They have no sign-up waiting to be confirmed")
    contact = subscriber.contact or ""
    if subscriber.channel == Channel.SMS:
        code = _new_code(subscriber, client)
        if code is None:
            return None
        body = render_confirmation_sms(code, message_from(language_for(subscriber_data.message_language(subscriber))))
        message = outbox.queue_direct_message(kind=MessageKind.CONFIRMATION, channel=Channel.SMS,
                                              recipient=contact, body=body, subscriber_id=subscriber.id)
    else:
        language = language_for(subscriber_data.message_language(subscriber))
        email = render_confirmation_email(links.confirm_email_url(subscriber.id, subscriber.token_version, language),
                                          message_from(language))
        message = outbox.queue_direct_message(kind=MessageKind.CONFIRMATION, channel=Channel.EMAIL,
                                              recipient=contact, subject=email.subject, body=email.body,
                                              subscriber_id=subscriber.id)
    return message.id


def _new_code(subscriber: Subscriber, client: str | None) -> str | None:
    """A new code for `client`, or None while another client's code is still live (it is not replaced)."""
    return _new_code_issued_to(subscriber, _issuance(client) if client else None)


def _issuance(client: str) -> str:
    return confirmation_codes.issuance_digest(current_app.config["SECRET_KEY"], client)


def _new_code_issued_to(subscriber: Subscriber, issued_to: str | None) -> str | None:
    """`_new_code` for the client whose digest is `issued_to` (None: the contact centre)."""
    secret = current_app.config["SECRET_KEY"]
    live = (subscriber.code_hash is not None and subscriber.code_expires_at_utc is not None
            and subscriber.code_expires_at_utc > utc_now()
            and subscriber.code_attempts < subscriber_data.MAX_CODE_ATTEMPTS)
    if issued_to and live and subscriber.code_issued_to != issued_to:
        log.info("subscriber %s: a code sent for another client is still live; not replaced", subscriber.id)
        return None
    code = confirmation_codes.new_code()
    code_hash = confirmation_codes.hash_code(secret, subscriber.id, code)
    subscriber_data.set_code(subscriber, code_hash, utc_now() + CODE_LIFETIME, issued_to=issued_to)
    return code


def check_code(subscriber_id: int | None, contact: str, code: str, *, client: str,
               issued_at: float | None = None, manage_request: int | None = None) -> CodeOutcome:
    """Check one guess by `client` at the code sent to `contact`.

    Same answer, same work, whoever the contact is: a guess counts against the contact's allowance
    and the tries of the code this client asked for (and the client's own allowance, on the views) whether the
    contact is signed up, pending or unknown, and the answer only says "wrong" or "too many tries". A contact
    with no live code (`subscriber_id` None, or no code) gets the same hash computed and touches nothing. Only the
    client a code was sent for spends that code's own tries, so nobody's guesses can use up a resident's code;
    anyone holding the right code may use it. `issued_at` (time.time() when this client's code was sent) lets
    pages say "expired" alike for everyone. `manage_request`: the request a manage code was asked with
    (`send_manage_access`): see `_check_manage_code`.
    """
    if issued_at is not None and time.time() - issued_at > CODE_LIFETIME.total_seconds():
        return CodeOutcome.EXPIRED
    tries = f"{client}:{contact}:{issued_at or ''}"  # the tries of the code this client asked for
    if not signup_defences.count_code_guess(contact, tries):
        return CodeOutcome.LOCKED
    keys = links.signing_keys()
    tidy = confirmation_codes.tidy_code(code)
    if manage_request is not None:
        return _check_manage_code(subscriber_id, tidy, keys, tries, manage_request)
    # Id 0 is never a subscriber's: a contact with none costs the same query.
    live = subscriber_data.get_code(subscriber_id if subscriber_id is not None else 0)
    if live is None or live.expires_at is None or live.expires_at <= utc_now():
        confirmation_codes.code_matches(keys, 0, tidy, _NO_CODE_HASH)  # the same work as a real check
        return _wrong_code(tries)
    issued_to = live.issued_to
    issuer = issued_to is not None and any(
        hmac.compare_digest(issued_to, confirmation_codes.issuance_digest(key, client)) for key in keys)
    if issuer:
        spent = subscriber_data.use_code_attempt(live.subscriber_id)
        db.session.commit()  # the try is spent before the guess is checked, whatever happens next
        if not spent:
            return CodeOutcome.LOCKED
        live = subscriber_data.get_code(live.subscriber_id)
        if live is None:
            return _wrong_code(tries)  # used or replaced meanwhile
    if confirmation_codes.code_matches(keys, live.subscriber_id, tidy, live.code_hash):
        subscriber_data.clear_code_of(live.subscriber_id)
        db.session.commit()
        return CodeOutcome.CORRECT
    if issuer and live.attempts >= subscriber_data.MAX_CODE_ATTEMPTS:
        subscriber_data.clear_code_of(live.subscriber_id)
        db.session.commit()
        log.warning("subscriber %s: code locked after %s wrong tries", live.subscriber_id, live.attempts)
    return _wrong_code(tries)


_NO_CODE_HASH = "0" * 64


def _check_manage_code(subscriber_id: int | None, tidy: str, keys: list[str], tries: str,
                       request_id: int) -> CodeOutcome:
    """A guess at a manage code spends a try of the request it was asked with, not of the code: every request has a
    row, whether a code was sent or not (the contact has no alerts), so each guess makes the same write and commit
    either way, and its time tells nobody whether the contact gets alerts. A request's MAX_CODE_ATTEMPTS tries are
    the code's: each request sends its client a fresh code (`send_requested_manage_access`), or none while another
    client's is live, which this client never spent before either."""
    spent = manage_requests.spend_guess(request_id, subscriber_data.MAX_CODE_ATTEMPTS)
    db.session.commit()  # the try is spent before the guess is checked, whatever happens next
    live = subscriber_data.get_code(subscriber_id if subscriber_id is not None else 0)
    if not spent or live is None or live.expires_at is None or live.expires_at <= utc_now():
        confirmation_codes.code_matches(keys, 0, tidy, _NO_CODE_HASH)  # the same work as a real check
        return CodeOutcome.LOCKED if not spent else _wrong_code(tries)
    if confirmation_codes.code_matches(keys, live.subscriber_id, tidy, live.code_hash):
        subscriber_data.clear_code_of(live.subscriber_id)
        db.session.commit()
        return CodeOutcome.CORRECT
    return _wrong_code(tries)


def _wrong_code(tries: str) -> CodeOutcome:
    return CodeOutcome.LOCKED if signup_defences.code_guesses_left(tries) <= 0 else CodeOutcome.WRONG


def confirm_with_code(subscriber_id: int, code: str, *, client: str, issued_at: float | None) -> CodeOutcome:
    """Confirm the sign-up this client started (its id is in the client's session) with the texted code."""
    subscriber = subscriber_data.get_subscriber(subscriber_id)
    contact = subscriber.contact if subscriber is not None and subscriber.contact else f"subscriber:{subscriber_id}"
    outcome = check_code(subscriber_id, contact, code, client=client, issued_at=issued_at)
    if outcome == CodeOutcome.CORRECT:
        subscriber = subscriber_data.get_subscriber(subscriber_id)
        assert subscriber is not None
        apply_confirmation(subscriber)
        db.session.commit()
        log.info("subscriber %s confirmed by code", subscriber_id)
    return outcome


def confirm_text_sign_up(contact: str, code: str, *, ip: str) -> int | None:
    """The API's confirm call: the subscriber id once a pending text sign-up is confirmed, else None.

    One answer for a wrong code, an expired one, a contact already confirmed and one never seen: the API can't
    be used to learn who has signed up, or who is signing up.
    """
    holder = subscriber_data.find_code_holder(Channel.SMS, contact)
    pending_id = holder.subscriber_id if holder is not None and holder.pending else None
    outcome = check_code(pending_id, contact, code, client=api_client(ip))
    if outcome == CodeOutcome.LOCKED:
        raise CodeLocked
    if outcome != CodeOutcome.CORRECT or pending_id is None:
        return None
    subscriber = subscriber_data.get_subscriber(pending_id)
    assert subscriber is not None
    apply_confirmation(subscriber)
    db.session.commit()
    log.info("subscriber %s confirmed by code through the API", pending_id)
    return pending_id


class CodeLocked(Exception):
    """Too many wrong tries: for this code, this contact or this client (never saying which)."""


def token_version(subscriber_id: int) -> int | None:
    subscriber = subscriber_data.get_subscriber(subscriber_id)
    return subscriber.token_version if subscriber else None


def confirm_email(token: str) -> int | None:
    """Confirm from the emailed link; None if the link is invalid, expired or its sign-up is gone."""
    try:
        found = links.read_token(links.CONFIRM_EMAIL, token)
    except links.InvalidToken:
        return None
    subscriber = subscriber_data.get_subscriber(found.subscriber_id)
    if subscriber is None or subscriber.token_version != found.version or subscriber.channel != Channel.EMAIL:
        return None
    if subscriber.pending_request is None and subscriber.status != SubscriberStatus.CONFIRMED:
        return None  # unsubscribed since, or the request was purged
    apply_confirmation(subscriber)
    db.session.commit()
    log.info("subscriber %s confirmed by email link", subscriber.id)
    return subscriber.id


def send_manage_access(channel: Channel, contact: str, *, ip: str, client: str) -> int:
    """Ask for a fresh manage link by email, or a security code by text, for a confirmed contact. Returns the
    request's id (for `manage_path_for_code`). Raises signup_defences.Refused.

    Says nothing about whether the contact is signed up: the page is the same either way, the limits count the
    attempt either way, and the request is recorded alike for every contact, without looking the contact up. The
    scheduler answers it within seconds (`send_requested_manage_access`), so the time the page takes tells nobody
    who gets alerts.
    """
    signup_defences.check_send(channel, contact, ip)
    request_id = manage_requests.record(channel, contact, issued_to=_issuance(client))
    db.session.commit()
    return request_id


def send_requested_manage_access() -> int:
    """The scheduler's half of `send_manage_access`: queue the link or code for each request from a confirmed (or
    suspended) contact, and nothing for anyone else; then forget the contacts, and drop requests no code could
    still be tried for. Returns how many were sent."""
    sent = 0
    for request in manage_requests.unanswered():
        channel = Channel(request.channel)
        subscriber = subscriber_data.find_subscriber(channel, request.contact or "")
        if subscriber is not None and subscriber.status in (SubscriberStatus.CONFIRMED, SubscriberStatus.SUSPENDED):
            sent += _queue_manage_access(subscriber, request.issued_to)
        else:
            log.info("manage access asked for %s, which has no confirmed alerts: nothing sent",
                     masked(channel, request.contact or ""))
        manage_requests.mark_answered(request)
    manage_requests.purge_answered_before(utc_now() - CODE_LIFETIME)
    db.session.commit()
    return sent


def _queue_manage_access(subscriber: Subscriber, issued_to: str | None) -> int:
    contact = subscriber.contact or ""
    if subscriber.channel == Channel.SMS:
        code = _new_code_issued_to(subscriber, issued_to)
        if code is None:
            return 0
        body = render_manage_link_sms(code, message_from(language_for(subscriber_data.message_language(subscriber))))
        outbox.queue_direct_message(kind=MessageKind.MANAGE_LINK, channel=Channel.SMS,
                                    recipient=contact, body=body, subscriber_id=subscriber.id)
    else:
        language = language_for(subscriber_data.message_language(subscriber))
        email = render_manage_link_email(links.manage_url(subscriber.id, subscriber.token_version, language),
                                         message_from(language))
        outbox.queue_direct_message(kind=MessageKind.MANAGE_LINK, channel=Channel.EMAIL,
                                    recipient=contact, subject=email.subject, body=email.body,
                                    subscriber_id=subscriber.id)
    return 1


def manage_path_for_code(contact: str, code: str, *, client: str, issued_at: float | None,
                         request_id: int | None = None) -> tuple[CodeOutcome, str | None]:
    """Check a security code texted for `send_manage_access` (`request_id`, the request it returned); on success,
    the path of the manage page."""
    holder = subscriber_data.find_code_holder(Channel.SMS, contact)
    managed = holder is not None and holder.status in (SubscriberStatus.CONFIRMED, SubscriberStatus.SUSPENDED)
    subscriber_id = holder.subscriber_id if holder is not None and managed else None
    outcome = check_code(subscriber_id, contact, code, client=client, issued_at=issued_at,
                         manage_request=request_id)
    if outcome != CodeOutcome.CORRECT or subscriber_id is None:
        return outcome, None
    version = token_version(subscriber_id)
    return outcome, "/manage/" + links.make_token(links.MANAGE, subscriber_id, version or 0)
