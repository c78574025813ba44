"""Two requests acting on one notice at the same moment — a double click on Publish, two officers approving, two
resolving — act one after the other, the second on what the first left: the notice goes out once, so every
subscriber gets one alert."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from alerts.extensions import db
from alerts.models import Fanout, Notice, NoticeStatus, NoticeUpdate, StaffUser, UpdateKind
from alerts.services import publishing
from alerts.services.publishing import Actor, NoticeStateError

Action = Callable[[Notice, Actor], object]


def at_once(app: Flask, notice_id: int, *acts: tuple[int, Action]) -> list[str]:
    """Run each (user id, action) in its own thread and app context, all having read the notice before any acts."""
    everyone_has_read = threading.Barrier(len(acts))
    outcomes: list[str] = []

    def run(user_id: int, action: Action) -> None:
        with app.app_context():
            try:
                notice = db.session.get(Notice, notice_id)
                assert notice is not None
                notice.pending_update  # noqa: B018 — read now, as a page would have, before the other acts
                user = db.session.get(StaffUser, user_id)
                everyone_has_read.wait(timeout=10)
                action(notice, Actor.staff(user, "192.0.2.1"))
                outcomes.append("done")
            except NoticeStateError:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as error:  # noqa: BLE001 — reported below
                db.session.rollback()
                outcomes.append(f"failed: {error!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=act) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def updates_of(notice_id: int, kind: UpdateKind) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(NoticeUpdate).where(
        NoticeUpdate.notice_id == notice_id, NoticeUpdate.kind == kind))


def fanouts_of(notice_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Fanout).where(Fanout.notice_id == notice_id))


@pytest.fixture
def people(factories) -> tuple[int, int, int]:
    factories.SubscriberFactory(contact="weymouth@example.com", area_ids=["weymouth"])
    author, first, second = (factories.StaffUserFactory() for _ in range(3))
    return author.id, first.id, second.id


def test_a_double_click_on_publish_publishes_once(app, factories, people) -> None:
    author, _, _ = people
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, published_at_utc=None, created_by_id=author)
    notice.updates.clear()
    db.session.commit()

    outcomes = at_once(app, notice.id, (author, publishing.request_publication),
                       (author, publishing.request_publication))

    assert outcomes == ["done", "refused"]
    assert updates_of(notice.id, UpdateKind.PUBLISHED) == 1
    assert fanouts_of(notice.id) == 1


def test_two_officers_approving_at_once_publish_once(app, factories, people) -> None:
    author, first, second = people
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, published_at_utc=None, created_by_id=author,
                                     area_ids=["whole-county"])
    notice.updates.clear()
    db.session.commit()
    publishing.request_publication(notice, Actor.staff(db.session.get(StaffUser, author), None))
    assert notice.status == NoticeStatus.AWAITING_APPROVAL

    outcomes = at_once(app, notice.id, (first, publishing.approve), (second, publishing.approve))

    assert outcomes == ["done", "refused"]
    assert updates_of(notice.id, UpdateKind.PUBLISHED) == 1
    assert fanouts_of(notice.id) == 1


def test_two_officers_resolving_at_once_send_one_resolution(app, factories, people) -> None:
    _, first, second = people
    notice = factories.NoticeFactory()

    def resolve(notice: Notice, actor: Actor) -> object:
        return publishing.resolve(notice, actor, summary="Collections have restarted.", notify=True)

    outcomes = at_once(app, notice.id, (first, resolve), (second, resolve))

    assert outcomes == ["done", "refused"]
    assert updates_of(notice.id, UpdateKind.RESOLVED) == 1
    assert fanouts_of(notice.id) == 1


def test_two_officers_approving_a_waiting_resolution_at_once_send_it_once(app, factories, people) -> None:
    author, first, second = people
    notice = factories.NoticeFactory(area_ids=["whole-county"], created_by_id=author)
    publishing.resolve(notice, Actor.staff(db.session.get(StaffUser, author), None),
                       summary="Collections have restarted.", notify=True)
    assert notice.pending_update is not None

    outcomes = at_once(app, notice.id, (first, publishing.approve), (second, publishing.approve))

    assert outcomes == ["done", "refused"]
    assert updates_of(notice.id, UpdateKind.RESOLVED) == 1
    assert fanouts_of(notice.id) == 1


def test_the_scheduler_skips_a_notice_an_officer_cancelled_after_it_was_found(app, factories, people,
                                                                            monkeypatch) -> None:
    author, _, _ = people
    notice = factories.NoticeFactory(status=NoticeStatus.SCHEDULED, published_at_utc=None, created_by_id=author)
    notice.updates.clear()
    notice.publish_at_utc = notice.starts_at_utc
    db.session.commit()
    found = publishing.notice_lifecycle.due_scheduled_notices()
    publishing.cancel(notice, Actor.staff(db.session.get(StaffUser, author), None))
    monkeypatch.setattr(publishing.notice_lifecycle, "due_scheduled_notices", lambda: found)

    assert publishing.publish_due_notices() == 0
    assert db.session.get(Notice, notice.id).status == NoticeStatus.CANCELLED
    assert fanouts_of(notice.id) == 0
