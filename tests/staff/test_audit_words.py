"""The audit log shows actions in words, one mapping for every action the code records, and reads at 1280 px."""

import re
from pathlib import Path

from alerts.extensions import db
from alerts.models import AuditEvent, Role
from alerts.staff.audit_words import ACTION_WORDS

ROOT = Path(__file__).resolve().parents[2]
# An action is "<what>.<event>" with one of these prefixes; endpoint names ("staff.dashboard") are told apart by
# the app's URL map.
_ACTION = re.compile(r"\"((?:api_token|feed_source|headline|notice|outbox|staff|staff_user|subscriber)\.[a-z_]+)\"")


def test_every_action_the_code_records_has_words(app) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    recorded = {match for path in (ROOT / "alerts").rglob("*.py") if path.name != "audit_words.py"
                for match in _ACTION.findall(path.read_text())} - endpoints
    missing = sorted(action for action in recorded if action not in ACTION_WORDS)
    assert not missing, f"add words for these actions to alerts/staff/audit_words.py: {missing}"


def test_the_audit_log_reads_in_words(client_request, sign_in_as) -> None:
    admin = sign_in_as(Role.ADMIN)
    db.session.add(AuditEvent(actor=admin.email, staff_user_id=admin.id, action="subscriber.code_read_out",
                              target_type="subscriber", target_id="1", details={}))
    db.session.commit()

    page = client_request.get("/staff/audit")

    actions = [cell.get_text(strip=True) for cell in page.select("#events td[data-label=Action]")]
    assert "Read the security code to a caller" in actions and "Signed in" in actions
    assert "subscriber.code_read_out" not in actions


def test_the_audit_log_breaks_only_between_words_and_keeps_dates_on_one_line() -> None:
    css = (ROOT / "static" / "app.css").read_text()
    assert ".app-audit .govuk-table__cell {\n  overflow-wrap: break-word;" in css
    assert '.app-audit td[data-label="When"] {\n  white-space: nowrap;' in css
