"""Channel holds: nothing goes out on a channel whose daily limit Notify says is used up, nor on any channel while
Notify refuses our key.

`hold_channel` and `clear_hold` commit their own short transaction: they are among the dispatcher's short outbox
transactions, the one exception to "data never commits" (alerts/delivery/dispatcher.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from alerts.extensions import db
from alerts.models import ALL_CHANNELS, Channel, ChannelHold, utc_now


def active_holds(now: dt.datetime | None = None) -> list[ChannelHold]:
    now = now or utc_now()
    return list(db.session.scalars(
        select(ChannelHold).where(ChannelHold.held_until_utc > now).order_by(ChannelHold.channel)
    ))


def held_channels(now: dt.datetime | None = None) -> set[str]:
    """Channels nothing may be sent on now. A refused key holds every channel."""
    held = {hold.channel for hold in active_holds(now)}
    return {channel.value for channel in Channel} if ALL_CHANNELS in held else held


def hold_channel(channel: str, *, kind: str, reason: str, until: dt.datetime) -> None:
    """Hold a channel (or ALL_CHANNELS) until `until`. Safe to call from several workers at once."""
    hold = db.session.get(ChannelHold, channel, with_for_update=True, populate_existing=True)
    if hold is None or hold.held_until_utc <= utc_now():
        hold = hold or ChannelHold(channel=channel)
        hold.since_utc = utc_now()
        db.session.add(hold)
    hold.kind, hold.reason = kind, reason
    hold.held_until_utc = max(until, hold.held_until_utc) if hold.held_until_utc else until
    db.session.commit()


def clear_hold(channel: str, kind: str) -> None:
    """A successful send proves the key works again: lift an auth hold at once."""
    hold = db.session.get(ChannelHold, channel)
    if hold is not None and hold.kind == kind:
        db.session.delete(hold)
    db.session.commit()
