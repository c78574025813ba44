"""The short personal link in texts, /s/<code>."""

from __future__ import annotations

from alerts import links
from alerts.extensions import db
from alerts.models import Channel, SubscriberStatus


def test_a_short_link_leads_to_a_fresh_manage_link_for_its_subscriber(client, client_request, factories) -> None:
    subscriber = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001")
    code = links.short_code(subscriber.id, subscriber.token_version)

    response = client.get(f"/s/{code}")

    assert response.status_code == 303
    assert response.headers["Cache-Control"] == "no-store"
    token = response.headers["Location"].rsplit("/manage/", 1)[1]
    assert links.read_token(links.MANAGE, token).subscriber_id == subscriber.id
    assert client_request.get(response.headers["Location"]).h1 == "Your alerts"


def test_a_short_link_is_short_enough_for_a_one_fragment_text(factories) -> None:
    subscriber = factories.SubscriberFactory()
    assert len(links.short_code(subscriber.id, subscriber.token_version)) == 14
    assert links.short_url(4_000_000_000, 70000).startswith("http://localhost/s/")


def test_a_short_link_ends_with_the_subscription(client, factories) -> None:
    subscriber = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001")
    code = links.short_code(subscriber.id, subscriber.token_version)
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    db.session.commit()

    response = client.get(f"/s/{code}")

    assert response.status_code == 200 and "/manage/" not in response.get_data(as_text=True)
    subscriber.token_version += 1  # erasure and a resident's own request revoke every link
    subscriber.status = SubscriberStatus.CONFIRMED
    db.session.commit()
    assert client.get(f"/s/{code}").status_code == 404


def test_a_guessed_or_mangled_short_link_finds_nobody(client, factories) -> None:
    subscriber = factories.SubscriberFactory()
    code = links.short_code(subscriber.id, subscriber.token_version)
    other = links.short_code(subscriber.id + 1, subscriber.token_version)

    for guess in (code[:-1] + ("A" if code[-1] != "A" else "B"), other, "short", code + "AA", "!!!!"):
        assert client.get(f"/s/{guess}").status_code == 404


def test_short_links_are_rate_limited_per_address(client, factories, app) -> None:
    app.config["SHORT_LINK_LIMITS_PER_IP"] = "3 per minute"
    try:
        statuses = [client.get("/s/AAAAAQABAgMEBQ").status_code for _ in range(4)]
    finally:
        app.config["SHORT_LINK_LIMITS_PER_IP"] = "30 per minute;300 per day"
    assert statuses == [404, 404, 404, 429]
