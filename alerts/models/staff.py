"""Staff accounts and API tokens for other council systems."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alerts.models.base import Base, TimestampMixin, enum_column


class Role(enum.StrEnum):
    OFFICER = "officer"
    CONTACT_CENTRE = "contact_centre"
    ADMIN = "admin"


class StaffUser(TimestampMixin, Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    is_disabled: Mapped[bool] = mapped_column(default=False)
    # Part of the session: bumping it (disable, password change) ends every session of this user.
    session_version: Mapped[int] = mapped_column(default=1)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until_utc: Mapped[dt.datetime | None]
    last_signed_in_at_utc: Mapped[dt.datetime | None]

    def has_role(self, *roles: Role) -> bool:
        return self.role == Role.ADMIN or self.role in roles

    # The interface Flask-Login expects, without making the model depend on Flask.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    def get_id(self) -> str:
        """The session holds id and version, so bumping session_version signs the user out everywhere."""
        return f"{self.id}:{self.session_version}"


class ApiToken(TimestampMixin, Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    # Only a hash is kept; the token is shown once when created.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(12))
    revoked_at_utc: Mapped[dt.datetime | None]
    last_used_at_utc: Mapped[dt.datetime | None]
    # Issue 11: a token acts for one named person, with that person's role now (not `role`, kept as a record of
    # the role when it was made), and expires. A token made before this has no person and no longer works.
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    expires_at_utc: Mapped[dt.datetime | None]
    # The admin who made it, if made on the page: whatever the token asks to send, its maker can't approve either,
    # or an admin could mint a token for a colleague and approve their own sends.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))

    staff_user: Mapped[StaffUser | None] = relationship(foreign_keys=[staff_user_id], lazy="joined")
