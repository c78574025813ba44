"""One person follows at most MAX_PLACES_PER_PERSON places: every way of adding one refuses more, and a person at
the cap, with the longest area ids there can be, still confirms and changes their alerts (on PostgreSQL too, whose
index entries have a size limit the kept audience counts' key must stay under)."""

from __future__ import annotations

import pytest
from flask import Flask

from alerts import links
from alerts.areas.postcodes import normalise_postcode
from alerts.data import reference, subscriber_import
from alerts.data import subscribers as subscriber_data
from alerts.data.subscribers import MAX_PLACES_PER_PERSON, AreaChoice, TooManyPlaces
from alerts.extensions import db
from alerts.models import Area, Channel, Subscriber, SubscriberStatus
from alerts.profile import council
from alerts.services import signups, subscriptions
from alerts.services.signups import SignUp
from alerts.staff.forms import MAX_CALLER_POSTCODES
from tests.pages import PageClient

AREA_ID_LENGTH = 64  # Area.id's column


def long_areas(count: int, start: int = 0) -> list[str]:
    """`count` ward areas whose ids are as long as an id can be (wards are tidied away after each test)."""
    ids = [f"ward-{number:03d}-".ljust(AREA_ID_LENGTH, "x") for number in range(start, start + count)]
    db.session.add_all(Area(id=area_id, name=f"Ward {number}", kind="ward") for number, area_id in enumerate(ids))
    db.session.commit()
    return ids


def at_the_cap(factories, **kwargs: object) -> Subscriber:
    return factories.SubscriberFactory(area_ids=long_areas(MAX_PLACES_PER_PERSON), **kwargs)


def fresh(subscriber_id: int) -> Subscriber:
    db.session.expire_all()
    subscriber = db.session.get(Subscriber, subscriber_id)
    assert subscriber is not None
    return subscriber


def test_the_cap_keeps_the_longest_key_well_under_what_postgresql_can_index() -> None:
    assert MAX_PLACES_PER_PERSON * (AREA_ID_LENGTH + 1) < 2000


def journey_with(client: PageClient, count: int) -> None:
    with client.client.session_transaction() as session:
        session["subscribe"] = {"started_at": 0, "areas": [[f"area-{n}", f"AB{n} 1AA"] for n in range(count)]}


def test_the_sign_up_offers_no_more_postcodes_past_the_cap(client_request) -> None:
    journey_with(client_request, MAX_PLACES_PER_PERSON)
    page = client_request.post_form("/subscribe/postcodes", {"add_another": "yes"})
    message = f"You can add up to {MAX_PLACES_PER_PERSON} postcodes. Remove one to add another"
    assert page.error_summary() == [message]
    client_request.post_form("/subscribe/postcodes", {"add_another": "no"}, 302)


def test_the_sign_up_adds_another_below_the_cap(client_request) -> None:
    journey_with(client_request, MAX_PLACES_PER_PERSON - 1)
    page = client_request.post_form("/subscribe/postcodes", {"add_another": "yes"}, 302)
    assert "/subscribe?another=1" in page.response.location


def test_the_postcode_page_refuses_one_past_the_cap(client_request) -> None:
    journey_with(client_request, MAX_PLACES_PER_PERSON)
    page = client_request.post_form("/subscribe", {"postcode": council().example_postcode})
    assert page.error_summary() == [f"You can add up to {MAX_PLACES_PER_PERSON} postcodes. Remove one to add "
                                    "another"]
    with client_request.client.session_transaction() as session:
        assert len(session["subscribe"]["areas"]) == MAX_PLACES_PER_PERSON


def test_the_manage_page_refuses_a_place_past_the_cap(client_request, factories) -> None:
    subscriber = at_the_cap(factories)
    path = links.manage_url(subscriber.id, subscriber.token_version).removeprefix("http://localhost")
    page = client_request.post_form(f"{path}/postcodes", {"postcode": council().example_postcode}, 400)
    assert page.error_summary() == [f"You can get alerts for up to {MAX_PLACES_PER_PERSON} postcodes. Remove one "
                                    "to add another"]
    assert len(fresh(subscriber.id).subscriptions) == MAX_PLACES_PER_PERSON


