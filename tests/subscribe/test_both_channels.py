"""Email and text in one sign-up journey, each confirmed on its own."""

from __future__ import annotations

import re

from sqlalchemy import select

from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, Subscriber, SubscriberStatus


def _status(channel: Channel) -> SubscriberStatus:
    db.session.expire_all()
    return db.session.scalar(select(Subscriber.status).where(Subscriber.channel == channel))


def test_both_channels_in_one_journey_each_confirmed_on_its_own(client_request) -> None:
    client_request.get("/subscribe")
    client_request.post_form("/subscribe", {"postcode": "DT4 7TA"}, 302)
    client_request.post_form("/subscribe/postcodes", {"add_another": "no"}, 302)
    services = [box["value"] for box in client_request.get("/subscribe/services").select(
        "input[name=services][checked]")]
    client_request.post_form("/subscribe/services", {"services": services}, 302)
    client_request.post_form("/subscribe/how", {"channel": "both"}, 302)
    assert client_request.get("/subscribe/contact").h1 == "What is your email address?"
    response = client_request.post_form("/subscribe/contact", {"contact": "both@example.com", "website": ""}, 302)
    assert response.response.headers["Location"].endswith("/subscribe/contact?second=1")
    assert client_request.get("/subscribe/contact?second=1").h1 == "What is your mobile phone number?"
    client_request.post_form("/subscribe/contact?second=1", {"contact": "07700 900 444", "website": ""}, 302)

    check = client_request.get("/subscribe/check")
    rows = {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)
            for row in check.select(".govuk-summary-list__row")}
    assert (rows["How"], rows["Email address"], rows["Mobile phone number"]) == (
        "Email and text message", "both@example.com", "07700 900 444")
    response = client_request.post_form("/subscribe/check", {}, 302)
    code_page = response.response.headers["Location"]

    confirmations = {m.channel: m for m in db.session.scalars(
        select(Message).where(Message.kind == MessageKind.CONFIRMATION))}
    assert set(confirmations) == {Channel.EMAIL, Channel.SMS}
    assert (_status(Channel.EMAIL), _status(Channel.SMS)) == (SubscriberStatus.PENDING, SubscriberStatus.PENDING)

    code = re.search(r"\b(\d{6})\b", confirmations[Channel.SMS].body).group(1)  # type: ignore[union-attr]
    client_request.post_form(code_page, {"code": code}, 302)
    assert (_status(Channel.EMAIL), _status(Channel.SMS)) == (SubscriberStatus.PENDING, SubscriberStatus.CONFIRMED)
    done = client_request.get("/subscribe/done")
    assert done.h1 == "You’ve signed up for alerts"
    assert "We’ll text you" in done.select(".govuk-panel")[0].text
    assert done.select("#still-waiting")[0].get_text(" ", strip=True) == (
        "We’ve emailed b***@example.com a link. Your email alerts start once you open it and confirm.")
    assert not done.select("#also-on")

    link = re.search(r"http://localhost(/\S+)", confirmations[Channel.EMAIL].body).group(1)  # type: ignore
    client_request.post_form(link, {}, 302)
    assert _status(Channel.EMAIL) == SubscriberStatus.CONFIRMED
    done = client_request.get("/subscribe/done")
    # Once the email is confirmed too, the page no longer says it waits: it says both get the alerts.
    assert "We’ll email you" in done.select(".govuk-panel")[0].text
    assert not done.select("#still-waiting")
    assert "You’ll also get alerts at +44 77** ***444" in done.select("#also-on")[0].text
    email, text = (db.session.scalar(select(Subscriber).where(Subscriber.channel == c))
                   for c in (Channel.EMAIL, Channel.SMS))
    assert email.resident_id == text.resident_id is not None  # type: ignore[union-attr]


def test_the_email_confirmed_first_says_the_text_code_still_waits(client_request, notify) -> None:
    _sign_up_both(client_request)
    email_body = next(body for body in notify.emails())
    link = re.search(r"http://localhost(/\S+)", email_body["personalisation"]["body"]).group(1)  # type: ignore
    client_request.post_form(link, {}, 302)
    done = client_request.get("/subscribe/done")
    waiting = done.select("#still-waiting")[0]
    assert waiting.get_text(" ", strip=True) == (
        "We’ve texted a code to +44 77** ***444. Your text alerts start once you enter the code .")
    assert waiting.select_one("a")["href"] == "/subscribe/confirm"
    client_request.post_form("/subscribe/confirm", {"code": notify.last_code()}, 302)
    assert _status(Channel.SMS) == SubscriberStatus.CONFIRMED
    done = client_request.get("/subscribe/done")
    assert "You’ll also get alerts at b***@example.com" in done.select("#also-on")[0].text
    assert not done.select("#still-waiting")


def _sign_up_both(client_request) -> None:
    client_request.get("/subscribe")
    client_request.post_form("/subscribe", {"postcode": "DT4 7TA"}, 302)
    client_request.post_form("/subscribe/postcodes", {"add_another": "no"}, 302)
    services = [box["value"] for box in client_request.get("/subscribe/services").select(
        "input[name=services][checked]")]
    client_request.post_form("/subscribe/services", {"services": services}, 302)
    client_request.post_form("/subscribe/how", {"channel": "both"}, 302)
    client_request.post_form("/subscribe/contact", {"contact": "both@example.com", "website": ""}, 302)
    client_request.post_form("/subscribe/contact?second=1", {"contact": "07700 900 444", "website": ""}, 302)
    client_request.post_form("/subscribe/check", {}, 302)
