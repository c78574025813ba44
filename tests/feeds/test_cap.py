"""CAP 1.2 alerts: every demo notice validates against the official OASIS schema."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import select

from alerts.data.demo import load_demo_notices
from alerts.extensions import db
from alerts.models import Impact, Notice, NoticeStatus, NoticeUpdate, UpdateKind, utc_now
from tests.xml_schemas import cap_schema as vendored_cap_schema

CAP = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


@pytest.fixture(scope="module")
def cap_schema() -> etree.XMLSchema:
    return vendored_cap_schema()


def cap(client: FlaskClient, notice_id: int) -> etree._Element:
    response = client.get(f"/cap/{notice_id}.xml")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/cap+xml"
    return etree.fromstring(response.data)


def text(alert: etree._Element, path: str) -> str | None:
    return alert.findtext(path, namespaces=CAP)


def test_every_demo_notice_is_a_valid_cap_1_2_alert(client: FlaskClient, cap_schema: etree.XMLSchema) -> None:
    load_demo_notices()
    db.session.commit()
    notices = list(db.session.scalars(select(Notice)))
    assert len(notices) == 7

    for notice in notices:
        alert = cap(client, notice.id)
        assert cap_schema.validate(alert), (notice.title, cap_schema.error_log)
        assert text(alert, "cap:status") == "Actual"
        assert text(alert, "cap:scope") == "Public"
        assert text(alert, "cap:info/cap:headline") == notice.title
        assert text(alert, "cap:info/cap:language") == "en-GB"
        assert text(alert, "cap:info/cap:web") == f"http://localhost/notices/{notice.id}"


def test_a_new_notice_is_an_alert_for_the_areas_postcode_districts(client: FlaskClient, factories) -> None:
    notice = factories.NoticeFactory(title="Bins suspended", area_ids=["weymouth", "portland"],
                                     impact=Impact.SEVERE, advice="Keep your bins inside.")

    alert = cap(client, notice.id)

    update_id = notice.updates[0].id
    assert text(alert, "cap:identifier") == f"localhost:notice:{notice.id}:update:{update_id}"
    assert text(alert, "cap:sender") == "localhost"
    assert text(alert, "cap:msgType") == "Alert"
    assert alert.find("cap:references", CAP) is None
    assert text(alert, "cap:info/cap:category") == "Infra"
    assert text(alert, "cap:info/cap:event") == "Bins and recycling disruption"
    assert text(alert, "cap:info/cap:urgency") == "Immediate"
    assert text(alert, "cap:info/cap:severity") == "Severe"
    assert text(alert, "cap:info/cap:certainty") == "Observed"
    assert text(alert, "cap:info/cap:senderName") == "Dorset Council"
    assert text(alert, "cap:info/cap:instruction") == "Keep your bins inside."
    assert text(alert, "cap:info/cap:area/cap:areaDesc") == "Weymouth, Portland"
    geocodes = [(g.findtext("cap:valueName", namespaces=CAP), g.findtext("cap:value", namespaces=CAP))
                for g in alert.iterfind("cap:info/cap:area/cap:geocode", CAP)]
    assert geocodes == [("postcode-district", "DT3"), ("postcode-district", "DT4"), ("postcode-district", "DT5")]


def test_a_county_wide_roads_notice_is_transport_for_the_whole_local_authority(client: FlaskClient, factories) -> None:
    notice = factories.NoticeFactory(service_id="roads-and-gritting", area_ids=["whole-county"], impact=Impact.MINOR)

    alert = cap(client, notice.id)

    assert text(alert, "cap:info/cap:category") == "Transport"
    assert text(alert, "cap:info/cap:severity") == "Minor"
    assert text(alert, "cap:info/cap:area/cap:areaDesc") == "Dorset Council area"
    assert text(alert, "cap:info/cap:area/cap:geocode/cap:valueName") == "ONS-LAD"
    assert text(alert, "cap:info/cap:area/cap:geocode/cap:value") == "E06000059"


def test_an_updated_notice_is_an_update_referencing_the_earlier_message(
    client: FlaskClient, factories, cap_schema: etree.XMLSchema
) -> None:
    published = dt.datetime(2026, 12, 7, 7, 30, 15, 123456, tzinfo=dt.UTC)
    notice = factories.NoticeFactory(area_ids=["sherborne"])
    notice.updates[0].created_at_utc = published
    notice.updates.append(NoticeUpdate(kind=UpdateKind.UPDATED, summary="Crews are out again.",
                                       created_at_utc=published + dt.timedelta(hours=2)))
    db.session.commit()

    alert = cap(client, notice.id)

    assert cap_schema.validate(alert), cap_schema.error_log
    first, second = notice.updates
    assert text(alert, "cap:msgType") == "Update"
    assert text(alert, "cap:identifier") == f"localhost:notice:{notice.id}:update:{second.id}"
    assert text(alert, "cap:sent") == "2026-12-07T09:30:15+00:00"
    assert text(alert, "cap:references") == f"localhost,localhost:notice:{notice.id}:update:{first.id}," \
                                             "2026-12-07T07:30:15+00:00"
    assert text(alert, "cap:info/cap:description").endswith("Latest update: Crews are out again.")


def test_a_resolved_notice_cancels_the_earlier_messages_with_an_all_clear(
    client: FlaskClient, factories, cap_schema: etree.XMLSchema
) -> None:
    notice = factories.NoticeFactory(area_ids=["sherborne"])
    notice.status, notice.resolved_at_utc = NoticeStatus.RESOLVED, utc_now()
    notice.updates.append(NoticeUpdate(kind=UpdateKind.RESOLVED, summary="Back to normal."))
    db.session.commit()

    alert = cap(client, notice.id)

    assert cap_schema.validate(alert), cap_schema.error_log
    assert text(alert, "cap:msgType") == "Cancel"
    assert text(alert, "cap:info/cap:responseType") == "AllClear"
    assert text(alert, "cap:info/cap:urgency") == "Past"
    assert len(text(alert, "cap:references").split()) == 1


def test_a_notice_that_starts_later_is_expected_and_likely(client: FlaskClient, factories) -> None:
    notice = factories.NoticeFactory(starts_at_utc=utc_now() + dt.timedelta(hours=6))

    alert = cap(client, notice.id)

    assert (text(alert, "cap:info/cap:urgency"), text(alert, "cap:info/cap:certainty")) == ("Expected", "Likely")


def test_drafts_have_no_cap_alert(client: FlaskClient, factories) -> None:
    draft = factories.NoticeFactory(status=NoticeStatus.DRAFT)

    response = client.get(f"/cap/{draft.id}.xml")

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
