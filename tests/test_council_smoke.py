"""The pages, sign-up, publishing, feeds and CAP carry the selected council's names and codes.

Every pass runs these with the default council; CI runs them again with another profile selected:

    COUNCIL=bcp make test PYTEST_ARGS="-m council_smoke"

Nothing here names a council: each check reads the selected profile, and with any council but Dorset selected
no answer may say "Dorset".
"""

from __future__ import annotations

import json

import pytest
from flask import Flask
from lxml import etree
from sqlalchemy import select

from alerts.extensions import db
from alerts.models import Message, Notice, Role
from config.council import Council
from tests.pages import PageClient
from tests.staff.conftest import post_form
from tests.staff.conftest import sign_in_as as sign_in_as  # a fixture, for tests outside tests/staff
from tests.subscribe.conftest import walk_journey

pytestmark = pytest.mark.council_smoke

CAP = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
ATOM = {"atom": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def council(app: Flask) -> Council:
    return app.config["COUNCIL_PROFILE"]


@pytest.fixture
def fast_sign_up(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "SIGNUP_MIN_FILL_SECONDS", 0)


def only_this_council(council: Council, *texts: str) -> None:
    if council.id != "dorset":
        for text in texts:
            assert "dorset" not in text.lower()


def test_the_start_page_is_the_councils(client_request: PageClient, council: Council) -> None:
    page = client_request.get("/")
    assert page.title.endswith(f" – {council.service_name} – {council.name}")
    assert council.name in page.text
    assert page.soup.select_one("#postcode-hint").get_text(strip=True) == f"For example, {council.example_postcode}"
    only_this_council(council, page.response.get_data(as_text=True))


def test_a_postcode_in_the_councils_area_finds_its_area(client_request: PageClient, council: Council) -> None:
    area = council.areas[0]
    postcode = f"{area.districts[0]} 1AA"
    page = client_request.get(f"/notices?postcode={postcode.replace(' ', '+')}")
    assert page.h1 == f"Disruption near {postcode}"
    assert area.name in page.text
    assert f"Disruption to {council.name} services near {postcode}" in page.soup.select_one(
        "meta[name=description]")["content"]
    only_this_council(council, page.response.get_data(as_text=True))


def test_a_notice_page_and_the_feeds_and_cap_carry_the_councils_names_and_codes(
        client_request: PageClient, client, council: Council, factories) -> None:
    area = council.areas[0]
    notice = factories.NoticeFactory(title="Bins not collected", area_ids=[area.id])

    page = client_request.get(f"/notices/{notice.id}")
    assert page.h1 == "Bins not collected"
    assert page.title == f"Bins not collected – {council.service_name} – {council.name}"
    assert area.name in page.text

    # A council in Wales answers feeds and the API in Welsh unless asked: these checks read the English.
    atom = client.get("/feeds/notices.atom?lang=en")
    feed = etree.fromstring(atom.data)
    assert feed.findtext("atom:title", namespaces=ATOM) == council.service_name
    assert council.name in atom.get_data(as_text=True)

    listed = client.get("/api/v1/notices?lang=en")
    assert [item["title"] for item in listed.json["notices"]] == ["Bins not collected"]
    assert [a["name"] for a in listed.json["notices"][0]["areas"]] == [area.name]

    cap = client.get(f"/cap/{notice.id}.xml")
    alert = etree.fromstring(cap.data)
    english = "cap:info[cap:language='en-GB']"
    assert alert.xpath(f"{english}/cap:senderName/text()", namespaces=CAP) == [council.name]
    assert alert.xpath(f"{english}/cap:area/cap:areaDesc/text()", namespaces=CAP) == [area.name]
    geocodes = [(g.findtext("cap:valueName", namespaces=CAP), g.findtext("cap:value", namespaces=CAP))
                for g in alert.xpath(f"{english}/cap:area/cap:geocode", namespaces=CAP)]
    assert geocodes == [("postcode-district", district) for district in sorted(area.districts)]

    whole = factories.NoticeFactory(title="Gritting everywhere", area_ids=["whole-county"],
                                    service_id="roads-and-gritting")
    whole_alert = etree.fromstring(client.get(f"/cap/{whole.id}.xml").data)
    codes = [g.findtext("cap:value", namespaces=CAP) for g in whole_alert.iterfind("cap:info/cap:area/cap:geocode",
                                                                                  CAP)]
    assert council.local_authority_code in codes

    openapi = client.get("/api/v1/openapi.json").json
    assert openapi["info"]["title"] == f"{council.short_name} service disruption alerts API"
    only_this_council(council, page.response.get_data(as_text=True), atom.get_data(as_text=True),
                      json.dumps(listed.json), cap.get_data(as_text=True), json.dumps(openapi))


def test_signing_up_by_email_is_confirmed_in_the_councils_name(
        client_request: PageClient, council: Council, fast_sign_up: None) -> None:
    walk_journey(client_request, channel="email", contact="resident@example.com",
                 postcodes=(council.example_postcode,))
    message = db.session.scalar(select(Message).where(Message.recipient == "resident@example.com"))
    assert message.subject == f"Confirm your email address for {council.name} alerts"
    assert f"Confirm that you want {council.name} to email you" in message.body
    only_this_council(council, message.subject, message.body)


def test_publishing_sends_alerts_in_the_councils_name(client_request: PageClient, sign_in_as, council: Council,
                                                      factories) -> None:
    area = council.areas[0]
    sign_in_as(Role.OFFICER, email=f"officer@{council.domain}")
    factories.SubscriberFactory(contact="resident@example.com", area_ids=[area.id])
    response = post_form(client_request, "/staff/notices/new", {
        "title": "Bins not collected", "service": "bins-and-recycling", "areas": [area.id], "impact": "severe",
        "starts_at": "", "expected_end_at": "", "summary": "Snow.", "advice": "Keep your bins inside.",
        "internal_notes": "", "notify": "y",
        # A council in Wales writes each text in Welsh too; a council in English ignores these.
        "title_cy": "Biniau heb eu casglu", "summary_cy": "Eira.", "advice_cy": "Cadwch eich biniau i mewn."})
    notice_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    preview = client_request.get(f"/staff/notices/{notice_id}")
    assert f"{council.name}: Bins not collected." in preview.soup.select_one("#sms-preview, #sms-preview-en").get_text()
    post_form(client_request, f"/staff/notices/{notice_id}/publish", {"when": "now"})

    db.session.expire_all()
    message = db.session.scalar(select(Message).where(Message.notice_id == notice_id))
    assert message.subject == f"Disruption: Bins and recycling in {area.name} — Bins not collected"
    assert f"{council.name} has reported disruption to Bins and recycling in {area.name}." in message.body
    assert db.session.get(Notice, notice_id).areas[0].name == area.name
    only_this_council(council, preview.response.get_data(as_text=True), message.subject, message.body)