def test_the_service_refuses_a_place_past_the_cap_but_not_one_already_followed(factories) -> None:
    subscriber = at_the_cap(factories)
    area_ids = [s.area_id for s in subscriber.subscriptions]
    with pytest.raises(TooManyPlaces):
        subscriptions.add_area(subscriber, AreaChoice(long_areas(1, start=MAX_PLACES_PER_PERSON)[0], None))
    subscriptions.add_area(subscriber, AreaChoice(area_ids[0], "AB1 2CD"))  # already theirs: not a new place
    assert len(fresh(subscriber.id).subscriptions) == MAX_PLACES_PER_PERSON


def test_the_sign_up_service_records_nothing_past_the_cap(app: Flask) -> None:
    area_ids = long_areas(MAX_PLACES_PER_PERSON + 1)
    sign_up = SignUp(channel=Channel.EMAIL, contact="many@example.com", areas=[AreaChoice(a, None) for a in area_ids],
                     service_ids=None, source="api")
    with pytest.raises(TooManyPlaces):
        signups.record_sign_ups([sign_up])
    db.session.rollback()
    assert subscriber_data.find_subscriber(Channel.EMAIL, "many@example.com") is None


def test_confirming_a_second_sign_up_adds_places_only_up_to_the_cap(factories) -> None:
    """A sign-up can't be refused for what the contact already has (that would tell who is signed up): the
    confirmation adds its places only up to the cap."""
    subscriber = at_the_cap(factories)
    more = long_areas(3, start=MAX_PLACES_PER_PERSON)
    signups.record_sign_ups([SignUp(channel=Channel.EMAIL, contact=subscriber.contact or "",
                                    areas=[AreaChoice(a, None) for a in more], service_ids=None, source="web")])
    signups.apply_confirmation(subscriber)
    db.session.commit()
    assert len(fresh(subscriber.id).subscriptions) == MAX_PLACES_PER_PERSON


def test_the_import_refuses_a_line_past_the_cap_naming_it(factories) -> None:
    subscriber = at_the_cap(factories, contact="imported@example.com")
    result = subscriber_import.ImportResult()
    row = {"channel": "email", "contact": "imported@example.com", "postcode": council().example_postcode}
    assert not subscriber_import.import_row(7, row, result)
    postcode = normalise_postcode(council().example_postcode)
    assert result.skipped == [(7, f"This contact already gets alerts for {MAX_PLACES_PER_PERSON} places, the most "
                                  f"one person can, so {postcode} was not added")]
    assert len(fresh(subscriber.id).subscriptions) == MAX_PLACES_PER_PERSON


def test_a_call_names_fewer_postcodes_than_the_cap() -> None:
    assert MAX_CALLER_POSTCODES <= MAX_PLACES_PER_PERSON


@pytest.mark.postgresql
def test_a_person_at_the_cap_with_the_longest_ids_confirms_and_changes_without_error(factories) -> None:
    """On PostgreSQL (the PostgreSQL pass) this proves the cap safe: the kept audience counts' key of 30 ids of 64
    characters is stored. On SQLite it runs too, and proves the same paths."""
    area_ids = long_areas(MAX_PLACES_PER_PERSON + 1)
    places = [AreaChoice(area_id, None) for area_id in area_ids[:MAX_PLACES_PER_PERSON]]
    [pending] = signups.record_sign_ups([SignUp(channel=Channel.SMS, contact="+447700900111", areas=places,
                                                service_ids=None, source="web")])
    db.session.commit()
    signups.apply_confirmation(pending)
    db.session.commit()
    subscriber = fresh(pending.id)
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert len(subscriber.subscriptions) == MAX_PLACES_PER_PERSON
    subscriptions.remove_area(subscriber, area_ids[0])
    subscriptions.add_area(fresh(pending.id), AreaChoice(area_ids[-1], None))
    one_service = reference.list_services()[0].id
    subscriptions.choose_services(fresh(pending.id), [one_service])
    subscriptions.choose_services(fresh(pending.id), None)
    subscriber = fresh(pending.id)
    assert sorted(s.area_id for s in subscriber.subscriptions) == sorted(area_ids[1:]) and subscriber.all_services
