"""Every staff action writes an audit event: who, what, when, from where, target. The table below must cover
every state-changing staff route, so a new route without an audited action fails here."""

import datetime as dt

from sqlalchemy import select

from alerts.extensions import db
from alerts.models import AuditEvent, FeedSource, NoticeStatus, Role, utc_now
from tests.staff.conftest import post_form


def scenarios(factories) -> dict:
    draft = lambda **kw: factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], **kw)  # noqa: E731
    active = factories.NoticeFactory()
    other = factories.StaffUserFactory()
    token_holder = factories.StaffUserFactory()
    pending = factories.SubscriberFactory(pending=True)
    confirmed = factories.SubscriberFactory()
    awaiting = factories.NoticeFactory(status=NoticeStatus.AWAITING_APPROVAL, updates=[])
    scheduled = factories.NoticeFactory(status=NoticeStatus.SCHEDULED, updates=[],
                                        publish_at_utc=utc_now() + dt.timedelta(hours=1))
    notice_fields = {"title": "T", "service": "schools", "areas": ["weymouth"], "impact": "minor", "summary": "S",
                     "advice": "A"}
    new_draft = draft()
    edit_draft = draft()
    # Port 9 on loopback refuses at once: "Check now" fails fast and never leaves the machine.
    feed = FeedSource(name="Feed", url="http://127.0.0.1:9/feed.xml", kind="generic")
    off_feed = FeedSource(name="Off", url="http://127.0.0.1:9/off.xml", kind="generic", enabled=False)
    db.session.add_all([feed, off_feed])
    db.session.commit()
    feed_fields = {"name": "Feed", "url": "http://127.0.0.1:9/other.xml", "kind": "generic",
                   "poll_interval_minutes": "10"}
    return {
        "staff.new_notice": ("/staff/notices/new", notice_fields, "notice.draft_created"),
        "staff.edit_notice": (f"/staff/notices/{edit_draft.id}/edit", notice_fields, "notice.draft_edited"),
        "staff.publish": (f"/staff/notices/{new_draft.id}/publish", {"when": "now"}, "notice.publish_requested"),
        "staff.approve": (f"/staff/notices/{awaiting.id}/approve", {}, "notice.approved"),
        "staff.cancel": (f"/staff/notices/{scheduled.id}/cancel", {}, "notice.cancelled"),
        "staff.update": (f"/staff/notices/{active.id}/update", {"summary": "More"}, "notice.updated"),
        "staff.resolve": (f"/staff/notices/{active.id}/resolve", {"summary": "Over"}, "notice.resolved"),
        "staff.resend_confirmation": (f"/staff/lookup/subscribers/{pending.id}/resend-confirmation", {},
                                      "subscriber.confirmation_resent"),
        "staff.unsubscribe_subscriber": (f"/staff/lookup/subscribers/{confirmed.id}/unsubscribe", {"reason": "Asked"},
                                         "subscriber.unsubscribed"),
        "staff.users": ("/staff/users", {"email": "x@dorsetcouncil.example", "role": "officer",
                                         "password": "long enough passphrase"}, "staff_user.created"),
        "staff.user": (f"/staff/users/{other.id}", {"role": "admin"}, "staff_user.role_changed"),
        "staff.disable_user": (f"/staff/users/{other.id}/disable", {}, "staff_user.disabled"),
        "staff.api_tokens": ("/staff/api-tokens", {"name": "Highways", "user": str(token_holder.id), "days": "90"},
                             "api_token.created"),
        "staff.new_feed_source": ("/staff/feed-sources/new", feed_fields, "feed_source.created"),
        "staff.feed_source": (f"/staff/feed-sources/{feed.id}", feed_fields, "feed_source.edited"),
        "staff.toggle_feed_source": (f"/staff/feed-sources/{off_feed.id}/toggle", {}, "feed_source.enabled"),
        "staff.check_feed_source": (f"/staff/feed-sources/{feed.id}/check", {}, "feed_source.checked"),
        "staff.sign_out": ("/staff/sign-out", {}, "staff.signed_out"),
    }


def test_every_state_changing_staff_action_writes_an_audit_event(app, client_request, sign_in_as, factories) -> None:
    admin = sign_in_as(Role.ADMIN)
    table = scenarios(factories)
    posts = {rule.endpoint for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/staff/") and "POST" in rule.methods}
    not_covered = posts - set(table) - {"staff.sign_in", "staff.revoke_api_token"}
    assert not not_covered, f"add these to the audit table: {not_covered}"

    order = sorted(table, key=lambda endpoint: endpoint == "staff.sign_out")  # sign out last
    for endpoint in order:
        url, data, action = table[endpoint]
        before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
        post_form(client_request, url, data, expected_status=302 if endpoint != "staff.api_tokens" else 200)
        db.session.expire_all()
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.id > before)))
        assert [e.action for e in events] == [action], endpoint
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
