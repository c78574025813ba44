"""Telling people about attacks on a staff account: when its wrong passwords and codes reach the daily limit
(`STAFF_SIGN_IN_ATTEMPTS_PER_DAY`), the member of staff and every admin are emailed, once per window.

Queued through the outbox at the top priority like every staff security email; the dispatcher sends it within a
second of the commit. The caller commits.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from alerts.data import outbox
from alerts.data import staff as staff_data
from alerts.extensions import db
from alerts.formatting import london_time
from alerts.models import Channel, MessageKind, Role, StaffUser
from alerts.notify import render_sign_in_paused_email
from alerts.profile import message_from
from alerts.services.actors import Actor


def _admins() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).where(StaffUser.role == Role.ADMIN,
                                                           StaffUser.is_disabled.is_(False))
                                   .order_by(StaffUser.id)))


def tell_of_paused_sign_in(email: str, address: str | None, window_ends_epoch: float) -> None:
    """The attempt that reached the account's daily limit: audit it and email the person and the admins. Nothing
    for an email that names no account (nobody to tell, and an attacker learns nothing either way)."""
    user = staff_data.get_staff_user_by_email(email)
    if user is None:
        return
    attempts = int(current_app.config["STAFF_SIGN_IN_ATTEMPTS_PER_DAY"])
    until = london_time(dt.datetime.fromtimestamp(window_ends_epoch, tz=dt.UTC))
    Actor.staff(user, address).audit("staff.sign_in_paused", "staff_user", user.id, attempts=attempts)
    for recipient, to_admin in [(user, False), *((admin, True) for admin in _admins() if admin.id != user.id)]:
        email_ = render_sign_in_paused_email(account=user.email, attempts=attempts, until=until, to_admin=to_admin,
                                             message_from=message_from())
        outbox.queue_direct_message(kind=MessageKind.STAFF_SECURITY, channel=Channel.EMAIL,
                                    recipient=recipient.email, subject=email_.subject, body=email_.body)
