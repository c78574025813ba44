import datetime as dt

from sqlalchemy import func, select

from alerts.data import fanouts, notice_lifecycle, outbox_claims
from alerts.extensions import db
from alerts.models import (
    Channel,
    Fanout,
    Message,
    MessageStatus,
    Notice,
    NoticeStatus,
    Role,
    SubscriberStatus,
    utc_now,
)
from alerts.models.messages import alert_priority
from alerts.services import publishing
from tests.staff.conftest import post_form

NEW_NOTICE = {
    "title": "Bin collections suspended in Weymouth",
    "service": "bins-and-recycling",
    "areas": ["weymouth"],
    "impact": "severe",
    "starts_at": "",
    "expected_end_at": "",
    "summary": "Snow has made roads unsafe for collection lorries.",
    "advice": "Keep your bins inside.",
    "internal_notes": "Depot manager: extension 4411",
    "notify": "y",
}


def create_draft(client_request, **changes) -> Notice:
    response = post_form(client_request, "/staff/notices/new", {**NEW_NOTICE, **changes})
    notice_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    return db.session.get(Notice, notice_id)


def messages_for(notice: Notice) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.notice_id == notice.id).order_by(Message.recipient)))


def test_an_officer_creates_a_draft_and_sees_the_messages_and_audience_before_anything_is_sent(
        client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    factories.SubscriberFactory(contact="a@example.com", area_ids=["weymouth"])
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001", area_ids=["weymouth", "portland"])
    factories.SubscriberFactory(contact="b@example.com", area_ids=["dorchester"])
    notice = create_draft(client_request)
    assert notice.status == NoticeStatus.DRAFT

    page = client_request.get(f"/staff/notices/{notice.id}")
    assert page.h1 == "Bin collections suspended in Weymouth"
    assert page.soup.select_one("#audience-total").get_text(strip=True) == "1 email and 1 text"
    assert [row.get_text(" ", strip=True) for row in page.select("#audience tbody tr")] == ["Weymouth 1 1"]
    email = page.soup.select_one("#email-preview").get_text(" ", strip=True)
    assert "Disruption: Bins and recycling in Weymouth — Bin collections suspended in Weymouth" in email
    assert "http://localhost/manage/" in email
    assert "Dorset Council: Bin collections suspended in Weymouth." in page.soup.select_one("#sms-preview").get_text()
    assert "1 fragment" in page.soup.select_one("#sms-length").get_text() or "2 fragments" in page.soup.select_one(
        "#sms-length").get_text()
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_publishing_queues_one_message_for_each_matching_confirmed_subscriber(
        client_request, sign_in_as, factories) -> None:
    officer = sign_in_as(Role.OFFICER)
    factories.SubscriberFactory(contact="email@example.com", area_ids=["weymouth"])
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001", area_ids=["weymouth"])
    factories.SubscriberFactory(contact="county@example.com", area_ids=["whole-county"])
    factories.SubscriberFactory(contact="pending@example.com", status=SubscriberStatus.PENDING)
    factories.SubscriberFactory(contact="elsewhere@example.com", area_ids=["sherborne"])
    factories.SubscriberFactory(contact="schools-only@example.com", all_services=False)
    notice = create_draft(client_request)

    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})

    db.session.expire_all()
    assert notice.status == NoticeStatus.ACTIVE
    messages = messages_for(notice)
    assert [m.recipient for m in messages] == ["+447700900001", "county@example.com", "email@example.com"]
    email = next(m for m in messages if m.recipient == "email@example.com")
    assert email.subject.startswith("Disruption: Bins and recycling in Weymouth")
    assert email.one_click_unsubscribe_url.startswith("http://localhost/unsubscribe/")
    assert email.one_click_unsubscribe_url in email.body
    assert email.status == MessageStatus.QUEUED and email.priority == alert_priority(notice.impact)
    assert email.next_attempt_at_utc is not None
    text = next(m for m in messages if m.channel == Channel.SMS)
    assert text.body.startswith("Dorset Council: Bin collections suspended in Weymouth.") and text.subject is None
    assert notice.updates[-1].created_by_id == officer.id


