"""Hostile text can't break an output: input refuses characters XML 1.0 can't carry, naming the field, and every
XML writer drops them, so an old row can't break a feed. The rule lives in alerts/text.py."""

from __future__ import annotations

import io
import os

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from alerts.extensions import db
from alerts.models import Notice, NoticeUpdate, Role, UpdateKind, utc_now
from alerts.text import character_xml_cannot_carry, xml_safe
from alerts.web.caching import rendered_cache
from tests import factories
from tests.api.test_officer_api import NOTICE, make_token
from tests.pages import PageClient
from tests.staff.conftest import post_form, sign_in
from tests.staff.test_notices import NEW_NOTICE
from tests.xml_schemas import cap_schema

ON_POSTGRESQL = bool(os.environ.get("TEST_DATABASE_URL"))
# PostgreSQL can't store NUL in text at all (input refuses it before it gets there); SQLite can, so it is tried.
C0_CONTROLS = "".join(chr(code) for code in range(1 if ON_POSTGRESQL else 0, 0x20))
XML_FEEDS = ["/feeds/notices.atom", "/feeds/notices.rss", "/feeds/cap.atom"]
OUTPUT_SETTINGS = settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Text a row could hold: any Unicode a database can store (no lone surrogates; no NUL on PostgreSQL).
stored_text = st.text(
    st.characters(codec="utf-8", exclude_characters="\x00" if ON_POSTGRESQL else ""), min_size=1, max_size=120)
# Text a client could send: anything JSON can carry, lone surrogates included.
any_text = st.text(st.characters(), max_size=80)


def valid_xml(client: FlaskClient, url: str) -> etree._Element:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])
    return etree.fromstring(response.data)  # raises on anything XML 1.0 can't carry


def check_every_output(client: FlaskClient, notice_id: int) -> None:
    for url in XML_FEEDS:
        valid_xml(client, url)
        assert feedparser.parse(io.BytesIO(client.get(url).data)).bozo == 0, url
    cap = valid_xml(client, f"/cap/{notice_id}.xml")
    schema = cap_schema()
    assert schema.validate(cap), schema.error_log
    for url in (f"/api/v1/notices/{notice_id}", "/api/v1/notices", f"/notices/{notice_id}", "/embed/banner",
                "/notices?postcode=DT4+7TA", "/"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])


def test_a_notice_holding_every_c0_control_character_still_gives_valid_atom_rss_and_cap(
        client: FlaskClient) -> None:
    # As a row saved before input refused them would be: written straight to the database.
    notice = factories.NoticeFactory(title=f"Bins{C0_CONTROLS}suspended", summary=f"Snow{C0_CONTROLS}.",
                                     advice=f"Keep{C0_CONTROLS}bins in.")
    notice.updates.append(NoticeUpdate(kind=UpdateKind.UPDATED, summary=f"Later{C0_CONTROLS}", advice=C0_CONTROLS))
    db.session.commit()
    check_every_output(client, notice.id)
    [entry] = feedparser.parse(io.BytesIO(client.get("/feeds/notices.atom").data)).entries
    assert entry.title.startswith("Bins") and entry.title.endswith("suspended")


@OUTPUT_SETTINGS
@given(title=stored_text, summary=stored_text, advice=stored_text, update=stored_text)
def test_any_text_a_row_can_hold_gives_valid_feeds_cap_json_and_pages(
        app: Flask, client: FlaskClient, title: str, summary: str, advice: str, update: str) -> None:
    notice = factories.NoticeFactory(title=title, summary=summary, advice=advice)
    notice.updates.append(NoticeUpdate(kind=UpdateKind.UPDATED, summary=update, created_at_utc=utc_now()))
    db.session.commit()
    rendered_cache(app).clear()
    try:
        check_every_output(client, notice.id)
    finally:
        db.session.delete(notice)
        db.session.commit()
        rendered_cache(app).clear()


def test_xml_safe_keeps_tab_newline_and_carriage_return_and_drops_the_rest() -> None:
    assert xml_safe("a\tb\nc\rd\x0be\x00f\ufffeg\uffff\ud800h") == "a\tb\nc\rdefgh"
    assert character_xml_cannot_carry("fine\ttext\n") is None
    assert character_xml_cannot_carry("pasted\x0bfrom Word") == "U+000B"


def test_the_notice_form_refuses_a_hidden_character_naming_the_field(client_request: PageClient) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.OFFICER))
    page = post_form(client_request, "/staff/notices/new",
                     {**NEW_NOTICE, "summary": "Snow\x0bfrom Word"}, expected_status=400)
    assert page.title.startswith("Error: ")
    assert page.error_summary() == [
        "What's happening must not contain hidden control characters (U+000B): retype it, or paste it as plain text"]
    assert db.session.query(Notice).count() == 0


@pytest.mark.parametrize("field", ["title", "summary", "advice"])
def test_the_officer_api_refuses_a_hidden_character_naming_the_field(client: FlaskClient, field: str) -> None:
    response = client.post("/api/v1/notices", json={**NOTICE, field: "Gritters\x0bout"}, headers=make_token())
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.json["errors"]) == [field]
    assert "U+000B" in response.json["errors"][field]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=any_text, summary=any_text)
def test_any_text_sent_to_the_officer_api_is_published_or_refused_never_a_500(
        client: FlaskClient, title: str, summary: str) -> None:
    response = client.post("/api/v1/notices", json={**NOTICE, "title": title, "summary": summary},
                           headers=make_token())
    assert response.status_code in (201, 422), response.get_data(as_text=True)[:500]
    if response.status_code == 422 and (character_xml_cannot_carry(title) or character_xml_cannot_carry(summary)):
        assert {"title", "summary"} & set(response.json["errors"])


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contact=any_text, postcode=any_text)
def test_any_text_sent_to_the_subscriptions_api_is_accepted_or_refused_never_a_500(
        client: FlaskClient, contact: str, postcode: str) -> None:
    response = client.post("/api/v1/subscriptions",
                           json={"channel": "email", "contact": contact, "postcode": postcode, "services": []})
    assert response.status_code in (202, 422, 429), response.get_data(as_text=True)[:500]


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contact=any_text, code=any_text)
def test_any_text_sent_to_confirm_a_subscription_is_answered_never_a_500(
        client: FlaskClient, contact: str, code: str) -> None:
    response = client.post("/api/v1/subscriptions/confirm", json={"contact": contact, "code": code})
    assert response.status_code in (200, 404, 409, 422, 429), response.get_data(as_text=True)[:500]
