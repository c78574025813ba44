"""Who is acting, for the audit log: a signed-in member of staff, an API token acting for one, someone signing in,
the command line or the scheduler. Every service function that changes something is told who asked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alerts.data.audit import record_audit_event
from alerts.models import ApiToken, AuditEvent, StaffUser


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in officer, an API token acting for one, or the scheduler."""

    user_id: int | None
    name: str  # shown in the audit log
    api_token_id: int | None = None
    ip_address: str | None = None
    token_made_by_id: int | None = None  # the admin who made the token: involved too, so never the second pair

    @classmethod
    def staff(cls, user: StaffUser, ip_address: str | None) -> Actor:
        return cls(user_id=user.id, name=user.email, ip_address=ip_address)

    @classmethod
    def token(cls, token: ApiToken, ip_address: str | None) -> Actor:
        return cls(user_id=token.staff_user_id, name=f"api token: {token.name}", api_token_id=token.id,
                   ip_address=ip_address, token_made_by_id=token.created_by_id)

    def audit(self, action: str, target_type: str | None = None, target_id: str | int | None = None,
              **details: Any) -> AuditEvent:
        """Record what this actor did, from where, to what, in the transaction the service then commits."""
        return record_audit_event(actor=self.name, staff_user_id=self.user_id, api_token_id=self.api_token_id,
                                  action=action, target_type=target_type, target_id=target_id,
                                  ip_address=self.ip_address, details=details)


SCHEDULER = Actor(user_id=None, name="scheduler")
COMMAND_LINE = Actor(user_id=None, name="command line")
