from alerts.models import Role
from tests.staff.test_notices import create_draft


def test_publish_at_is_shown_only_under_publish_at_a_set_time(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    notice = create_draft(client_request)
    page = client_request.get(f"/staff/notices/{notice.id}")
    now_form, later_form = page.select("#actions form[action$='/publish']")  # and a third: cancel the draft
    assert not now_form.select("#publish_at") and now_form.select("input[name=when][value=now]")
    details = page.select("details#publish-later")[0]
    assert not details.has_attr("open"), "closed until the officer asks for a set time"
    assert later_form.select("#publish_at") and later_form.select("input[name=when][value=later]")
    assert later_form in details.descendants


def test_a_missing_time_opens_publish_at_a_set_time_with_the_error(client_request, sign_in_as) -> None:
    from tests.staff.conftest import post_form

    sign_in_as(Role.OFFICER)
    notice = create_draft(client_request)
    page = post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "later", "publish_at": ""},
                     expected_status=400)
    assert page.select("details#publish-later")[0].has_attr("open")
