"""The contact centre logs a call in two clicks: what it was about, and how it ended. Counts only."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from werkzeug.wrappers import Response

from alerts.data.calls import OUTCOME_WORDS, CallOutcome
from alerts.models import Role
from alerts.services import call_log
from alerts.staff import staff
from alerts.staff.access import role_required, safe_next


@staff.post("/calls")
@role_required(Role.CONTACT_CENTRE)
def log_call() -> Response:
    # CSRF is checked before any view runs (Flask-WTF's CSRFProtect).
    try:
        outcome = CallOutcome(request.form.get("outcome", ""))
        call_log.log_call(request.form.get("subject", ""), outcome)
    except (ValueError, call_log.UnknownSubject):
        abort(400)
    flash(f"Call logged: {OUTCOME_WORDS[outcome].lower()}.", "success")
    return redirect(safe_next(request.form.get("next")))
