"""GET /api/v1/statistics — open aggregates from the kept counts, small counts suppressed."""

from __future__ import annotations

from alerts.data import insight
from alerts.extensions import db
from alerts.models import Channel, NoticeDelivery


def test_statistics_publish_counts_of_ten_or_more_and_suppress_the_rest(client, factories) -> None:
    for number in range(12):
        factories.SubscriberFactory(channel=Channel.SMS, contact=f"+4477009000{number:02d}", area_ids=["weymouth"])
    factories.SubscriberFactory(contact="one@example.com", area_ids=["dorchester"])
    notice = factories.NoticeFactory(title="Bins suspended", service_id="bins-and-recycling")
    insight.roll_up()
    db.session.add(NoticeDelivery(notice_id=notice.id, audience=12, failures={}))
    db.session.commit()

    response = client.get("/api/v1/statistics")

    assert response.status_code == 200
    body = response.get_json()
    channels = {row["channel"]: row for row in body["subscriptions"]["by_channel"]}
    assert channels["sms"] == {"channel": "sms", "count": 12, "suppressed": False}
    assert channels["email"] == {"channel": "email", "count": None, "suppressed": True}
    areas = {row["area"]["id"]: row for row in body["subscriptions"]["by_area"]}
    assert areas["weymouth"]["count"] == 12
    assert areas["dorchester"] == {"area": {"id": "dorchester", "name": "Dorchester"}, "count": None,
                                   "suppressed": True}
    [month] = [row for row in body["notices"] if row["service"]["id"] == "bins-and-recycling"]
    # Notices are public on the notices page: only counts of people are suppressed.
    assert month["notices"] == {"count": 1, "suppressed": False}
    assert month["reach"] == {"count": 12, "suppressed": False}
    assert "under 10" in body["suppression"]


def test_statistics_are_cacheable_and_conditional(client) -> None:
    first = client.get("/api/v1/statistics")
    assert first.headers["Cache-Control"].startswith("public") and first.headers["ETag"]
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/statistics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_statistics_are_in_the_openapi_document(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["paths"]["/api/v1/statistics"]["get"]["operationId"] == "getStatistics"
    assert "Statistics" in document["components"]["schemas"]


def test_the_open_data_page_explains_the_api_feeds_cap_and_banner_and_the_footer_links_it(client_request) -> None:
    page = client_request.get("/open-data")

    assert page.h1 == "Open data"
    headings = [h.get_text(strip=True) for h in page.select("main h2")]
    assert headings == ["API", "Feeds", "Common Alerting Protocol (CAP)", "Banner for partner websites"]
    hrefs = {a["href"] for a in page.select("main a")}
    assert {"/api/v1/statistics", "/api/v1/openapi.json", "/feeds/notices.atom", "/feeds/cap.atom"} <= hrefs
    assert "/open-data" in {a["href"] for a in page.select(".govuk-footer a")}
