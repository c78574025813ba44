"""Four eyes over many small sends: what one person (their API tokens included) reached without a second officer
within APPROVAL_WINDOW_HOURS may not exceed APPROVAL_THRESHOLD. The send that would cross it waits, and says why."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from alerts.extensions import db
from alerts.models import Notice, NoticeStatus, NoticeUpdate, StaffUser
from tests.production import production_app
from tests.staff.conftest import post_form, sign_in
from tests.staff.test_four_eyes import fresh, token_for
from tests.staff.test_notices import create_draft

ONE_AREA = {"title": "Bins late", "service": "bins-and-recycling", "areas": ["weymouth"], "impact": "minor",
            "summary": "A day late.", "advice": ""}
CROSSING = ("You have sent to 3 people in the last 24 hours without a second officer, and this goes to 1 more: "
            "past the limit of 3 people, so another officer must approve it before anything is published or sent.")


@pytest.fixture
def threshold_of_three(app: Flask, factories):
    """One resident in Weymouth: each single-area notice reaches one person, far below the threshold alone."""
    factories.SubscriberFactory(contact="weymouth@example.com", area_ids=["weymouth"])
    app.config["APPROVAL_THRESHOLD"] = 3
    yield
    app.config["APPROVAL_THRESHOLD"] = 5000


@pytest.fixture
def officers(factories) -> tuple[StaffUser, StaffUser]:
    return factories.StaffUserFactory(), factories.StaffUserFactory()


def _publish(client: FlaskClient, headers: dict[str, str]) -> tuple[int, dict]:
    response = client.post("/api/v1/notices", json=ONE_AREA, headers=headers)
    return response.status_code, response.json


def test_single_area_notices_from_one_token_go_live_only_until_the_budget_is_spent(
        client, officers, threshold_of_three) -> None:
    holder, other = officers
    headers = token_for(holder)
    answers = [_publish(client, headers) for _ in range(18)]

    assert [status for status, _ in answers] == [201] * 3 + [202] * 15
    assert answers[3][1]["status"] == "awaiting_approval" and answers[3][1]["waiting_for_approval"] == CROSSING
    assert "waiting_for_approval" not in answers[0][1]

    # Another officer's approval is a second pair of eyes: it costs the sender nothing, and nothing else moves.
    approved = client.post(f"/api/v1/notices/{answers[3][1]['id']}/approve", json={}, headers=token_for(other))
    assert approved.status_code == 200 and approved.json["status"] == "active"
    assert _publish(client, headers)[0] == 202
    # Someone else's budget is their own.
    assert _publish(client, token_for(other))[0] == 201


def test_the_budget_counts_only_the_window_and_only_sends_with_alerts_on(
        app, client, officers, threshold_of_three) -> None:
    holder, _ = officers
    headers = token_for(holder)
    quiet = {**ONE_AREA, "notify": False}
    assert [client.post("/api/v1/notices", json=quiet, headers=headers).status_code for _ in range(4)] == [201] * 4
    assert [_publish(client, headers)[0] for _ in range(4)] == [201, 201, 201, 202]

    for sent in db.session.scalars(select(NoticeUpdate)):
        sent.created_at_utc -= dt.timedelta(hours=25)
    db.session.commit()
    assert _publish(client, headers)[0] == 201, "a day later the earlier sends no longer count"

    app.config["APPROVAL_WINDOW_HOURS"] = 48
    try:
        status, body = _publish(client, headers)
    finally:
        app.config["APPROVAL_WINDOW_HOURS"] = 24
    assert status == 202 and "in the last 48 hours" in body["waiting_for_approval"]


def test_an_update_with_alerts_on_counts_and_waits_when_it_would_cross(client, officers, threshold_of_three) -> None:
    holder, _ = officers
    headers = token_for(holder)
    _, notice = _publish(client, headers)
    url = f"/api/v1/notices/{notice['id']}/updates"
    assert client.post(url, json={"summary": "Quietly.", "notify": False}, headers=headers).status_code == 201
    assert client.post(url, json={"summary": "Still late."}, headers=headers).status_code == 201
    assert client.post(url, json={"summary": "Later still."}, headers=headers).status_code == 201
    waiting = client.post(url, json={"summary": "Tomorrow now."}, headers=headers)
    assert waiting.status_code == 202 and waiting.json["waiting_for_approval"] == CROSSING
    resolved = client.post(f"/api/v1/notices/{notice['id']}/resolve", json={"summary": "Done."}, headers=headers)
    assert resolved.status_code == 409, "the update waits: a resolution can't go past it"


def test_the_page_says_send_for_approval_and_why_once_the_persons_token_spent_the_budget(
        client, client_request, officers, threshold_of_three) -> None:
    holder, other = officers
    headers = token_for(holder)
    assert [_publish(client, headers)[0] for _ in range(3)] == [201] * 3

    sign_in(client_request, holder)
    notice = create_draft(client_request, impact="minor")
    page = client_request.get(f"/staff/notices/{notice.id}")
    assert "Send for approval" in page.text and CROSSING in page.text
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    assert fresh(notice).status == NoticeStatus.AWAITING_APPROVAL

    sign_in(client_request, other)
    page = client_request.get(f"/staff/notices/{notice.id}")
    assert CROSSING.replace("You have", f"{holder.email} has") in page.text
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {})
    assert fresh(notice).status == NoticeStatus.ACTIVE

    other_notice = create_draft(client_request, impact="minor")
    assert "Send for approval" not in client_request.get(f"/staff/notices/{other_notice.id}").text


def test_the_page_flashes_why_an_update_waits(client, client_request, officers, threshold_of_three) -> None:
    holder, _ = officers
    headers = token_for(holder)
    _, first = _publish(client, headers)
    assert [_publish(client, headers)[0] for _ in range(2)] == [201] * 2
    sign_in(client_request, holder)
    url = f"/staff/notices/{first['id']}/update"
    post_form(client_request, url, {"summary": "Later still.", "advice": "", "notify": "y"}, token_from=url)
    page = client_request.get(f"/staff/notices/{first['id']}")
    assert "Update sent for approval. " + CROSSING in page.text
    assert db.session.get(Notice, first["id"]).pending_update is not None


def test_production_refuses_an_approval_window_under_an_hour() -> None:
    from config.settings import ConfigurationError

    with pytest.raises(ConfigurationError, match="APPROVAL_WINDOW_HOURS must be 1 or more"):
        production_app(APPROVAL_WINDOW_HOURS=0)


def test_a_scheduled_notice_waits_when_due_if_its_sender_spent_the_budget_meanwhile(
        client, client_request, officers, threshold_of_three) -> None:
    from alerts.models import utc_now
    from alerts.services import publishing

    holder, _ = officers
    sign_in(client_request, holder)
    notice = create_draft(client_request, impact="minor")
    later = (utc_now() + dt.timedelta(hours=2)).astimezone(dt.UTC)
    post_form(client_request, f"/staff/notices/{notice.id}/publish",
              {"when": "later", "publish_at": later.strftime("%Y-%m-%dT%H:%M+00:00")})
    assert fresh(notice).status == NoticeStatus.SCHEDULED
    assert [_publish(client, token_for(holder))[0] for _ in range(3)] == [201] * 3
    notice = fresh(notice)
    notice.publish_at_utc = utc_now() - dt.timedelta(minutes=1)
    db.session.commit()

    assert publishing.publish_due_notices() == 0
    assert fresh(notice).status == NoticeStatus.AWAITING_APPROVAL
