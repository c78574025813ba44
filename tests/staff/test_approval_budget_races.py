"""One person's sends at the same moment share one budget: they are counted one after the other, so six
single-person notices published at once with APPROVAL_THRESHOLD=3 put exactly three live and three waiting."""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import select

from alerts.extensions import db
from alerts.models import Notice, NoticeStatus, StaffUser
from alerts.services import publishing
from alerts.services.publishing import Actor


def test_sends_by_one_person_at_the_same_moment_never_overspend_the_budget(app: Flask, factories) -> None:
    factories.SubscriberFactory(contact="weymouth@example.com", area_ids=["weymouth"])
    officer = factories.StaffUserFactory()
    notice_ids = []
    for _ in range(6):
        notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, published_at_utc=None, created_by_id=officer.id,
                                         notify_subscribers=True)
        notice.updates.clear()
        notice_ids.append(notice.id)
    db.session.commit()
    officer_id = officer.id
    app.config["APPROVAL_THRESHOLD"] = 3
    everyone_has_read = threading.Barrier(len(notice_ids))
    failures: list[str] = []

    def publish(notice_id: int) -> None:
        with app.app_context():
            try:
                notice = db.session.get(Notice, notice_id)
                user = db.session.get(StaffUser, officer_id)
                everyone_has_read.wait(timeout=10)
                publishing.request_publication(notice, Actor.staff(user, "192.0.2.1"))  # type: ignore[arg-type]
            except Exception as error:  # noqa: BLE001 — reported below
                db.session.rollback()
                failures.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=publish, args=(notice_id,)) for notice_id in notice_ids]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        app.config["APPROVAL_THRESHOLD"] = 5000

    assert failures == []
    db.session.expire_all()
    statuses = sorted(str(status) for status in db.session.scalars(select(Notice.status)))
    assert statuses == ["active"] * 3 + ["awaiting_approval"] * 3
