from alerts.models import Role
from tests.staff.test_notices import create_draft


def test_publish_at_is_asked_for_only_under_at_a_set_time(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    notice = create_draft(client_request)
    page = client_request.get(f"/staff/notices/{notice.id}")
    conditional = page.select(".govuk-radios__conditional")
    assert len(conditional) == 1 and conditional[0].select("#publish_at")
    assert "govuk-radios__conditional--hidden" in conditional[0]["class"], "hidden while Now is chosen"
    later = page.select("input[name=when][value=later]")[0]
    assert later["data-aria-controls"] == conditional[0]["id"]
