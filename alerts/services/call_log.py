"""Counting the contact centre's calls: a count per service, notice and outcome, and nothing about the caller.
No audit event either: an event would tie the agent to a call time, and the count names nobody."""

from __future__ import annotations

from alerts.data import calls as call_data
from alerts.data import notices as notice_data
from alerts.data import reference
from alerts.extensions import db


class UnknownSubject(ValueError):
    """The call names a notice or a service this council does not have."""


def log_call(subject: str, outcome: call_data.CallOutcome) -> str:
    """Count one call about `subject` ("notice:<id>" or "service:<id>"). Returns the service's name."""
    kind, _, ident = subject.partition(":")
    if kind == "notice" and ident.isdigit():
        notice = notice_data.get_public_notice(int(ident))
        if notice is None:
            raise UnknownSubject(subject)
        call_data.count_call(notice.service_id, notice.id, outcome)
        name = notice.title
    elif kind == "service" and (service := reference.get_service(ident)) is not None:
        call_data.count_call(service.id, None, outcome)
        name = service.name
    else:
        raise UnknownSubject(subject)
    db.session.commit()
    return name
