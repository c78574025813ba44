"""The kept audience counts (kept by triggers, alerts/models/audience.py) always equal the live count of the tables
(`fanouts.audience_counted_live`): after random changes through the real service and data functions, after SQL
typed by hand, and on PostgreSQL with several transactions changing the same people at once."""

from __future__ import annotations

import os
import random
import threading

import pytest
from sqlalchemy import create_engine, delete, select, text, update

from alerts.data import kept_audience, reference, retention, subject_access, subscriber_import
from alerts.data import subscribers as subscriber_data
from alerts.data.fanouts import audience_at_most, audience_counted_live, audience_for
from alerts.data.subscribers import AreaChoice
from alerts.extensions import db
from alerts.models import (
    Channel,
    Notice,
    NoticeStatus,
    Subscriber,
    SubscriberStatus,
    Subscription,
    subscriber_services,
)
from alerts.services import signups, subscriptions
from alerts.services.signups import SignUp

STEPS = 120


def _areas() -> list[str]:
    return [area.id for area in reference.list_areas(include_whole_county=False)]


def _services() -> list[str]:
    return [service.id for service in reference.list_services()]


def _notices(factories) -> list[Notice]:
    areas, services = _areas(), _services()
    choices = [[areas[0]], areas[:3], [areas[1], areas[4]], [reference.WHOLE_COUNTY_ID]]
    return [factories.NoticeFactory(area_ids=ids, service_id=service, status=NoticeStatus.DRAFT)
            for ids in choices for service in services[:3]]


def _assert_kept_equals_live(notices: list[Notice]) -> None:
    for notice in notices:
        live = audience_counted_live(notice)
        assert audience_for(notice) == live, (notice.service_id, [a.id for a in notice.areas])
        assert audience_for(notice, with_areas=False).total == live.total
        assert audience_at_most(notice, limit=10**9, channels=[Channel.SMS]) == live.texts
        assert audience_at_most(notice, limit=10**9) == live.total
        assert audience_at_most(notice, limit=2) == min(2, live.total)


def _live(rng: random.Random) -> Subscriber | None:
    people = list(db.session.scalars(select(Subscriber).where(Subscriber.status == SubscriberStatus.CONFIRMED,
                                                              Subscriber.contact.is_not(None))))
    return rng.choice(people) if people else None


def _anyone(rng: random.Random) -> Subscriber | None:
    people = list(db.session.scalars(select(Subscriber)))
    return rng.choice(people) if people else None


def _some_services(rng: random.Random) -> list[str] | None:
    return None if rng.random() < 0.5 else rng.sample(_services(), rng.randint(1, 3))


def _some_areas(rng: random.Random) -> list[AreaChoice]:
    ids = rng.sample([*_areas(), reference.WHOLE_COUNTY_ID], rng.randint(1, 3))
    return [AreaChoice(area_id, None) for area_id in ids]


def _sign_up(rng: random.Random, n: int) -> None:
    channel = rng.choice(list(Channel))
    contact = f"+447400{n:06d}" if channel == Channel.SMS else f"kept{n}@example.com"
    recorded = signups.record_sign_ups([SignUp(channel=channel, contact=contact, areas=_some_areas(rng),
                                               service_ids=_some_services(rng), source="web")])
    db.session.commit()
    if rng.random() < 0.8:
        signups.apply_confirmation(recorded[0])
        db.session.commit()


def _import(rng: random.Random, n: int) -> None:
    channel = rng.choice(list(Channel))
    contact = f"+447401{n:06d}" if channel == Channel.SMS else f"imported{n}@example.com"
    row = subscriber_import.ImportRow(channel=channel, contact=contact, area=_some_areas(rng)[0],
                                      service_ids=_some_services(rng))
    subscriber_import._apply(row, subscriber_import.ImportResult())
    db.session.commit()


def _change(rng: random.Random, n: int) -> None:
    """One change a resident, officer, job or operator could make."""
    step = rng.choice(["sign_up", "sign_up", "import", "add_area", "remove_area", "services", "unsubscribe", "stop_all",
                       "suspend", "reconfirm", "erase", "purge", "delete", "bulk_sql", "channel", "keep_only"])
    if step == "sign_up":
        return _sign_up(rng, n)
    if step == "import":
        return _import(rng, n)
    person = _live(rng) if step not in {"reconfirm", "purge", "delete", "bulk_sql", "channel"} else _anyone(rng)
    if person is None:
        return _sign_up(rng, n)
    if step == "add_area":
        subscriptions.add_area(person, _some_areas(rng)[0])
    elif step == "remove_area" and len(person.subscriptions) > 1:
        subscriptions.remove_area(person, rng.choice(person.subscriptions).area_id)
    elif step == "services":
        subscriptions.choose_services(person, _some_services(rng))
    elif step == "unsubscribe":
        subscriptions.unsubscribe_by_link(person)
    elif step == "stop_all":
        subscriptions.stop_all(person)
    elif step == "keep_only":
        subscriptions.keep_only(person, rng.choice(list(Channel)), digest=None)
    elif step == "suspend":  # as Notify's permanent failures do (alerts/data/notify_statuses.py)
        person.status = SubscriberStatus.SUSPENDED
        db.session.commit()
    elif step == "reconfirm" and person.contact is not None:
        subscriber_data.request_sign_up(channel=person.channel, contact=person.contact, areas=_some_areas(rng),
                                        service_ids=_some_services(rng), source="contact-centre")
        signups.apply_confirmation(person)
        db.session.commit()
    elif step == "erase":
        subject_access.erase_subscriber(person)
        db.session.commit()
    elif step == "purge":
        retention.erase_contacts([person.id])
        db.session.commit()
    elif step == "delete":
        db.session.execute(delete(Subscriber).where(Subscriber.id == person.id))
        db.session.commit()
    elif step == "bulk_sql":  # many rows in one statement, as an operator might
        db.session.execute(update(Subscriber).where(Subscriber.id % 3 == person.id % 3)
                           .values(all_services=~Subscriber.all_services))
        db.session.execute(delete(Subscription).where(Subscription.id % 5 == person.id % 5))
        db.session.commit()
    elif step == "channel":
        person.channel = Channel.SMS if person.channel == Channel.EMAIL else Channel.EMAIL
        db.session.commit()
    db.session.expire_all()


