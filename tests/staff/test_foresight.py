"""Foresight from the council's own history: when a Met Office warning arrives, what was published during earlier
warnings of the same kind and area, each a one-click draft with its predicted audience and text cost; and, for
managers, what followed each kind of warning. Plain counts anyone can check."""

from __future__ import annotations

import datetime as dt

from alerts.data import calls as call_data
from alerts.data import feedback as feedback_data
from alerts.data import foresight, response_insight
from alerts.data.fanouts import audience_for, preview_for
from alerts.extensions import db
from alerts.models import Channel, NoticeStatus, Role, WeatherWarning, utc_now

NOW = utc_now()
LAST_WINTER = NOW - dt.timedelta(days=300)


def _warning(warning_id: str, hazards: list[str], arrived: dt.datetime, *, hours: int = 18,
             areas: list[str] | None = None, current: bool = False) -> WeatherWarning:
    warning = WeatherWarning(
        id=warning_id, level="amber", hazards=hazards, title=f"Amber warning of {', '.join(hazards)}",
        description="", areas=areas or ["Devon", "Dorset"], link=f"https://www.metoffice.gov.uk/#?id={warning_id}",
        valid_from_utc=arrived + dt.timedelta(hours=6), valid_to_utc=arrived + dt.timedelta(hours=6 + hours),
        is_current=current, created_at_utc=arrived, updated_at_utc=arrived)
    db.session.add(warning)
    db.session.commit()
    return warning


def _past_notice(factories, title: str, service_id: str, published: dt.datetime, lasted_hours: int, **kwargs):
    return factories.NoticeFactory(
        title=title, service_id=service_id, status=NoticeStatus.RESOLVED, starts_at_utc=published,
        published_at_utc=published, resolved_at_utc=published + dt.timedelta(hours=lasted_hours), **kwargs)


def test_a_new_warning_finds_what_was_published_in_earlier_warnings_of_its_kind_and_area(factories):
    snow = _warning("old-snow", ["snow", "ice"], LAST_WINTER)
    _warning("old-wind", ["wind"], LAST_WINTER + dt.timedelta(days=20))
    _warning("old-snow-elsewhere", ["snow"], LAST_WINTER + dt.timedelta(days=40), areas=["Cumbria"])
    bins = _past_notice(factories, "Bin collections suspended", "bins-and-recycling",
                        LAST_WINTER + dt.timedelta(hours=8), 30, area_ids=["weymouth", "portland"])
    _past_notice(factories, "Trees down", "roads-and-gritting", LAST_WINTER + dt.timedelta(days=20, hours=7), 5)
    _past_notice(factories, "Fell roads shut", "roads-and-gritting", LAST_WINTER + dt.timedelta(days=40, hours=7), 5)
    _past_notice(factories, "Long after", "schools", LAST_WINTER + dt.timedelta(days=5), 5)
    new = _warning("new-snow", ["snow"], NOW - dt.timedelta(hours=1), current=True)

    found = foresight.earlier_responses(new)

    assert [(r.notice.id, r.warning.id) for r in found] == [(bins.id, snow.id)]
    [response] = found
    assert response.lasted == dt.timedelta(hours=30)
    assert response.area_names == ["Weymouth", "Portland"]


def test_each_earlier_notice_carries_the_check_pages_audience_and_text_cost(factories):
    for number in range(3):
        factories.SubscriberFactory(channel=Channel.SMS, contact=f"+4477009001{number:02d}", area_ids=["weymouth"])
    factories.SubscriberFactory(contact="resident@example.com", area_ids=["weymouth"])
    _warning("old-snow", ["snow"], LAST_WINTER)
    bins = _past_notice(factories, "Bin collections suspended", "bins-and-recycling",
                        LAST_WINTER + dt.timedelta(hours=8), 30)
    new = _warning("new-snow", ["snow"], NOW - dt.timedelta(hours=1), current=True)

    [response] = foresight.earlier_responses(new)

    assert (response.audience.emails, response.audience.texts) == (1, 3)
    assert response.audience == audience_for(bins)
    assert response.text_cost == preview_for(bins).cost_for(3)


def test_the_warning_card_offers_each_earlier_notice_as_a_one_click_draft(client_request, sign_in_as, factories):
    sign_in_as(Role.OFFICER)
    _warning("old-snow", ["snow"], LAST_WINTER)
    bins = _past_notice(factories, "Bin collections suspended", "bins-and-recycling",
                        LAST_WINTER + dt.timedelta(hours=8), 30)
    _warning("new-snow", ["snow"], NOW - dt.timedelta(hours=1), current=True)

    page = client_request.get("/staff/")

    card = page.soup.select_one(".weather-warning .app-foresight")
    assert card is not None
    text = card.get_text(" ", strip=True)
    assert "Bin collections suspended" in text and "Bins and recycling" in text and "1 day 6 hours" in text
    assert "Predicted audience: 0 emails and 0 texts" in text and "Text cost: £0.00" in text
    link = card.select_one("a.app-draft-again")
    assert link["href"] == f"/staff/notices/new?copy={bins.id}&warning=new-snow"
    form = client_request.get(link["href"])
    assert form.soup.select_one("input#title")["value"] == "Bin collections suspended"
    assert form.soup.select_one("select#service option[selected]")["value"] == "bins-and-recycling"
    assert form.soup.select_one("input[name=warning]")["value"] == "new-snow"


def test_insight_shows_per_kind_of_warning_the_services_disrupted_and_what_followed(factories):
    _warning("old-snow", ["snow"], LAST_WINTER)
    bins = _past_notice(factories, "Bins", "bins-and-recycling", LAST_WINTER + dt.timedelta(hours=2), 30)
    _past_notice(factories, "Gritting", "roads-and-gritting", LAST_WINTER + dt.timedelta(hours=4), 30)
    day = LAST_WINTER.date()
    call_data.count_call("bins-and-recycling", bins.id, call_data.CallOutcome.ANSWERED)
    db.session.flush()
    from alerts.models import InsightCount
    for row in db.session.query(InsightCount).filter_by(metric="call"):
        row.day = day
    feedback_data.count_answer(bins.id, feedback_data.Answer.YES, feedback_data.AskedOn.PAGE)
    db.session.commit()

    [row] = response_insight.warning_kinds()

    assert row.kind == "snow" and row.warnings == 1
    assert row.services == {"Bins and recycling": 1, "Roads and gritting": 1}
    assert (row.calls, row.useful, row.not_useful) == (1, 1, 0)
    assert row.first_notice_after == [dt.timedelta(hours=2)]
