""""Forgot your password?": a member of staff asks for a link to choose a new password.

The page says the same whatever was typed, and does the same work: every request (after the per-address and
per-account limits) is queued as one row and audited, and nothing else happens in the request. The scheduler then
takes the queue: an enabled account that may sign in with a password gets the same one-time link an admin's reset
sends (alerts.services.staff_admin), living an hour; anything else (no such account, a disabled one, one that signs
in only with single sign-on) gets nothing. Either way the row, and what was typed, is deleted.
"""

from __future__ import annotations

import hashlib
import logging

from flask import current_app

from alerts.data import password_link_requests, sign_in_throttle
from alerts.data import staff as staff_data
from alerts.extensions import db
from alerts.models import Role, StaffUser
from alerts.services import staff_admin
from alerts.services.actors import Actor

log = logging.getLogger(__name__)

ADDRESS_FREE_REQUESTS = 5
ACCOUNT_FREE_REQUESTS = 3
# Who a request is audited as: the page does not look the account up, and what was typed is not kept.
REQUESTER = "someone on Forgot your password?"


def password_sign_in_allowed(user: StaffUser) -> bool:
    """With single sign-on on, the provider owns staff passwords: a password here signs in admins only (their
    break-glass), unless LOCAL_SIGN_IN=all."""
    config = current_app.config
    return not config.get("OIDC_ISSUER_URL") or config.get("LOCAL_SIGN_IN") == "all" or user.role == Role.ADMIN


def _turn(key: str, free: int) -> sign_in_throttle.Turn:
    with db.engine.begin() as connection:  # committed at once, like every sign-in count
        return sign_in_throttle.take_turn(connection, key, free)


def request_link(email: str, ip_address: str | None) -> sign_in_throttle.Turn:
    """Queue a request for a password link, or say how long to wait. The address (an IPv6 client by its /64) and
    the typed email (hashed: it may name nobody) are each limited."""
    network = sign_in_throttle.address_key(ip_address)
    by_address = _turn(f"forgot|{network}", ADDRESS_FREE_REQUESTS)
    if not by_address.allowed:
        return by_address
    typed = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    by_account = _turn(f"forgot|account|{typed}", ACCOUNT_FREE_REQUESTS)
    if not by_account.allowed:
        return by_account
    password_link_requests.add(email, ip_address)
    Actor(user_id=None, name=REQUESTER, ip_address=ip_address).audit("staff.password_link_requested")
    db.session.commit()
    return by_account


def send_requested_links() -> int:
    """The scheduler's job: send a link for each waiting request that names an account allowed one; how many."""
    sent = 0
    for request in password_link_requests.take_waiting():
        user = staff_data.get_staff_user_by_email(request.email)
        if user is None or user.is_disabled or not password_sign_in_allowed(user):
            continue
        staff_admin.email_password_link(user, Actor.staff(user, request.ip_address), asked_by_owner=True)
        sent += 1
    db.session.commit()
    if sent:
        log.info("sent %d password links asked for on Forgot your password?", sent)
    return sent
