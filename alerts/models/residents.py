"""Replies residents text to the service, and the daily digests sent from the outbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from alerts.models.base import Base, utc_now


class InboundText(Base):
    """One reply Notify received for us, by Notify's id: seen once, acted on once, whether it came by callback or by
    polling. No number or words are kept: the action is all anyone needs later."""

    __tablename__ = "inbound_texts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    action: Mapped[str] = mapped_column(String(16))  # stop, start, ignored
    received_at_utc: Mapped[dt.datetime | None]
    recorded_at_utc: Mapped[dt.datetime] = mapped_column(default=utc_now, index=True)


class DigestSend(Base):
    """The one digest email per subscriber per day: the unique row is written with its outbox message, in one
    transaction, so a second run of the job (or a second scheduler) can never send another."""

    __tablename__ = "digest_sends"
    __table_args__ = (UniqueConstraint("subscriber_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    message_id: Mapped[str | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    notices: Mapped[int] = mapped_column(default=0)
    created_at_utc: Mapped[dt.datetime] = mapped_column(default=utc_now)


class ManageRequest(Base):
    """A resident asked for a manage link (email) or security code (text). Recorded alike for every contact, signed
    up or not, and answered by the scheduler (`signups.send_requested_manage_access`), which sends only to a
    confirmed contact: the page does the same work either way, so its time can't tell who gets alerts. The contact
    is forgotten once answered; the row stays while a code could be tried, so that a guess at a code that was never
    sent costs the same write as a guess at one that was."""

    __tablename__ = "manage_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # "sms" or "email"
    contact: Mapped[str | None] = mapped_column(String(320))
    issued_to: Mapped[str | None] = mapped_column(String(64))  # the asking client's digest, for a code's tries
    guesses: Mapped[int] = mapped_column(default=0)
    requested_at_utc: Mapped[dt.datetime] = mapped_column(default=utc_now, index=True)
    answered_at_utc: Mapped[dt.datetime | None]
