"""What officers and admins see of a notice's delivery."""

import datetime as dt

from alerts.data import delivery_reports, fanouts, notice_lifecycle
from alerts.extensions import db
from alerts.models import Channel, ChannelHold, Message, MessageKind, MessageStatus, NoticeStatus, Role, utc_now

FULL_INBOX = "Notify: the phone was off or the inbox was full when the provider tried to deliver it"
DAILY_LIMIT = "DailyLimitReached (429 TooManyRequestsError): Exceeded send limits (sms: 250000) for today"


def add_messages(notice, counts: dict[MessageStatus, int], **values) -> None:
    for status, count in counts.items():
        for _ in range(count):
            db.session.add(Message(kind=MessageKind.ALERT, channel=Channel.EMAIL, status=status, notice_id=notice.id,
                                   recipient="resident@example.com", body="Bins", **values))
    db.session.commit()


def hold_texts() -> None:
    db.session.add(ChannelHold(channel="sms", kind="daily_limit", reason=DAILY_LIMIT,
                               held_until_utc=dt.datetime(2099, 1, 2, 0, 1, tzinfo=dt.UTC)))
    db.session.commit()


def one(page, css: str):
    found = page.select(css)
    return found[0] if found else None


def counts_on(page, css: str) -> dict[str, str]:
    return {cell["data-status"]: cell.text.strip() for cell in page.select(f"{css} [data-status]")}


def test_an_officer_sees_a_notices_delivery_by_status_with_failure_reasons_and_progress(client_request, sign_in_as,
                                                                                      factories) -> None:
    sign_in_as(Role.OFFICER)
    notice = factories.NoticeFactory()
    add_messages(notice, {MessageStatus.QUEUED: 3, MessageStatus.SENDING: 1, MessageStatus.SENT: 2,
                          MessageStatus.DELIVERED: 3})
    add_messages(notice, {MessageStatus.FAILED: 1}, last_error=FULL_INBOX)
    hold_texts()

    page = client_request.get(f"/staff/notices/{notice.id}")

    assert counts_on(page, "#delivery-counts") == {"queued": "3", "sending": "1", "sent": "2", "delivered": "3",
                                                   "failed": "1"}
    assert one(page, "#delivery-progress").text.strip() == "6 of 10 messages finished (60%)"
    assert [cell.text for cell in page.select("#delivery-failures td")] == [FULL_INBOX, "1"]
    held = one(page, "#held-sms").text
    assert "Texts are held until 12:01am on 2 January 2099" in held
    assert "daily limit is used up" in held and "midnight UTC" in held
    assert DAILY_LIMIT in page.text
    assert one(page, "#delivery-expanding") is None


def test_the_notice_page_says_when_messages_are_still_being_created_and_when_queued_ones_are_due(
        client_request, sign_in_as, factories) -> None:
    user = sign_in_as(Role.OFFICER)
    for n in range(3):
        factories.SubscriberFactory(contact=f"r{n}@example.com")
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[])
    notice_lifecycle.publish_now(notice, user.id)
    db.session.commit()
    assert fanouts.expand_next_batch(first_batch_size=1) == 1
    db.session.query(Message).update({"next_attempt_at_utc": utc_now() + dt.timedelta(hours=3)})
    db.session.commit()

    page = client_request.get(f"/staff/notices/{notice.id}")

    assert "still being created" in one(page, "#delivery-expanding").text
    assert one(page, "#delivery-progress").text.strip() == "0 of 1 message finished (0%)"
    assert "The next queued message is due at" in one(page, "#delivery-next").text


def test_a_notice_without_a_notify_key_shows_its_messages_as_not_sent(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    notice = factories.NoticeFactory()
    add_messages(notice, {MessageStatus.NOT_SENT: 2})
    page = client_request.get(f"/staff/notices/{notice.id}")
    assert counts_on(page, "#delivery-counts")["not_sent"] == "2"
    assert "Not sent (local outbox: no Notify API key)" in page.text


def test_a_draft_shows_no_delivery(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[])
    assert one(client_request.get(f"/staff/notices/{notice.id}"), "#delivery") is None


def test_the_outbox_summarises_recent_notices_and_shows_held_channels(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.ADMIN)
    older = factories.NoticeFactory(title="Libraries closed")
    newer = factories.NoticeFactory(title="Bins suspended")
    add_messages(older, {MessageStatus.DELIVERED: 4}, created_at_utc=utc_now() - dt.timedelta(hours=1))
    add_messages(newer, {MessageStatus.QUEUED: 1, MessageStatus.SENT: 1})
    add_messages(newer, {MessageStatus.FAILED: 2}, last_error=FULL_INBOX)
    db.session.add(ChannelHold(channel="all", kind="auth_failure", reason="AuthFailure (403 AuthError): Invalid token",
                               held_until_utc=utc_now() + dt.timedelta(minutes=5)))
    db.session.commit()

    page = client_request.get("/staff/outbox")

    rows = page.select("#delivery-summaries tbody tr")
    assert [row.select_one("a").text for row in rows] == ["Bins suspended", "Libraries closed"]
    assert {cell["data-status"]: cell.text for cell in rows[0].select("[data-status]")} == {
        "queued": "1", "sending": "0", "sent": "1", "delivered": "0", "failed": "2", "not_sent": "0"}
    assert rows[0].select("td")[-1].text == "75%"
    assert rows[1].select("td")[-1].text == "100%"
    assert rows[0].select_one("a")["href"] == f"/staff/notices/{newer.id}#delivery"
    assert "Nothing is being sent: GOV.UK Notify refused our API key" in one(page, "#held-all").text


def test_recent_delivery_summaries_keep_only_the_latest_notices(factories) -> None:
    notices = [factories.NoticeFactory() for _ in range(3)]
    for age, notice in enumerate(notices):
        add_messages(notice, {MessageStatus.SENT: 1}, created_at_utc=utc_now() - dt.timedelta(minutes=age))
    summaries = delivery_reports.recent_delivery_summaries(limit=2)
    assert [summary["notice_id"] for summary in summaries] == [notices[0].id, notices[1].id]
