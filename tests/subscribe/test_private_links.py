"""Manage and unsubscribe links expire, serve one purpose, and stop working when the subscription ends."""

from __future__ import annotations

from freezegun import freeze_time

from alerts import links
from alerts.extensions import db
from alerts.models import Subscriber, SubscriberStatus

LINK_INVALID = "This link has expired or is not valid"


def fresh(subscriber_id: int) -> Subscriber:
    db.session.expire_all()
    return db.session.get(Subscriber, subscriber_id)


def path(purpose: str, subscriber: Subscriber) -> str:
    return f"/{purpose}/{links.make_token(purpose, subscriber.id, subscriber.token_version)}"


def test_a_manage_link_works_for_the_configured_days_then_expires(client_request, factories, app) -> None:
    subscriber = factories.SubscriberFactory()
    days = app.config["MANAGE_LINK_DAYS"]
    with freeze_time("2026-12-01 09:00:00"):
        manage = path("manage", subscriber)
    with freeze_time(f"2026-12-{1 + days:02d} 08:59:00"):
        assert client_request.get(manage).h1 == "Your alerts"
    with freeze_time(f"2026-12-{1 + days:02d} 09:01:00"):
        assert client_request.get(manage, expected_status=404).h1 == LINK_INVALID


def test_a_one_click_unsubscribe_link_works_for_the_configured_days_then_expires(client, factories, app) -> None:
    subscriber = factories.SubscriberFactory()
    days = app.config["UNSUBSCRIBE_LINK_DAYS"]
    assert days >= 30, "mail clients may send the one-click POST weeks after the message arrived"
    with freeze_time("2026-01-01 09:00:00"):
        unsubscribe = path("unsubscribe", subscriber)
    with freeze_time("2026-01-01 09:00:00") as clock:
        clock.tick(days * 86400 + 60)
        assert client.post(unsubscribe).status_code == 404
    assert fresh(subscriber.id).status == SubscriberStatus.CONFIRMED
    with freeze_time("2026-01-01 09:00:00") as clock:
        clock.tick(days * 86400 - 60)
        assert client.post(unsubscribe).status_code == 200
    assert fresh(subscriber.id).status == SubscriberStatus.UNSUBSCRIBED


def test_a_manage_link_cannot_unsubscribe_and_an_unsubscribe_link_cannot_manage(client, client_request,
                                                                              factories) -> None:
    subscriber = factories.SubscriberFactory()
    manage_token = links.make_token(links.MANAGE, subscriber.id, subscriber.token_version)
    unsubscribe_token = links.make_token(links.UNSUBSCRIBE, subscriber.id, subscriber.token_version)
    assert client.post(f"/unsubscribe/{manage_token}").status_code == 404
    assert client_request.get(f"/manage/{unsubscribe_token}", expected_status=404).h1 == LINK_INVALID
    assert client.post(f"/subscribe/confirm-email/{manage_token}").status_code in (400, 404)
    assert fresh(subscriber.id).status == SubscriberStatus.CONFIRMED


def test_links_stop_working_when_the_subscription_ends(client, client_request, factories) -> None:
    subscriber = factories.SubscriberFactory(contact="resident@example.com", area_ids=["weymouth"])
    manage, unsubscribe = path("manage", subscriber), path("unsubscribe", subscriber)
    assert client.post(unsubscribe).status_code == 200
    page = client_request.get(manage)
    assert page.h1 == "You’ve unsubscribed", "it says so, and shows nothing of the resident"
    assert "resident@example.com" not in page.text and "Weymouth" not in page.text
    assert client_request.get(f"{manage}/services").h1 == "You’ve unsubscribed", "and changes nothing"
    assert client.post(unsubscribe).status_code == 200, "a second one-click still answers: it changes nothing"


def test_old_links_cannot_touch_a_later_subscription_of_the_same_contact(client, client_request, factories) -> None:
    subscriber = factories.SubscriberFactory(contact="resident@example.com")
    manage, unsubscribe = path("manage", subscriber), path("unsubscribe", subscriber)
    client.post(unsubscribe)
    later = fresh(subscriber.id)
    later.status, later.unsubscribed_at_utc = SubscriberStatus.CONFIRMED, None  # signed up and confirmed again
    db.session.commit()
    assert client_request.get(manage, expected_status=404).h1 == LINK_INVALID
    assert client.post(unsubscribe).status_code == 404
    assert fresh(subscriber.id).status == SubscriberStatus.CONFIRMED
