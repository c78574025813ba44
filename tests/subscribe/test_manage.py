from alerts import links
from alerts.data import subscribers as subscriber_data
from alerts.extensions import db
from alerts.models import Channel, InsightCount, Message, MessageKind, MessageStatus, Subscriber, SubscriberStatus
from tests.subscribe.conftest import EMAIL_URL


def fresh(subscriber_id: int) -> Subscriber:
    db.session.expire_all()
    return db.session.get(Subscriber, subscriber_id)


def manage_path(subscriber: Subscriber) -> str:
    return links.manage_url(subscriber.id, subscriber.token_version).removeprefix("http://localhost")


def same_manage_link(path: str, expected: str) -> bool:
    """Links carry the time they were issued: the same subscriber and version is the same link."""
    def read(p: str) -> links.SubscriberToken:
        return links.read_token(links.MANAGE, p.removeprefix("/manage/"))
    return read(path) == read(expected)


def unsubscribe_path(subscriber: Subscriber) -> str:
    return links.unsubscribe_url(subscriber.id, subscriber.token_version).removeprefix("http://localhost")


def test_the_manage_page_shows_the_areas_services_and_contact(client_request, factories) -> None:
    subscriber = factories.SubscriberFactory(contact="resident@example.com", area_ids=["weymouth", "bridport"])
    page = client_request.get(manage_path(subscriber))
    assert page.h1 == "Your alerts"
    assert "Weymouth" in page.text and "Bridport" in page.text and "All services" in page.text
    assert "Email to resident@example.com" in page.text


def test_a_tampered_manage_link_is_refused(client_request, factories) -> None:
    subscriber = factories.SubscriberFactory()
    page = client_request.get(manage_path(subscriber)[:-3] + "abc", expected_status=404)
    assert page.h1 == "This link has expired or is not valid"


def test_the_manage_page_changes_services_and_areas(client_request, factories) -> None:
    subscriber = factories.SubscriberFactory(area_ids=["weymouth"])
    path = manage_path(subscriber)
    client_request.post_form(f"{path}/services", {"services": ["libraries", "schools"]}, 302)
    client_request.post_form(f"{path}/postcodes", {"postcode": "DT6 3AA"}, 302)
    client_request.post_form(f"{path}/postcodes/weymouth/remove", {}, 302, token_from=f"{path}/postcodes")
    found = fresh(subscriber.id)
    assert sorted(s.id for s in found.services) == ["libraries", "schools"] and not found.all_services
    assert [(s.area_id, s.postcode) for s in found.subscriptions] == [("bridport", "DT6 3AA")]


def test_the_last_area_cannot_be_removed(client_request, factories) -> None:
    subscriber = factories.SubscriberFactory(area_ids=["weymouth"])
    path = manage_path(subscriber)
    page = client_request.post_form(f"{path}/postcodes/weymouth/remove", {}, 400, token_from=f"{path}/postcodes")
    assert page.error_summary() == ["You need at least one area. To stop all alerts, unsubscribe instead"]


def test_changing_channel_moves_the_alerts_only_once_the_new_number_is_confirmed(client_request, factories,
                                                                                notify) -> None:
    old = factories.SubscriberFactory(contact="resident@example.com", area_ids=["weymouth", "bridport"])
    path, old_id = manage_path(old), old.id
    client_request.post_form(f"{path}/channel", {"channel": "sms"}, 302)
    client_request.post_form(f"{path}/contact?channel=sms", {"contact": "07700 900123", "website": ""}, 302)
    assert len(notify.texts()) == 1 and notify.texts()[0]["phone_number"] == "+447700900123"
    assert fresh(old_id).status == SubscriberStatus.CONFIRMED, "the old address keeps its alerts until then"
    client_request.post_form("/subscribe/confirm", {"code": notify.last_code()}, 302)
    new = subscriber_data.find_subscriber(Channel.SMS, "+447700900123")
    assert new.status == SubscriberStatus.CONFIRMED
    assert sorted(s.area_id for s in new.subscriptions) == ["bridport", "weymouth"] and new.all_services
    assert fresh(old_id).status == SubscriberStatus.UNSUBSCRIBED


def test_changing_to_a_number_another_subscriber_has_confirmed_merges_into_it_once_confirmed(
        client_request, factories, notify) -> None:
    old = factories.SubscriberFactory(contact="resident@example.com", area_ids=["weymouth", "bridport"],
                                      all_services=False)
    subscriber_data.set_services(old, ["schools"])
    existing = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900123", area_ids=["dorchester"],
                                           all_services=False)
    subscriber_data.set_services(existing, ["libraries"])
    queued = Message(kind=MessageKind.ALERT, channel=Channel.EMAIL, subscriber_id=old.id,
                     recipient="resident@example.com", subject="Disruption: schools", body="...")
    db.session.add(queued)
    db.session.commit()
    path, old_id, existing_id, queued_id = manage_path(old), old.id, existing.id, queued.id

    client_request.post_form(f"{path}/channel", {"channel": "sms"}, 302)
    client_request.post_form(f"{path}/contact?channel=sms", {"contact": "07700 900123", "website": ""}, 302)
    assert [t["phone_number"] for t in notify.texts()] == ["+447700900123"], "only the confirmation code"
    waiting = fresh(existing_id)
    assert waiting.status == SubscriberStatus.CONFIRMED and [s.area_id for s in waiting.subscriptions] == [
        "dorchester"], "nothing changes for the number before it confirms"
    assert fresh(old_id).status == SubscriberStatus.CONFIRMED

    client_request.post_form("/subscribe/confirm", {"code": notify.last_code()}, 302)
    merged = fresh(existing_id)
    assert subscriber_data.find_subscriber(Channel.SMS, "+447700900123").id == existing_id, "no second subscriber"
    assert merged.status == SubscriberStatus.CONFIRMED and merged.pending_request is None
    assert sorted(s.area_id for s in merged.subscriptions) == ["bridport", "dorchester", "weymouth"]
    assert not merged.all_services and sorted(s.id for s in merged.services) == ["libraries", "schools"]
    gone = fresh(old_id)
    assert (gone.status, gone.unsubscribe_reason) == (SubscriberStatus.UNSUBSCRIBED, "Changed to text message")
    assert client_request.get(path).h1 == "You’ve unsubscribed", "the old manage link no longer manages anything"
    held = db.session.get(Message, queued_id)
    assert (held.status, held.last_error) == (MessageStatus.FAILED, "Unsubscribed before sending")
    assert db.session.query(Subscriber).count() == 2
    unsubscribes = {row.key: row.count for row in db.session.query(InsightCount).filter_by(metric="unsubscribed")}
    assert unsubscribes == {"changed_channel": 1}, "a change of channel is not counted as stopping by the link"


