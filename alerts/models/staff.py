"""Staff accounts and API tokens for other council systems."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Float, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alerts.models.base import Base, TimestampMixin, enum_column


class Role(enum.StrEnum):
    OFFICER = "officer"
    CONTACT_CENTRE = "contact_centre"
    MANAGER = "manager"  # service managers read /staff/insight, and nothing else
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
    last_signed_in_at_utc: Mapped[dt.datetime | None]
    # Second factor: the TOTP secret sealed with a key derived from SECRET_KEY (alerts/credentials/second_factor.py),
    # when it was confirmed with a first code, and the last time step accepted, so a code cannot be used twice.
    totp_secret_sealed: Mapped[str | None] = mapped_column(String(300))
    totp_confirmed_at_utc: Mapped[dt.datetime | None]
    totp_last_step: Mapped[int | None]
    password_changed_at_utc: Mapped[dt.datetime | None]
    # Single sign-on made this account or set its role from the provider's roles claim: the provider then owns the
    # role, so a sign-in without one is refused rather than falling back to the role kept here.
    roles_from_provider: Mapped[bool] = mapped_column(default=False, server_default=false())

    @property
    def has_second_factor(self) -> bool:
        return self.totp_confirmed_at_utc is not None

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
    # A token acts for one named person, with that person's role now (not `role`, kept as a record of the role
    # when it was made), and expires. A token with no person (made before tokens named one) no longer works.
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    expires_at_utc: Mapped[dt.datetime | None]
    # The admin who made it, if made on the page: whatever the token asks to send, its maker can't approve either,
    # or an admin could mint a token for a colleague and approve their own sends.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))

    staff_user: Mapped[StaffUser | None] = relationship(foreign_keys=[staff_user_id], lazy="joined")


class RecoveryCode(Base):
    """A single-use code for signing in without the authenticator app. Only a hash is kept; shown once."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at_utc: Mapped[dt.datetime | None]


class PasswordReset(TimestampMixin, Base):
    """A one-time, expiring link an admin sends so a member of staff can choose a new password."""

    __tablename__ = "staff_password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at_utc: Mapped[dt.datetime]
    used_at_utc: Mapped[dt.datetime | None]
    requested_by: Mapped[str] = mapped_column(String(320))


class PasswordLinkRequest(TimestampMixin, Base):
    """Someone asked the "Forgot your password?" page for a link. Queued whether or not the email names an account,
    so the page does the same work either way; the scheduler sends the link (or nothing) and deletes the row."""

    __tablename__ = "staff_password_link_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    ip_address: Mapped[str | None] = mapped_column(String(64))


class SignInThrottle(Base):
    """Attempts for one key (an account and the address it is tried from, together): see data/sign_in_throttle.

    Times are seconds since the epoch so the count-and-check can be one portable UPDATE with arithmetic on them.
    """

    __tablename__ = "staff_sign_in_throttles"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=0)
    retry_after_epoch: Mapped[float] = mapped_column(Float, default=0)
    last_attempt_epoch: Mapped[float] = mapped_column(Float, default=0)
