"""Staff pages have their own navigation, no "Staff sign in" once signed in, and GOV.UK tag colours by state."""

from alerts.models import NoticeStatus, Role


def test_staff_pages_have_staff_navigation_and_no_staff_sign_in(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)

    page = client_request.get("/staff/")

    menu = [a.get_text(strip=True) for a in page.select(".govuk-service-navigation__list a")]
    assert menu == ["Staff dashboard", "Your account", "Sign out"]
    assert "Staff sign in" not in page.select(".govuk-footer")[0].get_text()


def test_a_live_notice_is_tagged_green_not_red(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    live = factories.NoticeFactory()
    resolved = factories.NoticeFactory(status=NoticeStatus.RESOLVED)

    live_tag = client_request.get(f"/staff/notices/{live.id}").select(".govuk-caption-l .govuk-tag")[0]
    resolved_tag = client_request.get(f"/staff/notices/{resolved.id}").select(".govuk-caption-l .govuk-tag")[0]

    assert (live_tag.get_text(strip=True), live_tag["class"]) == ("Live", ["govuk-tag", "govuk-tag--green"])
    assert resolved_tag.get_text(strip=True) == "Resolved" and "govuk-tag--green" not in resolved_tag["class"]
