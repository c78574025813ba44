"""A promised next update that passes without one: the dashboard shows it, the author and their team are emailed
once, and insight counts how often promises are kept."""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time
from sqlalchemy import select

from alerts.data import insight
from alerts.data.notice_lifecycle import NoticeDraft
from alerts.extensions import db
from alerts.jobs.scheduler import jobs_for
from alerts.models import AuditEvent, Impact, Message, MessageKind, Notice, Role
from alerts.services import publishing, update_reminders
from tests.staff.conftest import sign_in


def _publish(author, *, service_id: str = "libraries", impact: Impact = Impact.MAJOR,
             next_update_by: dt.datetime | None = None) -> Notice:
    draft = NoticeDraft(title="Library closed", service_id=service_id, area_ids=["bridport"], impact=impact,
                        summary="A burst pipe.", advice="Use another library.", next_update_by_utc=next_update_by,
                        notify_subscribers=False)
    notice, _ = publishing.create_and_publish(draft, publishing.Actor.staff(author, None))
    db.session.commit()
    return notice


def _update_due_emails() -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.kind == MessageKind.UPDATE_DUE)
                                   .order_by(Message.recipient)))


def test_a_passed_promise_emails_the_author_and_their_team_once(factories) -> None:
    author = factories.StaffUserFactory(email="author@example.com")
    teammate = factories.StaffUserFactory(email="teammate@example.com")
    factories.StaffUserFactory(email="roads@example.com")
    with freeze_time("2026-12-07 09:00:00"):
        _publish(teammate, next_update_by=dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC))  # same service: a team
        notice = _publish(author)  # major: due within 4 hours, by 13:00
        publishing.post_update(_publish(teammate), publishing.Actor.staff(teammate, None), summary="x", advice="",
                               notify=False)
        _publish(factories.StaffUserFactory(email="other@example.com"), service_id="roads-and-gritting")
    with freeze_time("2026-12-07 12:59:00"):
        update_reminders.nudge_overdue_updates()
        # Only the 9:30 promise has passed; both officers publish for libraries, so both hear; roads does not.
        assert [m.recipient for m in _update_due_emails()] == ["author@example.com", "teammate@example.com"]
    db.session.query(Message).delete()
    db.session.commit()
    with freeze_time("2026-12-07 13:01:00"):
        assert update_reminders.nudge_overdue_updates() >= 1
        about = [m for m in _update_due_emails() if f"/staff/notices/{notice.id}/update" in m.body]
        assert [m.recipient for m in about] == ["author@example.com", "teammate@example.com"]  # not other@, roads
        assert all(m.subject == "Update overdue: Library closed" for m in about)
        count = len(_update_due_emails())
        update_reminders.nudge_overdue_updates()  # once: the job runs every few minutes
        assert len(_update_due_emails()) == count
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(notice.id))).all()
    assert "notice.update_overdue" in actions


def test_the_dashboard_shows_a_notice_whose_promised_update_has_passed(client_request, factories) -> None:
    author = factories.StaffUserFactory(role=Role.OFFICER)
    with freeze_time("2026-12-07 09:00:00"):
        notice = _publish(author, impact=Impact.SEVERE)  # due by 11:00
    with freeze_time("2026-12-07 11:30:00"):
        sign_in(client_request, author)
        page = client_request.get("/staff/")
        rows = page.select("#overdue-updates + p + table tbody tr")
        assert len(rows) == 1
        assert notice.title in rows[0].get_text(" ", strip=True) and "You" in rows[0].get_text(" ", strip=True)


def test_an_update_in_time_keeps_the_promise_and_insight_counts_kept_and_broken(factories) -> None:
    author = factories.StaffUserFactory()
    with freeze_time("2026-12-07 09:00:00"):
        kept = _publish(author, impact=Impact.SEVERE)  # due 11:00
        broken = _publish(author, impact=Impact.SEVERE)
    with freeze_time("2026-12-07 10:00:00"):
        publishing.post_update(kept, publishing.Actor.staff(author, None), summary="Still closed.", advice="",
                               notify=False, next_update_by=dt.datetime(2026, 12, 7, 15, tzinfo=dt.UTC))
    with freeze_time("2026-12-07 12:00:00"):
        publishing.resolve(broken, publishing.Actor.staff(author, None), summary="Open again.", notify=False)
    with freeze_time("2026-12-08 12:00:00"):
        table = next(t for t in insight.insight_tables(dt.date(2026, 12, 1), dt.date(2026, 12, 8))
                     if t.name == "next-updates-kept")
    # Three fell due: kept's first (answered at 10:00), kept's second (15:00, never answered) and broken's (12:00).
    assert table.rows == [["2026-12", "Libraries", 3, 1, "33%"]]


def test_the_scheduler_runs_the_reminder_job(app) -> None:
    assert "nudge-overdue-updates" in [job.id for job in jobs_for(app, "test")]


def test_the_reminders_run_by_hand_as_a_command(runner, factories) -> None:
    author = factories.StaffUserFactory(email="author@example.com")
    with freeze_time("2026-12-07 09:00:00"):
        _publish(author, impact=Impact.SEVERE)
    with freeze_time("2026-12-07 11:30:00"):
        result = runner.invoke(args=["nudge-overdue-updates"])
    assert result.output == "Told officers about 1 overdue updates.\n"
    assert [m.recipient for m in _update_due_emails()] == ["author@example.com"]
