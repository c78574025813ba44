"""The officer's check page, and the resolve page, say when texts will go: at once, or at 7am for a notice that is
not severe during quiet hours (alerts/quiet_hours.py, the one home of the rule)."""

import pytest
from freezegun import freeze_time

from alerts.extensions import db
from alerts.models import Impact, NoticeStatus, PendingUpdate, Role, UpdateKind, utc_now

WAITS = ("! Warning Texts sent now wait until 7am on 7 January 2026: from 10pm to 7am only severe disruption is "
         "texted at once. Emails go at once.")
AT_ONCE = "Texts and emails sent now go at once."


def said(page, element_id: str = "texts-when") -> str:
    return page.soup.select_one(f"#{element_id}").get_text(" ", strip=True)


@pytest.mark.parametrize(("now", "impact", "expected"), [
    ("2026-01-06 23:30:00", Impact.MINOR, WAITS),
    ("2026-01-07 06:59:00", Impact.MAJOR, WAITS),
    ("2026-01-06 23:30:00", Impact.SEVERE, AT_ONCE),
    ("2026-01-06 10:00:00", Impact.MINOR, AT_ONCE),
])
def test_the_check_page_says_when_texts_would_go_if_published_now(client_request, sign_in_as, factories, now,
                                                                  impact, expected) -> None:
    with freeze_time(now):
        sign_in_as(Role.OFFICER)
        notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], impact=impact)
        page = client_request.get(f"/staff/notices/{notice.id}")
    assert said(page) == expected


@freeze_time("2026-01-06 23:30:00")
def test_the_resolve_page_and_a_resolution_waiting_for_approval_say_texts_wait_until_7am(
        client_request, sign_in_as, factories) -> None:
    officer = sign_in_as(Role.OFFICER)
    notice = factories.NoticeFactory(impact=Impact.MINOR)
    assert said(client_request.get(f"/staff/notices/{notice.id}/resolve")) == WAITS
    assert said(client_request.get(f"/staff/notices/{notice.id}/update")) == (
        "With alerts on, subscribers are emailed at once, at any hour. Updates are not texted.")

    notice.pending_update = PendingUpdate(kind=UpdateKind.RESOLVED, summary="Over.", advice="",
                                          requested_by_id=officer.id, requested_at_utc=utc_now())
    db.session.commit()
    assert said(client_request.get(f"/staff/notices/{notice.id}"), "pending-texts-when") == WAITS


@freeze_time("2026-01-06 12:00:00")
def test_the_resolve_page_by_day_says_texts_go_at_once(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    notice = factories.NoticeFactory(impact=Impact.MINOR)
    assert said(client_request.get(f"/staff/notices/{notice.id}/resolve")) == AT_ONCE