def test_a_county_wide_notice_waits_for_a_different_officer_and_nothing_is_sent_before(
        client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    factories.SubscriberFactory(contact="someone@example.com", area_ids=["sherborne"])
    notice = create_draft(client_request, areas=["whole-county", "weymouth"])
    assert notice.whole_county and [a.id for a in notice.areas] == ["whole-county"]

    page = client_request.get(f"/staff/notices/{notice.id}")
    assert "another officer must approve it" in page.text
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    db.session.expire_all()
    assert notice.status == NoticeStatus.AWAITING_APPROVAL
    assert messages_for(notice) == [] and db.session.scalar(select(func.count()).select_from(Fanout)) == 0

    page = post_form(client_request, f"/staff/notices/{notice.id}/approve", {}, expected_status=409)
    assert page.error_summary() == ["A different officer must approve this notice: you wrote, changed or asked "
                                    "to publish it."]
    db.session.expire_all()
    assert notice.status == NoticeStatus.AWAITING_APPROVAL

    second = sign_in_as(Role.OFFICER)
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {})
    db.session.expire_all()
    assert notice.status == NoticeStatus.ACTIVE and notice.approved_by_id == second.id
    assert [m.recipient for m in messages_for(notice)] == ["someone@example.com"]


def test_a_send_above_the_approval_threshold_needs_approval(app, client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    for n in range(3):
        factories.SubscriberFactory(contact=f"r{n}@example.com")
    notice = create_draft(client_request)
    app.config["APPROVAL_THRESHOLD"] = 2
    try:
        post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    finally:
        app.config["APPROVAL_THRESHOLD"] = 5000
    db.session.expire_all()
    assert notice.status == NoticeStatus.AWAITING_APPROVAL


def test_a_scheduled_notice_is_published_by_the_job_when_due_and_can_be_cancelled_before(
        client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    factories.SubscriberFactory(contact="a@example.com")
    notice = create_draft(client_request)
    later = (utc_now() + dt.timedelta(hours=2)).astimezone(dt.timezone(dt.timedelta(0)))
    post_form(client_request, f"/staff/notices/{notice.id}/publish",
              {"when": "later", "publish_at": later.strftime("%Y-%m-%dT%H:%M+00:00")})
    db.session.expire_all()
    assert notice.status == NoticeStatus.SCHEDULED
    assert publishing.publish_due_notices() == 0

    notice.publish_at_utc = utc_now() - dt.timedelta(minutes=1)
    db.session.commit()
    assert publishing.publish_due_notices() == 1
    fanouts.expand_pending_fanouts()
    assert notice.status == NoticeStatus.ACTIVE and len(messages_for(notice)) == 1

    other = create_draft(client_request)
    post_form(client_request, f"/staff/notices/{other.id}/publish",
              {"when": "later", "publish_at": later.strftime("%Y-%m-%dT%H:%M+00:00")})
    post_form(client_request, f"/staff/notices/{other.id}/cancel", {})
    db.session.expire_all()
    assert other.status == NoticeStatus.CANCELLED


def test_publishing_at_a_set_time_needs_a_future_time(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    notice = create_draft(client_request)
    page = post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "later", "publish_at": ""},
                     expected_status=400)
    assert page.error_summary() == ["Enter when to publish. Use UK time, for example 27/11/2026 14:30"]
    page = post_form(client_request, f"/staff/notices/{notice.id}/publish",
                     {"when": "later", "publish_at": "01/01/2020 09:00"}, expected_status=400)
    assert page.error_summary() == ["The publishing time must be in the future"]


def test_a_new_notice_form_reports_every_missing_field(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    page = post_form(client_request, "/staff/notices/new", {"expected_end_at": "31/02/2026 10:00"},
                     expected_status=400, token_from="/staff/notices/new")
    assert page.error_summary() == [
        "Enter a title", "Select a service", "Select at least one area, or Whole county", "Select the impact",
        "Enter a real date and time. Use UK time, for example 27/11/2026 14:30", "Enter what's happening",
        "Enter what residents should do",
    ]


def test_updates_email_subscribers_only_when_asked_and_never_text_them(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    factories.SubscriberFactory(contact="a@example.com")
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001")
    notice = create_draft(client_request)
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})

    post_form(client_request, f"/staff/notices/{notice.id}/update", {"summary": "Crews are out.", "advice": ""})
    assert len(messages_for(notice)) == 2, "an update without notify sends nothing"
    post_form(client_request, f"/staff/notices/{notice.id}/update",
              {"summary": "Collections resume tomorrow.", "advice": "Put bins out tonight.", "notify": "y"})
    db.session.expire_all()
    update_messages = [m for m in messages_for(notice) if m.notice_update_id == notice.updates[-1].id]
    assert [(m.channel, m.recipient) for m in update_messages] == [(Channel.EMAIL, "a@example.com")]
    assert update_messages[0].subject.startswith("Update:")
    assert "Put bins out tonight." in update_messages[0].body


def test_resolving_a_notice_texts_only_subscribers_who_were_texted(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001")
    notice = create_draft(client_request)
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    [first] = messages_for(notice)
    outbox_claims.record_sent(first.id, "notify-1", local_outbox=False)  # the dispatcher sent the publish text
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900002")  # joined after the publish text

    post_form(client_request, f"/staff/notices/{notice.id}/resolve", {"summary": "Back to normal.", "notify": "y"})
    db.session.expire_all()
    assert notice.status == NoticeStatus.RESOLVED
    resolved = [m for m in messages_for(notice) if m.notice_update_id == notice.updates[-1].id]
    assert [m.recipient for m in resolved] == ["+447700900001"]
    assert resolved[0].body.startswith("Dorset Council: Resolved:")


def test_a_failure_while_recording_the_fan_out_leaves_the_notice_unpublished(
        client_request, sign_in_as, factories, monkeypatch) -> None:
    sign_in_as(Role.OFFICER)
    factories.SubscriberFactory(contact="a@example.com")
    notice = create_draft(client_request)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(notice_lifecycle, "record_fanout", broken)
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"}, expected_status=500)
    db.session.expire_all()
    assert notice.status == NoticeStatus.DRAFT and notice.published_at_utc is None
    assert len(notice.updates) == 0
    assert db.session.scalar(select(func.count()).select_from(Fanout)) == 0
    assert messages_for(notice) == []


def test_only_a_draft_can_be_edited(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    notice = create_draft(client_request)
    post_form(client_request, f"/staff/notices/{notice.id}/edit", {**NEW_NOTICE, "title": "Bins suspended"},
              token_from=f"/staff/notices/{notice.id}/edit")
    db.session.expire_all()
    assert notice.title == "Bins suspended"
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    response = post_form(client_request, f"/staff/notices/{notice.id}/edit", {**NEW_NOTICE, "title": "Changed"})
    assert response.headers["Location"].endswith(f"/staff/notices/{notice.id}")
    db.session.expire_all()
    assert notice.title == "Bins suspended"


def test_overdue_notices_expire_after_the_grace_period_and_show_as_due_to_end(
        client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    soon = utc_now() + dt.timedelta(hours=1)
    ending = factories.NoticeFactory(title="Ends within the hour", expected_end_at_utc=soon)
    factories.NoticeFactory(title="Ends next week", expected_end_at_utc=utc_now() + dt.timedelta(days=7))
    overdue = factories.NoticeFactory(title="Long over", expected_end_at_utc=utc_now() - dt.timedelta(hours=13))

    page = client_request.get("/staff/")
    assert "Ends within the hour" in page.text and "Long over" in page.text
    assert publishing.expire_overdue_notices(dt.timedelta(hours=12)) == 1
    db.session.expire_all()
    assert overdue.status == NoticeStatus.EXPIRED and ending.status == NoticeStatus.ACTIVE
    assert publishing.expire_overdue_notices(dt.timedelta(hours=12)) == 0


def test_an_officer_cancels_a_draft_they_no_longer_need(client_request, sign_in_as) -> None:
    # A draft nobody will publish can be cancelled from its page, rather than waiting in Drafts forever.
    sign_in_as(Role.OFFICER)
    notice = create_draft(client_request)
    page = client_request.get(f"/staff/notices/{notice.id}")
    buttons = page.select("#actions form[action$='/cancel'] button")
    assert [button.get_text(strip=True) for button in buttons] == ["Cancel this notice"]
    post_form(client_request, f"/staff/notices/{notice.id}/cancel", {})
    db.session.expire_all()
    assert notice.status == NoticeStatus.CANCELLED
    assert messages_for(notice) == []
