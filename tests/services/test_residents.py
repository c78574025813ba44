"""A resident: one person with several confirmed contacts that share places, services and the digest choice.

Contacts join only once confirmed, every change reaches all of them in one commit, and stopping acts per contact."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from alerts.data import residents
from alerts.data.subscribers import AreaChoice
from alerts.extensions import db
from alerts.models import Channel, Resident, Subscriber, SubscriberStatus
from alerts.services import signups, subscriptions
from alerts.services.signups import SignUp

AREAS = ["weymouth", "portland", "dorchester", "sherborne"]
SERVICES = ["adult-social-care", "bins-and-recycling"]


def _both(email: str = "one@example.com", mobile: str = "+447700900111", *,
          areas: list[str] | None = None) -> tuple[Subscriber, Subscriber]:
    choice = [AreaChoice(area, None) for area in areas or ["weymouth"]]
    email_sign_up = SignUp(channel=Channel.EMAIL, contact=email, areas=choice, service_ids=None, source="web",
                           digest=True)
    text_sign_up = SignUp(channel=Channel.SMS, contact=mobile, areas=choice, service_ids=None, source="web")
    recorded = signups.record_sign_ups([email_sign_up, text_sign_up])
    db.session.commit()
    return recorded[0], recorded[1]


def _confirm(subscriber: Subscriber) -> None:
    signups.apply_confirmation(subscriber)
    db.session.commit()


def _shape(subscriber: Subscriber) -> tuple[set[str], bool, set[str]]:
    db.session.refresh(subscriber)
    return ({s.area_id for s in subscriber.subscriptions}, subscriber.all_services,
            {s.id for s in subscriber.services})


def test_contacts_given_together_are_linked_only_as_each_is_confirmed() -> None:
    email, text = _both()
    assert (email.resident_id, text.resident_id) == (None, None)  # nothing linked before anything is confirmed
    _confirm(text)
    assert residents.other_contacts(text) == []  # the email still waits: not one of this person's contacts yet
    _confirm(email)
    assert email.resident_id == text.resident_id is not None
    assert residents.other_contacts(text) == [email]
    assert email.digest is True and text.digest is False  # the daily email is an email choice


def test_a_contact_already_confirmed_elsewhere_is_not_linked_by_someone_elses_sign_up(factories) -> None:
    victim = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900999", area_ids=["sherborne"])
    mine, _theirs = _both("attacker@example.com", "+447700900999")
    _confirm(mine)
    db.session.refresh(victim)
    assert victim.resident_id is None and victim.status == SubscriberStatus.CONFIRMED
    assert residents.other_contacts(mine) == []
    assert {s.area_id for s in victim.subscriptions} == {"sherborne"}


def test_existing_separate_subscribers_stay_apart(factories) -> None:
    first = factories.SubscriberFactory(channel=Channel.EMAIL, contact="same@example.com")
    second = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900222", area_ids=["dorchester"])
    subscriptions.add_area(first, AreaChoice("portland", "DT5 1AA"))
    assert {s.area_id for s in second.subscriptions} == {"dorchester"}
    assert first.resident_id is None and second.resident_id is None


def test_a_contact_joining_takes_on_what_the_person_has_and_brings_what_it_asked_for() -> None:
    email, text = _both(areas=["weymouth"])
    _confirm(email)
    subscriptions.add_area(email, AreaChoice("portland", "DT5 1AA"))  # changed before the text was confirmed
    subscriptions.choose_services(email, ["bins-and-recycling"])
    _confirm(text)
    assert _shape(text) == _shape(email) == ({"weymouth", "portland"}, False, {"bins-and-recycling"})


@pytest.mark.parametrize("seed", range(5))
def test_the_contacts_of_a_resident_never_diverge(seed: int) -> None:
    """Any series of changes, from either contact, leaves both following the same places and services."""
    rng = random.Random(seed)
    email, text = _both(areas=["weymouth"])
    _confirm(text)
    _confirm(email)
    for _step in range(25):
        acting = rng.choice([email, text])
        db.session.refresh(acting)
        move = rng.choice(["add", "remove", "services", "digest"])
        if move == "add":
            area = rng.choice(AREAS)
            subscriptions.add_area(acting, AreaChoice(area, None))
        elif move == "remove":
            try:
                subscriptions.remove_area(acting, rng.choice(AREAS))
            except subscriptions.LastArea:
                pass
        elif move == "services":
            subscriptions.choose_services(acting, rng.choice([None, SERVICES[:1], SERVICES]))
        else:
            subscriptions.choose_digest(acting, rng.choice([True, False]))
        assert _shape(email) == _shape(text)
        assert text.digest is False


def test_stopping_one_contact_leaves_the_other_and_says_so() -> None:
    email, text = _both()
    _confirm(email)
    _confirm(text)
    remaining = subscriptions.unsubscribe_by_link(text)
    assert remaining == [email]
    assert text.status == SubscriberStatus.UNSUBSCRIBED and email.status == SubscriberStatus.CONFIRMED
    assert residents.other_contacts(email) == []
    subscriptions.add_area(email, AreaChoice("portland", None))  # the stopped contact no longer changes with it
    assert "portland" not in _shape(text)[0]


def test_stop_all_stops_every_contact() -> None:
    email, text = _both()
    _confirm(email)
    _confirm(text)
    assert subscriptions.stop_all(text) == 2
    assert {email.status, text.status} == {SubscriberStatus.UNSUBSCRIBED}


def test_stopping_a_contact_that_is_not_theirs_changes_nothing(factories) -> None:
    email, _text = _both()
    _confirm(email)
    stranger = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900333")
    with pytest.raises(subscriptions.NotTheirs):
        subscriptions.stop_contact(email, stranger.public_id)
    assert stranger.status == SubscriberStatus.CONFIRMED


def test_a_contact_stopped_then_signed_up_again_on_its_own_starts_apart() -> None:
    email, text = _both()
    _confirm(email)
    _confirm(text)
    subscriptions.unsubscribe_by_link(text)
    again = signups.record_sign_ups([SignUp(channel=Channel.SMS, contact="+447700900111",
                                            areas=[AreaChoice("dorchester", None)], service_ids=None, source="web")])
    db.session.commit()
    _confirm(again[0])
    assert again[0].resident_id is None
    assert "dorchester" not in _shape(email)[0]
    assert db.session.scalar(select(Resident.id).where(Resident.id == email.resident_id)) is not None


def _reply(text_id: str, number: str, words: str) -> None:
    from alerts.notify.inbound import ReceivedText
    from alerts.services.text_replies import act_on_reply

    act_on_reply(ReceivedText(id=text_id, phone_number=number, message=words, received_at=None))


def test_stop_by_text_ends_the_texts_and_says_the_email_carries_on() -> None:
    from alerts.models import Message, MessageKind

    email, text = _both("carry@example.com", "+447700900777")
    _confirm(email)
    _confirm(text)
    _reply("7d3c4a52-0000-4000-8000-0000000000a1", "+447700900777", "STOP")
    db.session.refresh(email)
    db.session.refresh(text)
    assert (text.status, email.status) == (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.CONFIRMED)
    answer = db.session.scalar(select(Message.body).where(Message.kind == MessageKind.STOP_REPLY))
    assert answer == ("You will not get any more Dorset Council alerts by text. Your alerts by email to "
                      "c***@example.com carry on. Reply START within 28 days to get texts again.")


def test_start_puts_the_texts_back_with_what_the_person_follows_now() -> None:
    email, text = _both("again@example.com", "+447700900778")
    _confirm(email)
    _confirm(text)
    _reply("7d3c4a52-0000-4000-8000-0000000000b1", "+447700900778", "STOP")
    db.session.refresh(email)
    subscriptions.add_area(email, AreaChoice("portland", None))  # changed while the texts were stopped
    _reply("7d3c4a52-0000-4000-8000-0000000000b2", "+447700900778", "START")
    assert _shape(text) == _shape(email)
    assert text.status == SubscriberStatus.CONFIRMED
    assert residents.other_contacts(email) == [text]
