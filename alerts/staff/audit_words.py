"""The audit log's actions in words, for people reading it: one entry for every action the code records (a test
checks every recorded action has one). The code stays in the database and in the filter."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from alerts.staff import staff

ACTION_WORDS: dict[str, Any] = {  # lazy: read in the page's language
    "api_token.created": _l("Created an API token"),
    "api_token.revoked": _l("Revoked an API token"),
    "feed_source.checked": _l("Checked a feed now"),
    "feed_source.created": _l("Added a feed source"),
    "feed_source.disabled": _l("Turned a feed source off"),
    "feed_source.edited": _l("Changed a feed source"),
    "feed_source.enabled": _l("Turned a feed source on"),
    "headline.ended": _l("Ended the headline"),
    "headline.set": _l("Set the headline"),
    "notice.approved": _l("Approved a notice"),
    "notice.bulk_extended": _l("Extended several notices at once"),
    "notice.bulk_resolved": _l("Resolved several notices at once"),
    "notice.cancelled": _l("Cancelled a notice"),
    "notice.draft_created": _l("Created a draft notice"),
    "notice.draft_edited": _l("Edited a draft notice"),
    "notice.publish_requested": _l("Asked to publish a notice"),
    "notice.resolve_requested": _l("Asked to resolve a notice"),
    "notice.resolved": _l("Resolved a notice"),
    "notice.scheduled_publish": _l("Published a scheduled notice"),
    "notice.update_overdue": _l("Told officers a promised update was overdue"),
    "notice.update_requested": _l("Asked to update a notice"),
    "notice.update_withdrawn": _l("Withdrew an update"),
    "notice.updated": _l("Updated a notice"),
    "outbox.viewed": _l("Viewed the outbox"),
    "staff.password_accepted": _l("Signed in with a password"),
    "staff.password_change_failed": _l("Failed to change their password"),
    "staff.password_change_throttled": _l("Was stopped changing their password (too many tries)"),
    "staff.password_changed": _l("Changed their password"),
    "staff.password_link_requested": _l("Asked for a password link (Forgot your password?)"),
    "staff.password_reset": _l("Set a password from a reset link"),
    "staff.password_sign_in_refused": _l("Was told to sign in with single sign-on, not a password"),
    "staff.recovery_code_used": _l("Used a recovery code"),
    "staff.recovery_codes_replaced": _l("Made new recovery codes"),
    "staff.second_factor_set_up": _l("Set up a second factor"),
    "staff.security_code_failed": _l("Entered a wrong security code"),
    "staff.security_code_refused_paused": _l("Was refused a security code (signing in paused for the day)"),
    "staff.security_code_throttled": _l("Was stopped entering security codes (too many tries)"),
    "staff.sign_in_failed": _l("Failed to sign in"),
    "staff.sign_in_paused": _l("Had signing in paused for the day (too many wrong passwords or codes)"),
    "staff.sign_in_refused_paused": _l("Was refused signing in (paused for the day)"),
    "staff.sign_in_throttled": _l("Was stopped signing in (too many tries)"),
    "staff.signed_in": _l("Signed in"),
    "staff.single_sign_on_refused": _l("Was refused at single sign-on"),
    "staff.signed_out": _l("Signed out"),
    "staff_user.created": _l("Added a member of staff"),
    "staff_user.disabled": _l("Disabled a member of staff"),
    "staff_user.enabled": _l("Enabled a member of staff"),
    "staff_user.password_reset_sent": _l("Sent a password reset link"),
    "staff_user.password_set": _l("Set a member of staff's password"),
    "staff_user.role_changed": _l("Changed a member of staff's role"),
    "staff_user.second_factor_removed": _l("Removed a member of staff's second factor"),
    "subscriber.code_read_out": _l("Read the security code to a caller"),
    "subscriber.confirmation_resent": _l("Resent a confirmation"),
    "subscriber.erased": _l("Erased a subscriber's data"),
    "subscriber.exported": _l("Exported a subscriber's data"),
    "subscriber.reactivation_requested": _l("Asked to start alerts again"),
    "subscriber.searched": _l("Searched for a subscriber"),
    "subscriber.signed_up_by_phone": _l("Signed up a caller by phone"),
    "subscriber.unsubscribed": _l("Unsubscribed a subscriber"),
    "subscriber.viewed": _l("Viewed a subscriber"),
    "template.created": _l("Added a notice template"),
    "template.edited": _l("Changed a notice template"),
}


@staff.app_template_filter("audit_words")
def audit_words(action: str) -> str:
    """The action in words; an action recorded before it had words shows as recorded."""
    return str(ACTION_WORDS.get(action, action))