def test_the_kept_audience_equals_the_live_count_through_every_kind_of_change(factories) -> None:
    notices = _notices(factories)
    rng = random.Random(20261206)
    _assert_kept_equals_live(notices)
    for n in range(STEPS):
        _change(rng, n)
        _assert_kept_equals_live(notices)
    assert db.session.scalar(select(Subscriber.id).limit(1)) is not None
    # Rebuilding from the tables finds nothing to put right.
    assert kept_audience.rebuild_kept_audience().counts_changed == 0
    db.session.commit()
    _assert_kept_equals_live(notices)


def test_a_subscriber_following_several_of_the_areas_counts_once_in_the_total(factories) -> None:
    areas = _areas()
    factories.SubscriberFactory(area_ids=areas[:3], channel=Channel.SMS, contact="+447400000001")
    factories.SubscriberFactory(area_ids=[reference.WHOLE_COUNTY_ID])
    notice = factories.NoticeFactory(area_ids=areas[:2], status=NoticeStatus.DRAFT)
    audience = audience_for(notice)
    assert (audience.emails, audience.texts) == (1, 1)
    assert sorted((area.emails, area.texts) for area in audience.by_area) == [(0, 1), (0, 1), (1, 0)]
    assert audience == audience_counted_live(notice)


def test_the_recount_puts_right_counts_the_triggers_never_saw(factories, runner) -> None:
    factories.SubscriberFactory(area_ids=_areas()[:2])
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT)
    db.session.execute(text("UPDATE audience_counts SET subscribers = subscribers + 5 WHERE subscribers > 0"))
    db.session.commit()
    assert audience_for(notice) != audience_counted_live(notice)
    result = runner.invoke(args=["recount-audience"])
    assert result.exit_code == 0, result.output
    assert "1 count was wrong" in result.output
    db.session.expire_all()
    assert audience_for(notice) == audience_counted_live(notice)


def _change_in_sql(url: str, ids: list[int], areas: list[str], services: list[str], seed: int) -> None:
    """One connection making many small changes to the same few people, each in its own transaction."""
    rng = random.Random(seed)
    engine = create_engine(url)
    for _ in range(60):
        who = rng.choice(ids)
        for attempt in range(5):
            try:
                with engine.begin() as connection:
                    kind = rng.randrange(4)
                    if kind == 0:
                        connection.execute(text("INSERT INTO subscriptions (subscriber_id, area_id, created_at_utc) "
                                                "VALUES (:who, :area, now()) ON CONFLICT DO NOTHING"),
                                           {"who": who, "area": rng.choice(areas)})
                    elif kind == 1:
                        connection.execute(text("DELETE FROM subscriptions WHERE subscriber_id = :who "
                                                "AND area_id = :area"), {"who": who, "area": rng.choice(areas)})
                    elif kind == 2:
                        connection.execute(text("UPDATE subscribers SET status = :status WHERE id = :who"),
                                           {"who": who, "status": rng.choice(["confirmed", "suspended"])})
                    else:
                        connection.execute(delete(subscriber_services).where(
                            subscriber_services.c.subscriber_id == who))
                        connection.execute(text("UPDATE subscribers SET all_services = :all WHERE id = :who"),
                                           {"who": who, "all": rng.random() < 0.5})
                        connection.execute(text("INSERT INTO subscriber_services (subscriber_id, service_id) "
                                                "VALUES (:who, :service) ON CONFLICT DO NOTHING"),
                                           {"who": who, "service": rng.choice(services)})
                break
            except Exception as e:  # a deadlock PostgreSQL broke: the transaction rolled back whole, so try again
                if "deadlock" not in str(e) or attempt == 4:
                    raise
    engine.dispose()


@pytest.mark.postgresql
def test_the_kept_audience_stays_exact_with_concurrent_changes_on_postgresql(factories) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL)")
    from config.settings import database_url

    areas, services = _areas()[:3], _services()[:2]
    ids = [factories.SubscriberFactory(area_ids=[areas[0]], contact=f"together{n}@example.com").id for n in range(4)]
    notices = _notices(factories)
    url = database_url(os.environ["TEST_DATABASE_URL"])
    failures: list[BaseException] = []

    def run(seed: int) -> None:
        try:
            _change_in_sql(url, ids, areas, services, seed)
        except BaseException as e:  # noqa: BLE001 — reported by the test below
            failures.append(e)

    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    db.session.expire_all()
    _assert_kept_equals_live(notices)
    assert kept_audience.rebuild_kept_audience().counts_changed == 0
    db.session.rollback()
