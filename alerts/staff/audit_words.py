"""The audit log's actions in words, for people reading it: one entry for every action the code records (a test
checks every recorded action has one). The code stays in the database and in the filter."""

from __future__ import annotations

from alerts.staff import staff

ACTION_WORDS: dict[str, str] = {
    "api_token.created": "Created an API token",
    "api_token.revoked": "Revoked an API token",
    "feed_source.checked": "Checked a feed now",
    "feed_source.created": "Added a feed source",
    "feed_source.disabled": "Turned a feed source off",
    "feed_source.edited": "Changed a feed source",
    "feed_source.enabled": "Turned a feed source on",
    "headline.ended": "Ended the headline",
    "headline.set": "Set the headline",
    "notice.approved": "Approved a notice",
    "notice.bulk_extended": "Extended several notices at once",
    "notice.bulk_resolved": "Resolved several notices at once",
    "notice.cancelled": "Cancelled a notice",
    "notice.draft_created": "Created a draft notice",
    "notice.draft_edited": "Edited a draft notice",
    "notice.publish_requested": "Asked to publish a notice",
    "notice.resolve_requested": "Asked to resolve a notice",
    "notice.resolved": "Resolved a notice",
    "notice.scheduled_publish": "Published a scheduled notice",
    "notice.update_overdue": "Told officers a promised update was overdue",
    "notice.update_requested": "Asked to update a notice",
    "notice.update_withdrawn": "Withdrew an update",
    "notice.updated": "Updated a notice",
    "outbox.viewed": "Viewed the outbox",
    "staff.password_accepted": "Signed in with a password",
    "staff.password_change_failed": "Failed to change their password",
    "staff.password_change_throttled": "Was stopped changing their password (too many tries)",
    "staff.password_changed": "Changed their password",
    "staff.password_link_requested": "Asked for a password link (Forgot your password?)",
    "staff.password_reset": "Set a password from a reset link",
    "staff.password_sign_in_refused": "Was told to sign in with single sign-on, not a password",
    "staff.recovery_code_used": "Used a recovery code",
    "staff.recovery_codes_replaced": "Made new recovery codes",
    "staff.second_factor_set_up": "Set up a second factor",
    "staff.security_code_failed": "Entered a wrong security code",
    "staff.security_code_refused_paused": "Was refused a security code (signing in paused for the day)",
    "staff.security_code_throttled": "Was stopped entering security codes (too many tries)",
    "staff.sign_in_failed": "Failed to sign in",
    "staff.sign_in_paused": "Had signing in paused for the day (too many wrong passwords or codes)",
    "staff.sign_in_refused_paused": "Was refused signing in (paused for the day)",
    "staff.sign_in_throttled": "Was stopped signing in (too many tries)",
    "staff.signed_in": "Signed in",
    "staff.single_sign_on_refused": "Was refused at single sign-on",
    "staff.signed_out": "Signed out",
    "staff_user.created": "Added a member of staff",
    "staff_user.disabled": "Disabled a member of staff",
    "staff_user.enabled": "Enabled a member of staff",
    "staff_user.password_reset_sent": "Sent a password reset link",
    "staff_user.password_set": "Set a member of staff's password",
    "staff_user.role_changed": "Changed a member of staff's role",
    "staff_user.second_factor_removed": "Removed a member of staff's second factor",
    "subscriber.code_read_out": "Read the security code to a caller",
    "subscriber.confirmation_resent": "Resent a confirmation",
    "subscriber.erased": "Erased a subscriber's data",
    "subscriber.exported": "Exported a subscriber's data",
    "subscriber.reactivation_requested": "Asked to start alerts again",
    "subscriber.searched": "Searched for a subscriber",
    "subscriber.signed_up_by_phone": "Signed up a caller by phone",
    "subscriber.unsubscribed": "Unsubscribed a subscriber",
    "subscriber.viewed": "Viewed a subscriber",
    "template.created": "Added a notice template",
    "template.edited": "Changed a notice template",
}


@staff.app_template_filter("audit_words")
def audit_words(action: str) -> str:
    """The action in words; an action recorded before it had words shows as recorded."""
    return ACTION_WORDS.get(action, action)
