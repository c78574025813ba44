"""A council in Wales, in a real browser: a resident signs up in Welsh and gets Welsh texts, and an officer
publishes a notice in Welsh and English whose CAP alert carries both.

Every page is audited with axe-core in three modes (mouse, JavaScript off, keyboard only); every Welsh page says
lang="cy". Codes and messages are read from the local outbox, as the resident reads their phone.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from lxml import etree

from alerts.data import subscribers as subscriber_data
from alerts.extensions import db
from alerts.models import Channel, MessageKind, Role, SubscriberStatus
from tests.e2e import outbox
from tests.e2e.browser import Journey
from tests.e2e.staff import OFFICER, latest_notice, sign_in
from tests.xml_schemas import cap_schema

pytestmark = pytest.mark.e2e

MOBILE = "07700 900 321"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


def _in_welsh(journey: Journey) -> None:
    assert journey.page.locator("html").get_attribute("lang") == "cy", journey.path


@pytest.mark.usefixtures("quick_sign_up")
def test_a_resident_signs_up_in_welsh_and_gets_welsh_texts(journey: Journey, app: Flask, factories: Any) -> None:
    journey.visit("/")
    journey.follow_link("Cymraeg", within="header")
    assert journey.path == "/cy/"
    _in_welsh(journey)

    journey.visit("/cy/subscribe")
    _in_welsh(journey)
    assert journey.heading() == "Beth yw eich cod post?"
    journey.press_button("Parhau")
    assert journey.title().startswith("Gwall: ")
    assert "Mae problem" in journey.page.locator(".govuk-error-summary").inner_text()
    journey.fill("Beth yw eich cod post?", "SY23 3UE")
    journey.press_button("Parhau")
    assert journey.heading() == "Rydych wedi ychwanegu 1 cod post"
    journey.choose("Nac ydw")
    journey.press_button("Parhau")
    _in_welsh(journey)
    journey.press_button("Parhau")  # every service, as chosen for them
    journey.choose("Drwy neges destun")
    journey.press_button("Parhau")
    journey.fill("Beth yw eich rhif ffôn symudol?", MOBILE)
    journey.press_button("Parhau")

    assert journey.heading() == "Ym mha iaith ydych chi eisiau eich rhybuddion?"
    assert journey.page.get_by_label("Cymraeg", exact=True).is_checked(), "the page's language to start with"
    journey.press_button("Parhau")
    assert journey.heading() == "Gwiriwch eich atebion cyn cofrestru"
    journey.screenshot("welsh-subscribe-check-answers")
    journey.press_button("Derbyn ac anfon")

    assert journey.path == "/cy/subscribe/confirm"
    assert journey.heading() == "Gwiriwch eich ffôn"
    confirmation = outbox.latest(MOBILE, MessageKind.CONFIRMATION)
    assert "Cyngor Sir Ceredigion" in confirmation.body, "the code comes in Welsh"
    journey.fill("Rhowch y cod", outbox.code_in(confirmation))
    journey.press_button("Parhau")
    assert journey.path == "/cy/subscribe/done"
    _in_welsh(journey)
    db.session.rollback()
    subscriber = subscriber_data.find_subscriber(Channel.SMS, "+447700900321")
    assert subscriber is not None and subscriber.status == SubscriberStatus.CONFIRMED
    assert subscriber.language == "cy"

    factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    sign_in(journey, OFFICER)
    _write_bilingual_notice(journey)
    journey.press_button("Publish")
    alert = outbox.latest(MOBILE, MessageKind.ALERT)
    assert "Ffyrdd ar gau yn Aberystwyth" in alert.body and "/cy/s/" in alert.body, alert.body
    assert "Roads closed" not in alert.body


def _write_bilingual_notice(journey: Journey) -> None:
    journey.follow_link("Publish a new notice")
    journey.fill("Title in Welsh", "Ffyrdd ar gau yn Aberystwyth")
    journey.fill("Title in English", "Roads closed in Aberystwyth")
    journey.select("Service", "Roads and gritting")
    journey.set_checked("Aberystwyth")
    journey.choose("Severe: suspended or closed")
    journey.fill("What's happening in Welsh", "Mae llifogydd wedi cau sawl ffordd yn y dref.")
    journey.fill("What's happening in English", "Flooding has closed several roads in the town.")
    journey.fill("What residents should do in Welsh", "Peidiwch â gyrru drwy ddŵr llifogydd.")
    journey.fill("What residents should do in English", "Do not drive through flood water.")
    journey.press_button("Save and check")
    assert journey.heading() == "Roads closed in Aberystwyth"


def test_an_officer_publishes_a_notice_in_welsh_and_english_and_its_cap_alert_has_both(
        journey: Journey, factories: Any) -> None:
    factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    factories.SubscriberFactory(area_ids=["aberystwyth"], contact="cymraeg@example.com", language="cy")
    factories.SubscriberFactory(area_ids=["aberystwyth"], contact="english@example.com", language="en")
    sign_in(journey, OFFICER)
    _write_bilingual_notice(journey)
    check = journey.text()
    assert "Ffyrdd ar gau yn Aberystwyth" in check and "Mae llifogydd wedi cau sawl ffordd" in check, \
        "the check page previews the Welsh"
    journey.screenshot("welsh-officer-check-page")
    journey.press_button("Publish")
    assert "Notice published" in journey.text()
    assert "Ffyrdd ar gau" in outbox.latest("cymraeg@example.com", MessageKind.ALERT).subject
    assert "Roads closed" in outbox.latest("english@example.com", MessageKind.ALERT).subject

    notice = latest_notice()
    journey.visit(f"/cy/notices/{notice.id}")
    _in_welsh(journey)
    assert journey.heading() == "Ffyrdd ar gau yn Aberystwyth"
    assert "Peidiwch â gyrru drwy ddŵr llifogydd." in journey.text()
    journey.follow_link("English", within="header")
    assert journey.heading() == "Roads closed in Aberystwyth"

    answer = journey.page.request.get(f"{journey.base_url}/cap/{notice.id}.xml")
    assert answer.status == 200
    alert = etree.fromstring(answer.body())
    cap_schema().assertValid(alert)
    infos = alert.findall(f"{CAP}info")
    assert [info.findtext(f"{CAP}language") for info in infos] == ["cy", "en-GB"]
    assert [info.findtext(f"{CAP}headline") for info in infos] == [
        "Ffyrdd ar gau yn Aberystwyth", "Roads closed in Aberystwyth"]
