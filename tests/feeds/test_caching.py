"""Caching for storms: every feed and read endpoint is conditional, CDN-cacheable, and changes the moment a notice
does."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from alerts.extensions import db
from alerts.models import NoticeUpdate, UpdateKind, utc_now

READ_ENDPOINTS = [
    "/feeds/notices.atom",
    "/feeds/notices.rss",
    "/feeds/notices.atom?area=weymouth",
    "/feeds/cap.atom",
    "/cap/{id}.xml",
    "/embed/banner",
    "/api/v1/notices",
    "/api/v1/notices/{id}",
    "/api/v1/status",
    "/api/v1/warnings",
]


@pytest.fixture
def notice(factories):
    return factories.NoticeFactory(area_ids=["weymouth"])


@pytest.mark.parametrize("url", READ_ENDPOINTS)
def test_a_read_endpoint_answers_a_repeat_request_with_304(client: FlaskClient, notice, url: str) -> None:
    url = url.format(id=notice.id)
    first = client.get(url)
    assert first.status_code == 200
    assert first.cache_control.public and first.cache_control.max_age == 60
    assert first.headers["ETag"]
    # A CDN must be able to share one copy between everyone: no per-visitor variation, no cookies.
    assert "Cookie" not in first.headers.get("Vary", "")
    assert "Set-Cookie" not in first.headers

    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert again.data == b""


@pytest.mark.parametrize("url", ["/feeds/notices.atom", "/feeds/notices.rss", "/feeds/cap.atom", "/cap/{id}.xml",
                                 "/embed/banner"])
def test_feeds_send_last_modified_and_honour_if_modified_since(client: FlaskClient, notice, url: str) -> None:
    url = url.format(id=notice.id)
    first = client.get(url)
    assert first.last_modified == notice.updated_at_utc.replace(microsecond=0)

    again = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})

    assert again.status_code == 304


@pytest.mark.parametrize("url", ["/feeds/notices.atom", "/feeds/notices.rss", "/feeds/cap.atom", "/cap/{id}.xml",
                                 "/api/v1/notices/{id}"])
def test_an_update_to_a_notice_changes_the_etag_at_once(client: FlaskClient, notice, url: str) -> None:
    url = url.format(id=notice.id)
    before = client.get(url).headers["ETag"]

    notice.updates.append(NoticeUpdate(kind=UpdateKind.UPDATED, summary="Crews are out again.",
                                       created_at_utc=utc_now()))
    notice.version += 1
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": before})

    assert after.status_code == 200
    assert after.headers["ETag"] != before
    assert b"Crews are out again." in after.data


def test_the_banner_changes_when_the_last_active_notice_is_resolved(client: FlaskClient, notice) -> None:
    before = client.get("/embed/banner").headers["ETag"]

    notice.status = "resolved"
    db.session.commit()
    after = client.get("/embed/banner", headers={"If-None-Match": before})

    assert after.status_code == 200
    assert b"Winter weather" not in after.data
    assert b"There is disruption" not in after.data
