import datetime as dt

from freezegun import freeze_time

from alerts.extensions import db
from alerts.models import Notice, Role
from tests.staff.conftest import post_form
from tests.staff.test_notices import NEW_NOTICE, create_draft


@freeze_time("2026-12-07 10:00:00")
def test_an_officer_gives_a_next_update_time_that_goes_live_with_the_notice(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    page = client_request.get("/staff/notices/new")
    hint = page.soup.select_one("#next_update_by-hint").get_text()
    assert "severe: within 2 hours; major: within 4 hours; minor: 9am the next day" in hint
    notice = create_draft(client_request, next_update_by="07/12/2026 13:30")
    assert notice.next_update_by_utc == dt.datetime(2026, 12, 7, 13, 30, tzinfo=dt.UTC)
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    post_form(client_request, f"/staff/notices/{notice.id}/update",
              {"summary": "Still closed.", "advice": "", "next_update_by": "07/12/2026 16:00", "notify": ""})
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).next_update_by_utc == dt.datetime(2026, 12, 7, 16, tzinfo=dt.UTC)


@freeze_time("2026-12-07 10:00:00")
def test_a_next_update_time_in_the_past_is_refused_on_the_form(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    page = post_form(client_request, "/staff/notices/new", {**NEW_NOTICE, "next_update_by": "06/12/2026 09:00"},
                     expected_status=400)
    assert page.error_summary() == ["The next update time must be in the future"]
