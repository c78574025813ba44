import datetime as dt

from freezegun import freeze_time

from alerts.data.notice_lifecycle import NoticeDraft
from alerts.extensions import db
from alerts.models import Impact
from alerts.services import publishing


@freeze_time("2026-12-07 10:00:00")
def test_the_public_notice_page_says_when_the_next_update_is_due(client_request, factories) -> None:
    officer = factories.StaffUserFactory()
    draft = NoticeDraft(title="Library closed", service_id="libraries", area_ids=["bridport"], impact=Impact.MAJOR,
                        summary="A burst pipe.", advice="Use another library.",
                        next_update_by_utc=dt.datetime(2026, 12, 7, 14, 30, tzinfo=dt.UTC))
    notice, _ = publishing.create_and_publish(draft, publishing.Actor.staff(officer, None))
    db.session.commit()
    page = client_request.get(f"/notices/{notice.id}")
    row = page.soup.select_one("#next-update-by")
    assert row is not None
    assert "Next update by" in row.get_text(" ", strip=True)
    assert "2:30pm" in row.get_text(" ", strip=True)
    assert row.select_one("time")["datetime"].startswith("2026-12-07T14:30")
