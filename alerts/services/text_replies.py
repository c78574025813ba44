"""Acting on residents' replies to our texts, whether Notify's inbound callback brings them or the poll finds them.

The callback is the fast path; the poll (GET /v2/received-text-messages, every INBOUND_POLL_SECONDS) is the
fallback when callbacks are down. Both go through `act_on_reply`, which records Notify's id first, so a reply acts
once however many times and ways it arrives. The poll reads newest first and stops at the first id it has seen:
that id is where it left off last time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from alerts.data import inbound_texts, residents
from alerts.delivery.app_gateway import notify_config
from alerts.extensions import db
from alerts.languages import WELSH
from alerts.models import Channel, Subscriber
from alerts.notify import NotifyError, render_start_answer, render_stop_answer
from alerts.notify.inbound import ReceivedText, ReplyAction, fetch_received_texts, reply_action
from alerts.notify.rendering import carrying_on
from alerts.profile import council, language_for, message_from
from alerts.services import signups

log = logging.getLogger(__name__)

# Notify keeps received texts for 7 days; 250 a page. Enough pages for any backlog a week of outage could leave.
MAX_POLL_PAGES = 40


@dataclass(frozen=True)
class ReplyOutcome:
    new: bool
    action: ReplyAction
    subscriptions_changed: int = 0


def act_on_reply(text: ReceivedText) -> ReplyOutcome:
    """Record the reply by its id and act on it once, with one answering text. Commits."""
    welsh = WELSH in council().languages
    action = reply_action(text.message, welsh=welsh) if text.phone_number else ReplyAction.IGNORED
    try:
        new = inbound_texts.record(text.id, str(action), text.received_at)
    except IntegrityError:  # recorded a moment ago by another process, which acts on it
        db.session.rollback()
        new = False
    if not new:
        return ReplyOutcome(new=False, action=action)
    changed = 0
    # The answer comes in the number's language (its subscription's), among the council's languages.
    language = language_for(inbound_texts.language_of(text.phone_number) if text.phone_number else None)
    if action == ReplyAction.STOP and text.phone_number:
        # STOP ends the texts only: the person's other contacts (an email address) carry on, and the answer says so.
        carry_on = residents.carrying_on_after_stopping(Channel.SMS, text.phone_number)
        changed = inbound_texts.stop_texts(text.phone_number)
        if changed:
            other, by = _described(carry_on[0], language) if carry_on else (None, None)
            inbound_texts.queue_reply(text.phone_number, render_stop_answer(
                message_from(language), int(current_app.config["ENDED_CONTACT_DAYS"]), carry_on=other,
                carry_on_by=by))
    elif action == ReplyAction.START and text.phone_number:
        changed = inbound_texts.start_texts(text.phone_number,
                                            ended_contact_days=int(current_app.config["ENDED_CONTACT_DAYS"]))
        if changed:
            inbound_texts.queue_reply(text.phone_number, render_start_answer(message_from(language)))
    db.session.commit()
    if changed:
        log.info("reply %s: %s changed %s text subscriptions", text.id, action, changed)
    return ReplyOutcome(new=True, action=action, subscriptions_changed=changed)


def _described(contact: Subscriber, language: str) -> tuple[str, str]:
    """The contact whose alerts carry on, with its masked address and without, in the answer's language."""
    return carrying_on(contact.channel == Channel.EMAIL, signups.masked(contact.channel, contact.contact or ""),
                       language)


def poll_received_texts(app: Flask) -> int:
    """Fetch replies newer than the last one seen and act on each (oldest first). Returns how many were new."""
    with app.app_context():
        if not app.config.get("NOTIFY_API_KEY"):
            return 0
        config = notify_config(app)
        unseen: list[ReceivedText] = []
        older_than: str | None = None
        try:
            for _page in range(MAX_POLL_PAGES):
                page = fetch_received_texts(config, older_than=older_than)
                fresh = []
                for text in page:
                    if inbound_texts.already_seen(text.id):
                        break
                    fresh.append(text)
                unseen.extend(fresh)
                if len(fresh) < len(page) or not page:
                    break
                older_than = page[-1].id
        except NotifyError as error:
            log.warning("could not poll Notify for replies: %s", error)
        acted = 0
        for text in reversed(unseen):  # in the order they were sent: STOP then START ends started
            if act_on_reply(text).new:
                acted += 1
        db.session.rollback()  # end the read transaction the look-ups opened
        return acted
