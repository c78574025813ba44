"""Staff see what they need to help a resident and nothing that would let them act as one: codes masked, no manage
or unsubscribe links, subscribers by opaque ids, contacts never in a URL, personal pages never cached."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from alerts.extensions import db
from alerts.links import manage_url, unsubscribe_url
from alerts.models import AuditEvent, Channel, Message, MessageKind, MessageStatus, Notice, Role, Subscriber
from alerts.notify.rendering import MessageFrom, render_confirmation_sms, render_manage_link_sms
from tests.pages import PageClient
from tests.staff.conftest import csrf_token

MESSAGE_FROM = MessageFrom(council="Dorset Council", place="Dorset")

LIVE_CODE = "482913"
SECURITY_CODE = "570264"
# The single sign-on callback is a step of signing in (404 while it is off): it shows no resident data.
OPEN_ENDPOINTS = {"staff.sign_in", "staff.sign_out", "staff.sso_callback"}


@dataclass
class Seeded:
    notice: Notice
    emailer: Subscriber
    texter: Subscriber
    secrets: list[str]


@pytest.fixture
def seeded(factories) -> Seeded:
    """A live notice, a resident emailed an alert with their manage and unsubscribe links, and a resident texted a
    live confirmation code and a security code."""
    notice = factories.NoticeFactory(title="Weymouth bins", area_ids=["weymouth"])
    emailer = factories.SubscriberFactory(contact="neighbour@example.com")
    texter = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900982", pending=True)
    manage, unsubscribe = manage_url(emailer.id, 1), unsubscribe_url(emailer.id, 1)
    db.session.add_all([
        Message(kind=MessageKind.ALERT, channel=Channel.EMAIL, subscriber_id=emailer.id, notice_id=notice.id,
                recipient=emailer.contact, subject="Disruption: Weymouth bins", status=MessageStatus.DELIVERED,
                body=f"Bins are not collected.\n\nChange or stop these alerts: {manage}\n\nUnsubscribe: {unsubscribe}",
                one_click_unsubscribe_url=unsubscribe),
        Message(kind=MessageKind.CONFIRMATION, channel=Channel.SMS, subscriber_id=texter.id, recipient=texter.contact,
                body=render_confirmation_sms(LIVE_CODE, MESSAGE_FROM), status=MessageStatus.NOT_SENT),
        Message(kind=MessageKind.MANAGE_LINK, channel=Channel.SMS, subscriber_id=texter.id, recipient=texter.contact,
                body=render_manage_link_sms(SECURITY_CODE, MESSAGE_FROM), status=MessageStatus.NOT_SENT),
    ])
    db.session.commit()
    return Seeded(notice, emailer, texter, [LIVE_CODE, SECURITY_CODE, manage, unsubscribe,
                                            manage.rsplit("/", 1)[1], unsubscribe.rsplit("/", 1)[1]])


def _fill(rule_text: str, values: dict[str, str]) -> tuple[str, bool]:
    """The rule with its parts filled from `values`; True when some part had to be guessed (as 1)."""
    guessed = [name for name in re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule_text) if name not in values]
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda match: values.get(match.group(1), "1"), rule_text), bool(guessed)


def _staff_pages(app: Flask, values: dict[str, str]) -> list[tuple[str, bool]]:
    return sorted({_fill(rule.rule, values) for rule in app.url_map.iter_rules()
                   if rule.rule.startswith("/staff/") and "GET" in rule.methods
                   and rule.endpoint not in OPEN_ENDPOINTS})


def _assert_no_secrets(body: str, seeded: Seeded, where: str) -> None:
    for secret in seeded.secrets:
        assert secret not in body, f"{where} shows {secret}"
    assert "/manage/" not in body and "/s/" not in body, where


def _find_caller(client_request: PageClient, contact: str, expected_status: int = 200):
    token = csrf_token(client_request, "/staff/lookup")
    return client_request.post("/staff/lookup", {"contact": contact, "csrf_token": token}, expected_status)


def test_no_staff_page_shows_a_residents_live_code_or_a_link_that_acts_as_them(
        app, client_request, sign_in_as, seeded) -> None:
    admin = sign_in_as(Role.ADMIN)
    rendered = 0
    for subscriber in (seeded.emailer, seeded.texter):
        values = {"notice_id": str(seeded.notice.id), "subscriber_id": subscriber.public_id,
                  "public_id": subscriber.public_id, "user_id": str(admin.id)}
        for url, guessed in _staff_pages(app, values):
            response = client_request.client.get(url, follow_redirects=True)  # editing a live notice: its page
            if response.status_code == 404 and guessed:
                continue  # a page about a thing this test didn't seed (a feed source, a token)
            assert response.status_code == 200, url
            _assert_no_secrets(response.get_data(as_text=True), seeded, url)
            rendered += 1
        _assert_no_secrets(_find_caller(client_request, subscriber.contact).response.get_data(as_text=True),
                           seeded, "the lookup result")
    assert rendered > 20
    outbox = client_request.get("/staff/outbox")
    assert "confirmation code is •••• 13" in outbox.text and "security code is •••• 64" in outbox.text
    assert outbox.text.count("[personal link removed]") == 2
    texter_page = client_request.get(f"/staff/lookup/subscribers/{seeded.texter.public_id}")
    assert "•••• 13" in texter_page.text


def test_subscribers_are_addressed_by_opaque_ids_never_their_sequential_ones(
        app, client_request, sign_in_as, seeded) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    page = _find_caller(client_request, "neighbour@example.com")
    href = page.soup.select_one("#subscriber-result a")["href"]
    assert href == f"/staff/lookup/subscribers/{seeded.emailer.public_id}"
    assert len(seeded.emailer.public_id) >= 16 and seeded.emailer.public_id != seeded.texter.public_id
    client_request.get(f"/staff/lookup/subscribers/{seeded.emailer.id}", expected_status=404)
    subscriber_page = client_request.get(href)
    links = [tag.get("href") or tag.get("action") for tag in subscriber_page.select("a[href], form[action]")]
    assert not [link for link in links if re.search(r"/subscribers/\d+(/|$)", link)]
    for rule in app.url_map.iter_rules():
        assert not ("subscriber" in rule.rule and "<int:" in rule.rule), rule.rule


def test_finding_a_caller_is_a_post_so_their_contact_never_reaches_a_url(client_request, sign_in_as, seeded) -> None:
    agent = sign_in_as(Role.CONTACT_CENTRE)
    form = client_request.get("/staff/lookup").soup.select_one("form:has(#contact)")
    assert form["method"] == "post" and "?" not in form["action"]

    for typed in ("07700 900 982", "+44 7700 900982"):
        page = _find_caller(client_request, typed)
        assert page.response.status_code == 200  # the answer itself, not a redirect to a URL holding the contact
        assert page.soup.select_one("#contact")["value"] == typed
        assert page.soup.select_one("#subscriber-result a")["href"].endswith(seeded.texter.public_id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subscriber.searched"))
    assert (event.staff_user_id, event.target_id) == (agent.id, str(seeded.texter.id))

    ignored = client_request.get("/staff/lookup?contact=07700+900+982")
    assert not ignored.select("#subscriber-result") and ignored.soup.select_one("#contact")["value"] == ""
    assert client_request.client.post("/staff/lookup", data={"contact": "07700 900 982"}).status_code == 400
    assert _find_caller(client_request, "not a number", 400).error_summary() == [
        "Enter a UK mobile number, like 07700 900 982"]


def test_pages_with_personal_data_are_never_stored(client_request, sign_in_as, seeded) -> None:
    sign_in_as(Role.CONTACT_CENTRE)
    base = f"/staff/lookup/subscribers/{seeded.emailer.public_id}"
    responses = [client_request.client.get(url) for url in
                 ("/staff/lookup", base, f"{base}/unsubscribe", f"{base}/export", f"{base}/erase")]
    responses.append(_find_caller(client_request, "neighbour@example.com").response)
    token = csrf_token(client_request, f"{base}/export")
    responses.append(client_request.client.post(f"{base}/export", data={
        "csrf_token": token, "reason": "Subject access request SAR-1", "format": "json"}))
    for response in responses:
        assert response.status_code == 200, response.request.path
        assert "no-store" in response.headers["Cache-Control"], response.request.path
