import datetime as dt

import pytest
from freezegun import freeze_time

from alerts.models import utc_now
from tests.api.test_officer_api import NOTICE, make_token


def test_next_update_by_round_trips_through_the_api_with_its_offset(client) -> None:
    headers = make_token()
    promised = (utc_now() + dt.timedelta(hours=3)).replace(microsecond=0)
    as_sent = promised.astimezone(dt.timezone(dt.timedelta(hours=1))).isoformat()
    response = client.post("/api/v1/notices", json={**NOTICE, "next_update_by": as_sent}, headers=headers)
    assert response.status_code == 201, response.json
    notice_id = response.json["id"]
    read = client.get(f"/api/v1/notices/{notice_id}").json["next_update_by"]
    assert dt.datetime.fromisoformat(read) == promised
    assert dt.datetime.fromisoformat(read).utcoffset() is not None

    later = (utc_now() + dt.timedelta(hours=6)).replace(microsecond=0)
    response = client.post(f"/api/v1/notices/{notice_id}/updates",
                           json={"summary": "Still icy.", "next_update_by": later.isoformat()}, headers=headers)
    assert response.status_code == 201, response.json
    assert dt.datetime.fromisoformat(response.json["next_update_by"]) == later

    response = client.post(f"/api/v1/notices/{notice_id}/resolve", json={"summary": "Clear."}, headers=headers)
    assert response.json["next_update_by"] is None  # a resolved notice has no more updates coming


@freeze_time("2026-12-07 15:00:00")
@pytest.mark.parametrize(("impact", "expected"), [
    ("severe", "2026-12-07T17:00:00+00:00"),
    ("major", "2026-12-07T19:00:00+00:00"),
    ("minor", "2026-12-08T09:00:00+00:00"),  # 9am UK time the next day
])
def test_without_a_time_the_default_follows_the_impact(client, impact, expected) -> None:
    response = client.post("/api/v1/notices", json={**NOTICE, "impact": impact}, headers=make_token())
    assert response.status_code == 201, response.json
    assert response.json["next_update_by"] == expected


@pytest.mark.parametrize(("value", "error"), [
    ("2020-01-01T09:00:00+00:00", "The next update time must be in the future"),
    ("2099-01-01T09:00:00+00:00", "The next update time must be within 14 days"),
    ("tomorrow", "next_update_by must be an ISO 8601 date and time with an offset, like 2026-11-27T07:00:00+00:00"),
    ("2099-01-01T09:00:00", "next_update_by must include a time zone offset, like +00:00"),
])
def test_a_next_update_time_in_the_past_too_far_ahead_or_unreadable_is_refused(client, value, error) -> None:
    headers = make_token()
    response = client.post("/api/v1/notices", json={**NOTICE, "next_update_by": value}, headers=headers)
    assert response.status_code == 422
    assert response.json["errors"] == {"next_update_by": error}
    created = client.post("/api/v1/notices", json=NOTICE, headers=headers).json["id"]
    response = client.post(f"/api/v1/notices/{created}/updates", json={"summary": "x", "next_update_by": value},
                           headers=headers)
    assert response.status_code == 422 and response.json["errors"] == {"next_update_by": error}
