"""/staff/insight for service managers, from kept counts on known data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from alerts.data import insight, postcode_lookup_counts
from alerts.data import subscribers as subscriber_data
from alerts.data.subscribers import AreaChoice
from alerts.extensions import db
from alerts.models import (
    Channel,
    InsightCount,
    Message,
    MessageKind,
    MessageStatus,
    NoticeDelivery,
    Role,
)
from alerts.services import postcode_lookups
from tests.staff.conftest import post_form


def _messages(notice, statuses: list[tuple[MessageStatus, int | None, str | None]], channel=Channel.SMS) -> None:
    update = notice.updates[0]
    for index, (status, seconds, reason) in enumerate(statuses):
        db.session.add(Message(
            kind=MessageKind.ALERT, channel=channel, status=status, notice_id=notice.id, notice_update_id=update.id,
            body="x", recipient=f"+4477009{index:05d}", notify_status=reason,
            completed_at_utc=notice.published_at_utc + dt.timedelta(seconds=seconds) if seconds is not None else None,
            cost_in_pounds=Decimal("0.0197") if channel == Channel.SMS else Decimal(0)))
    db.session.commit()


def test_the_rollup_summarises_a_notices_reach_speed_failures_and_cost(factories) -> None:
    notice = factories.NoticeFactory(title="A35 closed")
    delivered = [(MessageStatus.DELIVERED, s, "delivered") for s in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 600)]
    _messages(notice, [*delivered, (MessageStatus.FAILED, None, "permanent-failure"),
                       (MessageStatus.FAILED, None, "temporary-failure"), (MessageStatus.SENT, None, None)])

    insight.roll_up()

    summary = db.session.get(NoticeDelivery, notice.id)
    assert (summary.audience, summary.texts, summary.delivered, summary.failed) == (14, 14, 11, 2)
    assert summary.seconds_to_half == 70  # the 7th of 14 deliveries
    assert summary.seconds_to_95 is None  # 14 × 95% = 14 deliveries: only 11 arrived
    assert summary.failures == {"permanent-failure": 1, "temporary-failure": 1}
    assert summary.cost_pounds == Decimal("0.2758")


def test_counters_follow_sign_ups_confirmations_and_unsubscribes(factories) -> None:
    pending = subscriber_data.request_sign_up(channel=Channel.SMS, contact="+447700900001",
                                              areas=[AreaChoice("weymouth", "DT4 7TA")], service_ids=None, source="web")
    subscriber_data.request_sign_up(channel=Channel.EMAIL, contact="a@example.com",
                                    areas=[AreaChoice("weymouth", "DT4 7TA")], service_ids=None, source="web")
    db.session.commit()
    subscriber_data.confirm_subscriber(pending)
    subscriber_data.unsubscribe(pending, "Unsubscribed by the resident", via=insight.UnsubscribeVia.LINK)
    db.session.commit()

    counts = {(row.metric, row.key): row.count for row in db.session.scalars(select(InsightCount))}
    assert counts[("signup_started", "sms")] == 1 and counts[("signup_started", "email")] == 1
    assert counts[("signup_confirmed", "sms")] == 1
    assert counts[("unsubscribed", "link")] == 1


def test_postcode_lookups_are_counted_by_district_and_no_postcode_is_kept(client) -> None:
    postcode_lookup_counts.clear()  # counts held in memory by this process for earlier tests' databases
    client.get("/notices?postcode=DT4+7TA")
    client.get("/notices?postcode=dt47ta")
    client.get("/notices?postcode=not-a-postcode")
    postcode_lookup_counts.count("DT1")
    postcode_lookups.flush_postcode_lookups()

    rows = {(row.key, row.count) for row in db.session.scalars(
        select(InsightCount).where(InsightCount.metric == "postcode_lookup"))}
    assert rows == {("DT4", 2), ("DT1", 1)}
    assert not any("7TA" in row.key for row in db.session.scalars(select(InsightCount)))



def _lookup_rows() -> dict[str, int]:
    return {row.key: row.count for row in db.session.scalars(
        select(InsightCount).where(InsightCount.metric == "postcode_lookup"))}


def test_only_districts_the_council_serves_are_counted(client) -> None:
    postcode_lookup_counts.clear()
    for postcode in ("SW1A 1AA", "ZZ99 9ZZ", "AB1 2CD", "DT4 7TA"):
        client.get(f"/notices?postcode={postcode}")
    postcode_lookups.flush_postcode_lookups()
    assert _lookup_rows() == {"DT4": 1}


def test_a_look_up_never_writes_inside_the_request_and_the_job_writes_the_counts(client) -> None:
    postcode_lookup_counts.clear()
    for typed in ("DT4+7TA", "dt4+7ta", "DT47TA"):
        client.get(f"/notices?postcode={typed}")
    assert _lookup_rows() == {}, "the request only counted in memory"
    assert postcode_lookups.flush_in_app(client.application) == 1
    assert _lookup_rows() == {"DT4": 3}


def test_a_flush_writes_a_capped_number_of_districts_and_leaves_the_rest_for_the_next(client) -> None:
    postcode_lookup_counts.clear()
    for district in ("DT1", "DT2", "DT3", "DT4", "DT5"):
        postcode_lookup_counts.count(district)
    assert postcode_lookup_counts.flush(max_keys=2) == 2
    db.session.commit()
    assert len(_lookup_rows()) == 2 and postcode_lookup_counts.waiting() == 3
    postcode_lookups.flush_postcode_lookups()
    assert _lookup_rows() == {"DT1": 1, "DT2": 1, "DT3": 1, "DT4": 1, "DT5": 1}


@pytest.fixture
def known_data(factories):
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001", area_ids=["weymouth"])
    factories.SubscriberFactory(contact="a@example.com", area_ids=["weymouth", "portland"])
    factories.SubscriberFactory(contact="b@example.com", area_ids=["dorchester"], all_services=False)
    notice = factories.NoticeFactory(title="Bins suspended in Weymouth")
    _messages(notice, [(MessageStatus.DELIVERED, 30, "delivered"), (MessageStatus.FAILED, None, "permanent-failure")])
    insight.bump(insight.Metric.UNSUBSCRIBED, "contact_centre", 3)
    db.session.commit()
    insight.roll_up()
    db.session.commit()
    return notice


def test_a_manager_sees_charts_tables_and_numbers_from_the_kept_counts(client_request, sign_in_as, known_data) -> None:
    sign_in_as(Role.MANAGER)

    page = client_request.get("/staff/insight")

    assert page.h1 == "Insight"
    rows = lambda name: [r.get_text(" ", strip=True) for r in page.select(f"#{name}-table tbody tr")]  # noqa: E731
    assert rows("subscriptions-over-time") == [f"{insight.today().isoformat()} 2 1"]
    assert rows("subscriptions-by-area")[0] == "Weymouth 2"
    assert "Dorchester 1" in rows("subscriptions-by-area")
    assert rows("subscriptions-by-service")[0] == "All services 2"
    assert "Contact centre 3" in rows("unsubscribes")
    assert rows("notice-delivery") == [
        "Bins suspended in Weymouth 2 50.0% 30 s 1 permanent-failure: 1 £0.04"]
    chart = page.soup.select_one("#subscriptions-by-area-chart")
    assert chart.name == "svg" and chart["role"] == "img" and chart.select_one("title").get_text()
    # Labels in the page's font (GOV.UK Frontend's), never the browser's default serif.
    assert chart["font-family"] == "arial, sans-serif" and "insight-chart" in chart["class"]
    assert not page.soup.select("script[src*=chart]")


def test_every_table_downloads_as_csv(client_request, sign_in_as, known_data) -> None:
    sign_in_as(Role.MANAGER)
    page = client_request.get("/staff/insight")
    links = [a["href"] for a in page.select("a[download]")]
    assert len(links) == len(page.select("section[id]")) >= 10

    response = client_request.client.get(next(link for link in links if "notice-delivery" in link))

    assert response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0][:3] == ["Notice", "Audience", "Delivered"]
    assert table[1][:3] == ["Bins suspended in Weymouth", "2", "50.0%"]


def test_a_bad_date_range_is_an_error_the_manager_can_fix(client_request, sign_in_as) -> None:
    sign_in_as(Role.MANAGER)

    page = client_request.get("/staff/insight?from=2026-13-01&to=2026-01-01", expected_status=400)

    assert page.soup.title.get_text().startswith("Error: ")
    assert page.soup.title.get_text().count("Error: ") == 1
    assert "The start date must be a real date" in page.soup.select_one(".govuk-error-summary").get_text()


def test_only_managers_and_admins_see_insight(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    client_request.get("/staff/insight", expected_status=403)


def test_an_admin_can_make_someone_a_service_manager(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.ADMIN)
    user = factories.StaffUserFactory(role=Role.OFFICER)
    page = client_request.get(f"/staff/users/{user.id}")
    assert "Service manager" in page.soup.get_text()
    assert "Service manager" in client_request.get("/staff/users").soup.get_text()
    post_form(client_request, f"/staff/users/{user.id}", {"role": "manager"}, token_from=f"/staff/users/{user.id}")
    db.session.expire_all()
    assert user.role == Role.MANAGER


def test_the_check_page_counts_its_audience_exactly_with_the_last_hours_sign_ups(
        client_request, sign_in_as, factories) -> None:
    from tests.staff.test_notices import create_draft

    sign_in_as(Role.OFFICER)
    factories.SubscriberFactory(contact="a@example.com", area_ids=["weymouth"])
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001", area_ids=["weymouth", "portland"])
    factories.SubscriberFactory(contact="county@example.com", area_ids=["whole-county"])
    insight.roll_up()
    factories.SubscriberFactory(contact="after-the-rollup@example.com", area_ids=["weymouth"])
    one_area = create_draft(client_request)
    two_areas = create_draft(client_request, areas=["weymouth", "portland"])

    page = client_request.get(f"/staff/notices/{one_area.id}")
    assert page.soup.select_one("#audience-total").get_text(" ", strip=True) == "3 emails and 1 text"
    assert page.soup.select_one("#audience-as-of") is None
    page = client_request.get(f"/staff/notices/{two_areas.id}")
    # The text subscriber follows both areas: once under each, once in the total.
    assert page.soup.select_one("#audience-total").get_text(" ", strip=True) == "3 emails and 1 text"
    assert sorted(row.get_text(" ", strip=True) for row in page.select("#audience tbody tr")) == [
        "Portland 0 1", "Weymouth 2 1", "Whole county 1 0"]


def _unsubscribes_csv(client_request) -> dict[str, str]:
    response = client_request.client.get("/staff/insight/unsubscribes.csv")
    assert response.mimetype == "text/csv"
    return dict(list(csv.reader(io.StringIO(response.get_data(as_text=True))))[1:])


def test_a_stop_reply_is_counted_as_an_unsubscribe_by_reply(client_request, sign_in_as, factories) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900111", area_ids=["weymouth", "portland"])
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900222")
    reply = {"id": "7d3c4a52-0000-4000-8000-00000000aaaa", "source_number": "447700900111",
             "destination_number": "07700900456", "message": "STOP", "date_received": "2026-11-29T21:00:00.000000Z"}
    response = client_request.client.post("/callbacks/notify/inbound", json=reply,
                                          headers={"Authorization": "Bearer test-callback-token"})
    assert response.status_code == 204
    sign_in_as(Role.MANAGER)

    page = client_request.get("/staff/insight")

    assert [r.get_text(" ", strip=True) for r in page.select("#unsubscribes-table tbody tr")] == [
        "Link in a message 0", "Replied STOP 1", "Contact centre 0", "Suspended (messages could not be delivered) 0",
        "Changed to email or text (still subscribed) 0"]
    assert _unsubscribes_csv(client_request)["Replied STOP"] == "1"


def test_each_way_of_stopping_is_counted_under_its_own_reason(client_request, sign_in_as, factories) -> None:
    from alerts.data import contact_centre

    by_link = factories.SubscriberFactory(contact="link@example.com")
    by_phone = factories.SubscriberFactory(contact="caller@example.com")
    subscriber_data.unsubscribe(by_link, "Unsubscribed by the resident", via=insight.UnsubscribeVia.LINK)
    contact_centre.unsubscribe(by_phone, "Caller moved away")
    contact_centre.unsubscribe(by_phone, "Called again")  # already stopped: not counted twice
    db.session.commit()
    sign_in_as(Role.MANAGER)

    counts = _unsubscribes_csv(client_request)

    assert (counts["Link in a message"], counts["Contact centre"], counts["Replied STOP"]) == ("1", "1", "0")


def test_unsubscribe_says_how_it_came() -> None:
    """One home for the rule: whoever stops a subscription names how it came, so insight counts it right."""
    import inspect

    via = inspect.signature(subscriber_data.unsubscribe).parameters["via"]
    assert via.default is inspect.Parameter.empty and via.kind is inspect.Parameter.KEYWORD_ONLY


def test_a_csv_runs_only_the_queries_of_its_own_part_of_the_page() -> None:
    end = insight.today()
    start = end - dt.timedelta(days=29)

    assert [t.name for t in insight.insight_tables(start, end, only="unsubscribes")] == [
        "sign-up-funnel", "unsubscribes"]
    assert insight.insight_tables(start, end, only="no-such-table") == []


def test_the_page_asks_the_database_the_same_number_of_questions_however_many_notices(factories) -> None:
    from sqlalchemy import event

    def statements_for_page() -> int:
        seen: list[str] = []

        def count(conn, cursor, statement, *args) -> None:
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            db.session.expire_all()
            insight.insight_tables(insight.today() - dt.timedelta(days=29), insight.today())
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    factories.NoticeFactory(title="One")
    one = statements_for_page()
    for n in range(5):
        factories.NoticeFactory(title=f"More {n}")

    assert statements_for_page() == one


def test_a_new_council_sees_todays_sign_ups_before_any_rollup(client_request, sign_in_as, factories) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001", area_ids=["weymouth"])
    factories.SubscriberFactory(contact="a@example.com", area_ids=["weymouth"])
    assert db.session.scalar(select(InsightCount).where(InsightCount.metric == "subscribers_by_channel")) is None
    sign_in_as(Role.MANAGER)

    page = client_request.get("/staff/insight")

    rows = lambda name: [r.get_text(" ", strip=True) for r in page.select(f"#{name}-table tbody tr")]  # noqa: E731
    assert rows("subscriptions-over-time") == [f"{insight.today().isoformat()} 1 1"]
    assert rows("subscriptions-by-area") == ["Weymouth 2"]
    assert rows("subscriptions-by-service")[0] == "All services 2"


def test_today_is_counted_live_and_earlier_days_come_from_the_kept_counts(factories) -> None:
    yesterday = insight.today() - dt.timedelta(days=1)
    db.session.add(InsightCount(day=yesterday, metric="subscribers_by_channel", key="email", count=7))
    factories.SubscriberFactory(contact="a@example.com", area_ids=["weymouth"])

    [over_time] = [t for t in insight.insight_tables(yesterday, insight.today(), only="subscriptions-over-time")
                   if t.name == "subscriptions-over-time"]

    assert over_time.rows == [[yesterday.isoformat(), 7, 0], [insight.today().isoformat(), 1, 0]]


def test_empty_csv_cells_stay_empty_and_formula_cells_are_quoted(client_request, sign_in_as, factories) -> None:
    factories.NoticeFactory(title="-5 degrees: gritting all roads")  # no delivery summary yet: empty cells
    sign_in_as(Role.MANAGER)

    response = client_request.client.get("/staff/insight/notice-delivery.csv")

    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[1] == ["'-5 degrees: gritting all roads", "0", "", "", "", "", "", ""]


def test_the_range_is_typed_as_govuk_date_inputs(client_request, sign_in_as) -> None:
    sign_in_as(Role.MANAGER)
    today = insight.today()
    start = today - dt.timedelta(days=6)

    page = client_request.get(f"/staff/insight?from-day={start.day}&from-month={start.month}&from-year={start.year}"
                              f"&to-day={today.day}&to-month={today.month}&to-year={today.year}")

    for name, day in (("from", start), ("to", today)):
        group = page.soup.select_one(f"#{name} fieldset[role=group]")
        assert [label.get_text(strip=True) for label in group.select("label")] == ["Day", "Month", "Year"]
        assert [box["value"] for box in group.select("input")] == [str(day.day), str(day.month), str(day.year)]
    link = page.soup.select_one("#postcode-lookups a[download]")["href"]
    assert f"from={start.isoformat()}&to={today.isoformat()}" in link


@pytest.mark.parametrize(("query", "message", "href", "marked"), [
    ("from-day=31&from-month=2&from-year=2026", "The start date must be a real date", "#from-day", ["from-day"]),
    ("from-day=1&from-month=13&from-year=2026", "The start date must be a real date", "#from-month", ["from-month"]),
    ("from-day=1&from-year=2026", "The start date must include a month", "#from-month", ["from-month"]),
    ("from-month=11", "The start date must include a day and year", "#from-day", ["from-day", "from-year"]),
    ("from-day=1&from-month=11&from-year=26", "Year must include 4 numbers", "#from-year", ["from-year"]),
    ("from-day=x&from-month=11&from-year=2026", "The start date must be a real date", "#from-day", ["from-day"]),
    ("to-day=1&to-month=1&to-year=1999", "The end date must be on or after 1 January 2000", "#to-day",
     ["to-day", "to-month", "to-year"]),
])
def test_a_bad_date_gets_the_govuk_error_summary_and_its_boxes_marked(
        client_request, sign_in_as, query: str, message: str, href: str, marked: list[str]) -> None:
    sign_in_as(Role.MANAGER)

    page = client_request.get(f"/staff/insight?{query}", expected_status=400)

    summary = page.soup.select_one(".govuk-error-summary")
    assert [(a.get_text(strip=True), a["href"]) for a in summary.select("a")] == [(message, href)]
    assert [box["id"] for box in page.soup.select(".govuk-input--error")] == marked
    name = href[1:].split("-")[0]
    assert message in page.soup.select_one(f"#{name}-error").get_text()
