"""The contact centre logs a call in two clicks: what it was about, and how it ended. Counts only."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from alerts.data.calls import OUTCOME_WORDS, CallOutcome
from alerts.models import Role
from alerts.services import call_log
from alerts.staff import staff
from alerts.staff.access import role_required, safe_next


def _outcome_words(outcome: CallOutcome) -> str:
    """The outcome as the buttons name it, in lower case after "Call logged:"."""
    words = {CallOutcome.ANSWERED: _("answered from the notice"), CallOutcome.SIGNED_UP: _("signed up"),
             CallOutcome.PASSED_ON: _("passed to the service")}
    return words.get(outcome, OUTCOME_WORDS[outcome].lower())


@staff.post("/calls")
@role_required(Role.CONTACT_CENTRE)
def log_call() -> Response:
    # CSRF is checked before any view runs (Flask-WTF's CSRFProtect).
    try:
        outcome = CallOutcome(request.form.get("outcome", ""))
        call_log.log_call(request.form.get("subject", ""), outcome)
    except (ValueError, call_log.UnknownSubject):
        abort(400)
    flash(_("Call logged: %(outcome)s.", outcome=_outcome_words(outcome)), "success")
    return redirect(safe_next(request.form.get("next")))
