"""Four eyes through the daily digest: a digest carries only what was sent with alerts on, after any approval it
needed, and its readers count towards the audience that needs a second officer, as an email fan-out's do."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from alerts.data import notice_lifecycle
from alerts.extensions import db
from alerts.models import Impact, Message, MessageKind, Notice, NoticeStatus, PendingUpdate, StaffUser
from alerts.services import publishing
from alerts.services.actors import Actor
from alerts.services.daily_digests import queue_daily_digests


@pytest.fixture
def two_officers(factories) -> tuple[Actor, Actor]:
    first: StaffUser = factories.StaffUserFactory()
    second: StaffUser = factories.StaffUserFactory()
    return Actor.staff(first, None), Actor.staff(second, None)


@pytest.fixture
def reader(factories) -> str:
    """One digest reader in Weymouth, and nobody else."""
    factories.SubscriberFactory(contact="daily@example.com", digest=True, area_ids=["weymouth"])
    return "daily@example.com"


@pytest.fixture
def threshold(app: Flask):
    def set_to(value: int) -> None:
        app.config["APPROVAL_THRESHOLD"] = value
    yield set_to
    app.config["APPROVAL_THRESHOLD"] = 5000


def _draft(title: str, *, alerts: bool, areas: list[str] | None = None) -> notice_lifecycle.NoticeDraft:
    return notice_lifecycle.NoticeDraft(title=title, service_id="bins-and-recycling", area_ids=areas or ["weymouth"],
                                        impact=Impact.MINOR, summary=f"{title}: details.", notify_subscribers=alerts)


def _digest_body(contact: str) -> str | None:
    queue_daily_digests()
    found = db.session.scalars(select(Message).where(Message.recipient == contact,
                                                     Message.kind == MessageKind.DIGEST)).all()
    assert len(found) <= 1
    return found[0].body if found else None


def test_a_notice_published_with_alerts_off_never_reaches_a_digest(two_officers, reader) -> None:
    officer, _ = two_officers
    _, status = publishing.create_and_publish(_draft("Evacuate now", alerts=False, areas=["whole-county"]),
                                              officer)
    assert status == NoticeStatus.ACTIVE, "alerts off: live at once, nobody is told"
    assert _digest_body(reader) is None


def test_updates_with_alerts_off_never_reach_a_digest_but_those_with_alerts_on_do(two_officers, reader) -> None:
    officer, _ = two_officers
    notice, _ = publishing.create_and_publish(_draft("Bins a day late", alerts=True), officer)
    publishing.post_update(notice, officer, summary="Quietly: call 0900 000 000.", advice="", notify=False)
    publishing.post_update(notice, officer, summary="Crews are catching up.", advice="", notify=True)
    publishing.resolve(notice, officer, summary="Quiet resolution.", notify=False)

    body = _digest_body(reader)
    assert body is not None
    assert "Bins a day late: details." in body and "Crews are catching up." in body
    assert "0900" not in body and "Quiet resolution." not in body


def test_an_update_waiting_for_approval_reaches_the_digest_only_once_approved(
        two_officers, reader, threshold) -> None:
    officer, second = two_officers
    notice, _ = publishing.create_and_publish(_draft("Bins a day late", alerts=False), officer)
    threshold(0)
    waiting = publishing.post_update(notice, officer, summary="Evacuate now.", advice="", notify=True)
    assert isinstance(waiting, PendingUpdate)
    assert _digest_body(reader) is None, "nothing approved: nothing in the digest"

    db.session.query(Message).delete()
    db.session.execute(db.text("DELETE FROM digest_sends"))
    db.session.commit()
    publishing.approve(db.session.get(Notice, notice.id), second)
    body = _digest_body(reader)
    assert body is not None and "Evacuate now." in body


def test_a_notice_that_needed_approval_reaches_digests_only_after_it_was_approved(
        two_officers, reader, threshold) -> None:
    officer, second = two_officers
    threshold(0)
    notice, status = publishing.create_and_publish(_draft("Garden waste paused", alerts=True), officer)
    assert status == NoticeStatus.AWAITING_APPROVAL, "the digest reader alone crosses a threshold of 0"
    assert _digest_body(reader) is None

    publishing.approve(db.session.get(Notice, notice.id), second)
    body = _digest_body(reader)
    assert body is not None and "Garden waste paused" in body


def test_digest_readers_count_towards_the_audience_that_needs_a_second_officer(
        two_officers, factories, threshold) -> None:
    """Three digest readers and nobody else: a minor notice reaches them only through the digest, and still
    waits for a second officer above a threshold of two, for its publication and for an update."""
    officer, _ = two_officers
    for n in range(3):
        factories.SubscriberFactory(contact=f"daily{n}@example.com", digest=True, area_ids=["weymouth"])
    threshold(2)
    notice, status = publishing.create_and_publish(_draft("Bins a day late", alerts=True), officer)
    assert status == NoticeStatus.AWAITING_APPROVAL
    assert notice_lifecycle.needs_approval(notice, 2, notice_lifecycle.UpdateKind.UPDATED)
    assert not notice_lifecycle.needs_approval(notice, 3, notice_lifecycle.UpdateKind.UPDATED)
