"""The outbox: one row per notification to one recipient. Its id is Notify's `reference`."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from alerts.models.base import Base, TimestampMixin, enum_column, new_uuid
from alerts.models.notices import Impact
from alerts.models.subscribers import Channel


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a worker; the POST to Notify may be in flight
    SENT = "sent"  # Notify accepted it (201)
    DELIVERED = "delivered"
    FAILED = "failed"
    NOT_SENT = "not_sent"  # recorded in the local outbox because no Notify key is configured
    SKIPPED = "skipped"  # an alert whose notice was resolved, cancelled or superseded before it could go


class MessageKind(enum.StrEnum):
    ALERT = "alert"
    CONFIRMATION = "confirmation"
    MANAGE_LINK = "manage_link"
    STAFF_PASSWORD_RESET = "staff_password_reset"  # noqa: S105 — an admin sent a reset link
    APPROVAL_REQUEST = "approval_request"  # to officers: something waits for their approval
    STOP_REPLY = "stop_reply"  # the one text that answers a STOP or START reply
    DIGEST = "digest"  # one email a day with the day's notices
    UPDATE_DUE = "update_due"  # to officers: a notice's promised next update has passed
    STAFF_SECURITY = "staff_security"  # to staff and admins: an account's sign-in was paused after many failures


# Lower sends first, and within a level the longest due first. A resident waiting for a code (or a member of staff
# for a security email) must not queue behind a county-wide alert; a severe alert must not queue behind a minor one;
# and no alert may queue behind the day's digests, which can number tens of thousands at DIGEST_HOUR.
PRIORITY_CONFIRMATION = 0
PRIORITY_SEVERE = 10
PRIORITY_MAJOR = 20
PRIORITY_MINOR = 30
PRIORITY_BULK = 40  # daily digests and anything else


def alert_priority(impact: Impact) -> int:
    """The priority of an alert about a notice of this impact."""
    return {Impact.SEVERE: PRIORITY_SEVERE, Impact.MAJOR: PRIORITY_MAJOR}.get(impact, PRIORITY_MINOR)


class Message(TimestampMixin, Base):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_due", "status", "priority", "next_attempt_at_utc"),
        Index("ix_messages_notice_id_status", "notice_id", "status"),
        # The texts still waiting for Notify's cost, oldest first, without reading every message.
        Index("ix_messages_waiting_for_cost", "sent_at_utc",
              postgresql_where=text("channel = 'sms' AND cost_in_pounds IS NULL AND notify_id IS NOT NULL"),
              sqlite_where=text("channel = 'sms' AND cost_in_pounds IS NULL AND notify_id IS NOT NULL")),
        # One message per subscriber per update per channel: expanding a fan-out twice can never send twice.
        UniqueConstraint("notice_update_id", "subscriber_id", "channel", name="uq_messages_update_subscriber_channel"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind, "message_kind"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "channel"))
    status: Mapped[MessageStatus] = mapped_column(
        enum_column(MessageStatus, "message_status"), default=MessageStatus.QUEUED
    )
    priority: Mapped[int] = mapped_column(default=PRIORITY_BULK)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="SET NULL"))
    notice_update_id: Mapped[int | None] = mapped_column(
        ForeignKey("notice_updates.id", ondelete="SET NULL"), index=True
    )
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscribers.id", ondelete="SET NULL"), index=True)
    # Erased 7 days after sending (retention policy); counts are kept.
    recipient: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    one_click_unsubscribe_url: Mapped[str | None] = mapped_column(String(1000))
    notify_id: Mapped[str | None] = mapped_column(String(36), index=True)
    notify_status: Mapped[str | None] = mapped_column(String(40))  # Notify's own status from receipts
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at_utc: Mapped[dt.datetime | None]
    lease_expires_at_utc: Mapped[dt.datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    # New on every claim: recording a send must quote it, so a worker that lost its lease can't overwrite a newer one.
    claim_token: Mapped[str | None] = mapped_column(String(36))
    # True once a POST may have reached Notify: any retry must first look the reference up.
    outcome_unknown: Mapped[bool] = mapped_column(default=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at_utc: Mapped[dt.datetime | None]
    completed_at_utc: Mapped[dt.datetime | None]
    # When the reconcile job last asked Notify about a message still `sent`: receipts can be lost.
    reconciled_at_utc: Mapped[dt.datetime | None]
    # What Notify charged (GET /v2/notifications/<id> → cost_in_pounds), fetched by the reconcile job.
    cost_in_pounds: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))
    cost_checked_at_utc: Mapped[dt.datetime | None]
