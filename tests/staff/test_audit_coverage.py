"""Every staff action writes an audit event: who, what, when, from where, target. The table below must cover
every state-changing staff route, so a new route without an audited action fails here."""

import datetime as dt

from sqlalchemy import select

from alerts.extensions import db
from alerts.models import (
    AuditEvent,
    Channel,
    FeedSource,
    Impact,
    NoticeStatus,
    NoticeTemplate,
    Role,
    SubscriberStatus,
    utc_now,
)
from tests.staff.conftest import post_form


def scenarios(factories) -> dict:
    draft = lambda **kw: factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], **kw)  # noqa: E731
    active = factories.NoticeFactory()
    other = factories.StaffUserFactory()
    colleague = factories.StaffUserFactory()  # stays enabled: a reset link goes only to a live account
    token_holder = factories.StaffUserFactory()
    pending = factories.SubscriberFactory(pending=True)
    confirmed = factories.SubscriberFactory()
    erasing = factories.SubscriberFactory()
    suspended = factories.SubscriberFactory(status=SubscriberStatus.SUSPENDED)  # to start again
    caller = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900555", pending=True)  # by phone
    awaiting = factories.NoticeFactory(status=NoticeStatus.AWAITING_APPROVAL, updates=[])
    scheduled = factories.NoticeFactory(status=NoticeStatus.SCHEDULED, updates=[],
                                        publish_at_utc=utc_now() + dt.timedelta(hours=1))
    notice_fields = {"title": "T", "service": "schools", "areas": ["weymouth"], "impact": "minor", "summary": "S",
                     "advice": "A"}
    new_draft = draft()
    edit_draft = draft()
    # A loopback address is refused before any connection: "Check now" fails fast and never leaves the machine.
    feed = FeedSource(name="Feed", url="http://127.0.0.1:9/feed.xml", kind="generic")
    off_feed = FeedSource(name="Off", url="http://127.0.0.1:9/off.xml", kind="generic", enabled=False)
    db.session.add_all([feed, off_feed])
    db.session.commit()
    # The form refuses loopback addresses, so the edited address is a public-looking one.
    feed_fields = {"name": "Feed", "url": "https://feeds.example.test/other.xml", "kind": "generic",
                   "poll_interval_minutes": "10"}
    ends = (utc_now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    chosen = factories.NoticeFactory()  # resolved with others from the notices list
    template = NoticeTemplate(name="Pool closed", service_id="other", impact=Impact.MAJOR, title="{pool} closed",
                              summary="Closed.", advice="Wait.")
    db.session.add(template)
    db.session.commit()
    template_fields = {"name": "Pool closed", "service": "other", "impact": "major", "title": "{pool} closed",
                       "summary": "Closed.", "advice": "Wait."}
    return {
        "staff.bulk": ("/staff/notices/bulk", {"action": "resolve", "notices": [str(chosen.id)], "summary": "Over"},
                       "notice.bulk_resolved"),
        "staff.new_template": ("/staff/templates/new", template_fields, "template.created"),
        "staff.edit_template": (f"/staff/templates/{template.id}/edit", template_fields, "template.edited"),
        "staff.new_notice": ("/staff/notices/new", notice_fields, "notice.draft_created"),
        "staff.edit_notice": (f"/staff/notices/{edit_draft.id}/edit", notice_fields, "notice.draft_edited"),
        "staff.publish": (f"/staff/notices/{new_draft.id}/publish", {"when": "now"}, "notice.publish_requested"),
        "staff.approve": (f"/staff/notices/{awaiting.id}/approve", {}, "notice.approved"),
        "staff.cancel": (f"/staff/notices/{scheduled.id}/cancel", {}, "notice.cancelled"),
        "staff.update": (f"/staff/notices/{active.id}/update", {"summary": "More"}, "notice.updated"),
        "staff.resolve": (f"/staff/notices/{active.id}/resolve", {"summary": "Over"}, "notice.resolved"),
        "staff.resend_confirmation": (f"/staff/lookup/subscribers/{pending.public_id}/resend-confirmation", {},
                                      "subscriber.confirmation_resent"),
        "staff.unsubscribe_subscriber": (f"/staff/lookup/subscribers/{confirmed.public_id}/unsubscribe",
                                         {"reason": "Asked"}, "subscriber.unsubscribed"),
        "staff.lookup": ("/staff/lookup", {"contact": pending.contact}, "subscriber.searched"),
        "staff.export_subscriber": (f"/staff/lookup/subscribers/{confirmed.public_id}/export",
                                    {"reason": "SAR-1", "format": "csv"}, "subscriber.exported"),
        "staff.erase_subscriber": (f"/staff/lookup/subscribers/{erasing.public_id}/erase", {"reason": "ER-1"},
                                   "subscriber.erased"),
        # A new account always gets its one-time link to choose a password: two events.
        "staff.users": ("/staff/users", {"email": "x@dorsetcouncil.example", "role": "officer"},
                        ("staff_user.created", "staff_user.password_reset_sent")),
        "staff.user": (f"/staff/users/{other.id}", {"role": "admin"}, "staff_user.role_changed"),
        "staff.disable_user": (f"/staff/users/{other.id}/disable", {}, "staff_user.disabled"),
        "staff.api_tokens": ("/staff/api-tokens", {"name": "Highways", "user": str(token_holder.id), "days": "90"},
                             "api_token.created"),
        "staff.new_feed_source": ("/staff/feed-sources/new", feed_fields, "feed_source.created"),
        "staff.feed_source": (f"/staff/feed-sources/{feed.id}", feed_fields, "feed_source.edited"),
        "staff.toggle_feed_source": (f"/staff/feed-sources/{off_feed.id}/toggle", {}, "feed_source.enabled"),
        "staff.check_feed_source": (f"/staff/feed-sources/{feed.id}/check", {}, "feed_source.checked"),
        "staff.send_password_reset": (f"/staff/users/{colleague.id}/send-password-reset", {},
                                      "staff_user.password_reset_sent"),
        "staff.remove_second_factor": (f"/staff/users/{other.id}/remove-second-factor", {},
                                       "staff_user.second_factor_removed"),
        "staff.change_password": ("/staff/account/password", {"current_password": "correct horse battery staple",
                                                              "new_password": "a different long passphrase"},
                                  "staff.password_changed"),
        "staff.headline": ("/staff/headline", {"text": "Snow", "ends_at": ends}, "headline.set"),
        "staff.end_headline": ("/staff/headline/end", {}, "headline.ended"),
        "staff.sign_out": ("/staff/sign-out", {}, "staff.signed_out"),
        # The contact centre signs up a caller by phone and starts a suspended contact again.
        "staff.phone_sign_up": ("/staff/lookup/sign-up", {"email": "caller@example.com", "postcodes": "DT4 7TA",
                                                          "services": ["schools"], "frequency": "each",
                                                          "consent": "y"}, "subscriber.signed_up_by_phone"),
        "staff.reactivate_subscriber": (f"/staff/lookup/subscribers/{suspended.public_id}/reactivate", {},
                                        "subscriber.reactivation_requested"),
        "staff.confirm_caller_code": (f"/staff/lookup/subscribers/{caller.public_id}/confirm-code", {"code": "1"},
                                      "subscriber.code_read_out"),
    }


def test_every_state_changing_staff_action_writes_an_audit_event(app, client_request, sign_in_as, factories) -> None:
    admin = sign_in_as(Role.ADMIN)
    table = scenarios(factories)
    posts = {rule.endpoint for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/staff/") and "POST" in rule.methods}
    # Signing in (with a code or a reset link) happens before there is a signed-in admin, and setting up a second
    # factor needs a code from a secret in the session: tests/staff/test_account.py checks their audit events.
    # Starting single sign-on changes nothing until the provider sends the person back: the callback's events are
    # checked in tests/staff/test_single_sign_on.py. "Forgot your password?" is for someone signed out:
    # tests/staff/test_forgot_password.py.
    audited_elsewhere = {"staff.sign_in", "staff.revoke_api_token", "staff.sign_in_code", "staff.reset_password",
                         "staff.set_up_second_factor", "staff.new_recovery_codes", "staff.sign_in_sso",
                         "staff.forgot_password"}
    # Logging a call only adds one to a count and names nobody, on purpose: an audit event would tie an agent to
    # each call's time. tests/staff/test_call_log.py checks that no event is written.
    never_audited = {"staff.log_call"}
    not_covered = posts - set(table) - audited_elsewhere - never_audited
    assert not not_covered, f"add these to the audit table: {not_covered}"

    order = sorted(table, key=lambda endpoint: endpoint == "staff.sign_out")  # sign out last
    for endpoint in order:
        url, data, action = table[endpoint]
        before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
        answers_in_place = endpoint in {"staff.api_tokens", "staff.lookup", "staff.export_subscriber"}
        post_form(client_request, url, data, expected_status=200 if answers_in_place else 302)
        db.session.expire_all()
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.id > before)))
        assert [e.action for e in events] == (list(action) if isinstance(action, tuple) else [action]), endpoint
        event = events[0]
        assert event.staff_user_id == admin.id and event.actor == admin.email, endpoint
        assert event.ip_address == "127.0.0.1" and event.created_at_utc is not None, endpoint
        if endpoint != "staff.sign_out":
            assert event.target_type and event.target_id, endpoint


def test_revoking_a_token_and_signing_in_are_audited(client_request, sign_in_as) -> None:
    admin = sign_in_as(Role.ADMIN)
    post_form(client_request, "/staff/api-tokens", {"name": "Schools", "user": str(admin.id), "days": "30"}, 200,
              token_from="/staff/api-tokens")
    token_id = db.session.scalar(select(AuditEvent.target_id).where(AuditEvent.action == "api_token.created"))
    post_form(client_request, f"/staff/api-tokens/{token_id}/revoke", {})
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.staff_user_id == admin.id)
                                      .order_by(AuditEvent.id)))
    assert actions == ["staff.signed_in", "api_token.created", "api_token.revoked"]
