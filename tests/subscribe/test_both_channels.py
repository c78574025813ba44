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
    assert "We’ve also emailed" in done.select("#also-email")[0].text

    link = re.search(r"http://localhost(/\S+)", confirmations[Channel.EMAIL].body).group(1)  # type: ignore
    client_request.post_form(link, {}, 302)
    assert _status(Channel.EMAIL) == SubscriberStatus.CONFIRMED