def test_changing_to_an_email_address_another_subscriber_has_confirmed_merges_into_it_once_confirmed(
        client_request, factories, notify) -> None:
    old = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900982", area_ids=["portland"])
    existing = factories.SubscriberFactory(contact="family@example.com", area_ids=["weymouth"])
    path, old_id, existing_id = manage_path(old), old.id, existing.id
    client_request.post_form(f"{path}/channel", {"channel": "email"}, 302)
    client_request.post_form(f"{path}/contact?channel=email", {"contact": "Family@Example.com", "website": ""}, 302)
    assert [e["email_address"] for e in notify.emails()] == ["family@example.com"]
    client_request.post_form(notify.last_link(), {}, 302)
    merged = fresh(existing_id)
    assert merged.status == SubscriberStatus.CONFIRMED and merged.all_services
    assert sorted(s.area_id for s in merged.subscriptions) == ["portland", "weymouth"]
    assert fresh(old_id).status == SubscriberStatus.UNSUBSCRIBED


def test_get_on_the_unsubscribe_link_only_asks(client_request, factories) -> None:
    subscriber = factories.SubscriberFactory()
    page = client_request.get(unsubscribe_path(subscriber))
    assert page.h1 == "Are you sure you want to stop your alerts?"
    assert fresh(subscriber.id).status == SubscriberStatus.CONFIRMED


def test_one_click_unsubscribe_needs_no_csrf_token_and_is_idempotent(client, factories) -> None:
    subscriber = factories.SubscriberFactory()
    path = unsubscribe_path(subscriber)
    response = client.post(path, data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert fresh(subscriber.id).status == SubscriberStatus.UNSUBSCRIBED
    assert client.post(path).status_code == 200, "an empty body, again: still 200"
    assert fresh(subscriber.id).status == SubscriberStatus.UNSUBSCRIBED


def test_one_click_unsubscribe_still_answers_200_once_the_contact_is_erased(client, factories) -> None:
    subscriber = factories.SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED, contact=None)
    assert client.post(unsubscribe_path(subscriber)).status_code == 200


def test_unsubscribing_holds_back_alerts_still_queued_for_the_resident(client, factories) -> None:
    subscriber = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900982")
    queued = Message(kind=MessageKind.ALERT, channel=Channel.SMS, subscriber_id=subscriber.id,
                     recipient="+447700900982", body="Held for quiet hours until 7am")
    db.session.add(queued)
    db.session.commit()
    assert client.post(unsubscribe_path(subscriber), data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded").status_code == 200
    db.session.expire_all()
    assert db.session.get(Message, queued.id).status == MessageStatus.FAILED


def test_the_unsubscribe_button_on_the_page_stops_the_alerts(client_request, factories) -> None:
    subscriber = factories.SubscriberFactory()
    page = client_request.post(unsubscribe_path(subscriber))
    assert page.h1 == "You’ve unsubscribed"
    assert fresh(subscriber.id).unsubscribe_reason == "Unsubscribed by the resident"


def test_manage_my_alerts_emails_a_fresh_link_to_a_confirmed_address(client_request, factories, notify) -> None:
    expected = manage_path(factories.SubscriberFactory(contact="resident@example.com"))
    client_request.post_form("/manage", {"contact": "Resident@example.com", "website": ""}, 302)
    [(url, body)] = notify.requests
    assert url == EMAIL_URL and body["email_address"] == "resident@example.com"
    assert body["personalisation"]["subject"] == "Manage your Dorset Council alerts"
    assert client_request.get(notify.last_link()).h1 == "Your alerts"
    assert same_manage_link(notify.last_link(), expected)


def test_manage_my_alerts_sends_nothing_to_an_unknown_or_unconfirmed_contact(client_request, factories,
                                                                            notify) -> None:
    factories.SubscriberFactory(contact="pending@example.com", status=SubscriberStatus.PENDING)
    page = client_request.post_form("/manage", {"contact": "pending@example.com", "website": ""}, 302)
    client_request.post_form("/manage", {"contact": "nobody@example.com", "website": ""}, 302)
    assert notify.requests == []
    assert page.response.location == "/manage/check-email"


def test_manage_my_alerts_texts_a_code_that_opens_the_manage_page(client_request, factories, notify) -> None:
    expected = manage_path(factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900982"))
    client_request.post_form("/manage", {"contact": "07700 900982", "website": ""}, 302)
    assert len(notify.texts()) == 1 and "security code" in notify.texts()[0]["personalisation"]["body"]
    page = client_request.post_form("/manage/code", {"code": notify.last_code()}, 302)
    assert same_manage_link(page.response.location, expected)
