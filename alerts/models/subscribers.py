"""Subscribers (one confirmed contact each), the areas they follow and the services they chose, and the residents
that link several contacts of one person."""

from __future__ import annotations

import datetime as dt
import enum
import secrets

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alerts.models.areas import Area
from alerts.models.base import Base, TimestampMixin, enum_column, utc_now
from alerts.models.services import Service


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


class SubscriberStatus(enum.StrEnum):
    PENDING = "pending"  # signed up, not yet confirmed: nothing but the confirmation is ever sent
    CONFIRMED = "confirmed"
    SUSPENDED = "suspended"  # repeated permanent failures from Notify
    UNSUBSCRIBED = "unsubscribed"


subscriber_services = Table(
    "subscriber_services",
    Base.metadata,
    Column("subscriber_id", ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True, index=True),
)


def new_public_id() -> str:
    return secrets.token_urlsafe(12)


class Resident(TimestampMixin, Base):
    """One person with one or more confirmed contacts (an email address, a mobile number) that share places,
    services and the digest choice. Each contact keeps its own copy of them, so sending stays per contact; every
    change goes through `alerts.services.residents`, which applies it to every contact at once. A contact joins only
    once it is confirmed; contacts that signed up separately stay apart (nothing is merged by guessing)."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)


class Subscriber(TimestampMixin, Base):
    __tablename__ = "subscribers"
    __table_args__ = (
        UniqueConstraint("channel", "contact"),
        # Whom a notice can reach, read by the check page's exact count without the table (alerts/data/fanouts.py).
        Index("ix_subscribers_reachable", "id", postgresql_include=["channel", "all_services"],
              postgresql_where=text("status = 'confirmed' AND contact IS NOT NULL"),
              sqlite_where=text("status = 'confirmed' AND contact IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # How staff pages address a subscriber: a sequential id in a URL says how many people signed up, and lets
    # anyone who sees one guess the next.
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=new_public_id)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "channel"))
    # E.164 for mobiles, lower case for email. Null once erased after unsubscribing (retention policy).
    contact: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[SubscriberStatus] = mapped_column(enum_column(SubscriberStatus, "subscriber_status"), index=True)
    all_services: Mapped[bool] = mapped_column(default=True)
    consent_source: Mapped[str] = mapped_column(String(32), default="web")  # web, api, import, contact-centre
    # Who heard a caller's spoken consent, and when (contact centre sign-ups by phone).
    consent_record: Mapped[str | None] = mapped_column(String(500))
    # Email only: one email a day with the day's notices instead of each alert (severe ones still go).
    digest: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The language their messages, links and answers come in: "en", or "cy" for a council that writes in Welsh.
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    confirmed_at_utc: Mapped[dt.datetime | None]
    unsubscribed_at_utc: Mapped[dt.datetime | None]
    unsubscribe_reason: Mapped[str | None] = mapped_column(String(500))
    suspended_reason: Mapped[str | None] = mapped_column(String(500))
    # Retention erases a suspended contact on the same clock as an unsubscribed one, counted from here.
    suspended_at_utc: Mapped[dt.datetime | None]
    permanent_failures: Mapped[int] = mapped_column(default=0)
    # Confirmation code for texts: stored hashed, single use, short-lived, limited tries.
    code_hash: Mapped[str | None] = mapped_column(String(200))
    code_expires_at_utc: Mapped[dt.datetime | None]
    code_attempts: Mapped[int] = mapped_column(default=0)
    codes_sent: Mapped[int] = mapped_column(default=0)
    # A keyed digest of the client the code was sent for (its session, or the API caller): only that client's
    # wrong guesses spend the code's tries, so nobody else can use up a resident's code.
    code_issued_to: Mapped[str | None] = mapped_column(String(64))
    # Bumped to revoke every manage/unsubscribe link issued before.
    token_version: Mapped[int] = mapped_column(default=1)
    # What a sign-up asked for, applied only once the contact is confirmed, so an unconfirmed request can never
    # add areas to someone else's alerts: {"areas": [[area id, postcode], ...], "services": [ids] or null for all,
    # "source": "web", "replaces": subscriber id or null (a change of channel)}. Deleted after 24 hours.
    pending_request: Mapped[dict | None] = mapped_column(JSON)
    pending_since_utc: Mapped[dt.datetime | None] = mapped_column(index=True)
    # The person this contact is one of, once it is confirmed; None for a contact on its own.
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"), index=True)

    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan", lazy="selectin"
    )
    services: Mapped[list[Service]] = relationship(secondary=subscriber_services, lazy="selectin")


class Subscription(Base):
    """A subscriber following one area, with the postcode they gave for it."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "area_id"),
        # An area's followers, with the subscriber, without reading the table.
        Index("ix_subscriptions_area_id_subscriber_id", "area_id", "subscriber_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[str] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    postcode: Mapped[str | None] = mapped_column(String(10))
    created_at_utc: Mapped[dt.datetime] = mapped_column(default=utc_now)

    subscriber: Mapped[Subscriber] = relationship(back_populates="subscriptions")
    area: Mapped[Area] = relationship(lazy="joined")
