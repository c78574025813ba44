import pytest
from sqlalchemy import select

from alerts.data import notice_templates, reference
from alerts.extensions import db
from alerts.models import AuditEvent, Notice, NoticeStatus, NoticeTemplate, Role
from alerts.profile import council
from tests.staff.conftest import csrf_token, post_form


@pytest.fixture
def standard_notices() -> dict[str, NoticeTemplate]:
    notice_templates.seed_from_profile(council())
    db.session.commit()
    return {template.name: template for template in notice_templates.list_templates()}


def _fill(client_request, template: NoticeTemplate, placeholders: dict[str, str], expected_status: int = 302,
          **changes: str):
    page = client_request.get(f"/staff/notices/new?template={template.id}")
    form = {field["name"]: field.get("value", "") for field in page.select("form input[name]")
            if field.get("type") not in ("checkbox", "radio")}
    form.update({"title": page.soup.select_one("#title")["value"],
                 "summary": page.soup.select_one("#summary").get_text(), "advice": page.soup.select_one("#advice")
                 .get_text(), "service": template.service_id, "impact": str(template.impact),
                 "areas": ["weymouth"], "notify": "y"})
    form.update({f"placeholder_{name}": value for name, value in placeholders.items()})
    form.update(changes)
    form["csrf_token"] = csrf_token(client_request, f"/staff/notices/new?template={template.id}")
    if expected_status == 302:
        response = client_request.client.post("/staff/notices/new", data=form)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        return response
    return client_request.post("/staff/notices/new", form, expected_status=expected_status)


def test_an_officer_starts_a_notice_from_a_standard_notice_and_reaches_the_check_page(
        client_request, sign_in_as, standard_notices) -> None:
    sign_in_as(Role.OFFICER)
    page = client_request.get("/staff/notices/new")
    offered = [link.get_text(strip=True) for link in page.select("#templates a")]
    assert {"Bin collections suspended", "School closed", "Gritting tonight", "Road closed",
            "Library closed"} <= set(offered)

    school = standard_notices["School closed"]
    page = client_request.get(f"/staff/notices/new?template={school.id}")
    assert [label.get_text(strip=True) for label in page.select("#placeholders label")] == ["School", "Day",
                                                                                            "Reason"]
    assert page.soup.select_one("#title")["value"] == "{school} is closed on {day}"
    assert page.soup.select_one("#service option[selected]")["value"] == "schools"

    response = _fill(client_request, school, {"school": "Hill Top Primary", "day": "Monday 7 December",
                                              "reason": "the heating has failed"})
    notice = db.session.get(Notice, int(response.headers["Location"].rsplit("/", 1)[-1]))
    assert notice.status == NoticeStatus.DRAFT
    assert notice.title == "Hill Top Primary is closed on Monday 7 December"
    assert notice.summary == "Hill Top Primary is closed to all pupils on Monday 7 December because the heating has " \
                             "failed."
    page = client_request.get(response.headers["Location"])  # the check page: the second screen's next stop
    assert page.h1 == notice.title


def test_a_placeholder_left_empty_is_a_clear_error_and_nothing_is_saved(client_request, sign_in_as,
                                                                         standard_notices) -> None:
    sign_in_as(Role.OFFICER)
    page = _fill(client_request, standard_notices["School closed"], {"school": "Hill Top Primary", "day": "",
                                                                     "reason": "snow"}, expected_status=400)
    assert page.error_summary() == ["Enter the day"]
    assert db.session.scalar(select(Notice)) is None


def test_a_placeholder_typed_into_the_text_is_named_in_the_error(client_request, sign_in_as,
                                                                 standard_notices) -> None:
    sign_in_as(Role.OFFICER)
    page = _fill(client_request, standard_notices["Road closed"], {"road": "A35", "area": "Bridport", "reason": "x"},
                 expected_status=400, advice="Use the {route} instead.")
    assert page.error_summary() == ["Replace {route} in what residents should do with what it stands for"]
    assert db.session.scalar(select(Notice)) is None


def test_an_officer_copies_an_earlier_notice_in_one_screen(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    earlier = factories.NoticeFactory(title="Library closed in Bridport", service_id="libraries",
                                      summary="Flooding.", advice="Use Lyme Regis library.")
    page = client_request.get(f"/staff/notices/{earlier.id}")
    link = page.soup.select_one("#copy-notice")["href"]
    page = client_request.get(link)
    assert page.soup.select_one("#title")["value"] == "Library closed in Bridport"
    assert page.soup.select_one("#summary").get_text() .strip() == "Flooding."
    assert page.soup.select_one("#service option[selected]")["value"] == "libraries"


def test_seeding_adds_the_profiles_templates_once_and_keeps_an_admins_changes(standard_notices) -> None:
    bins = standard_notices["Bin collections suspended"]
    bins.advice = "Changed by an admin."
    db.session.commit()
    reference.load_reference_data()
    db.session.commit()
    assert len(notice_templates.list_templates()) == len(standard_notices)
    assert db.session.get(NoticeTemplate, bins.id).advice == "Changed by an admin."


def test_an_admin_adds_and_changes_a_template_and_each_change_is_audited(client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    form = {"name": "Pool closed", "service": "other", "impact": "major", "title": "{pool} pool closed",
            "summary": "{pool} pool is closed on {day}.", "advice": "Use another pool."}
    post_form(client_request, "/staff/templates/new", form)
    template = db.session.scalar(select(NoticeTemplate))
    assert template.name == "Pool closed" and template.key is None
    page = client_request.get("/staff/templates")
    assert "Pool closed" in page.text
    post_form(client_request, f"/staff/templates/{template.id}/edit", {**form, "advice": "Try the leisure centre."})
    db.session.expire_all()
    assert db.session.get(NoticeTemplate, template.id).advice == "Try the leisure centre."
    assert list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))
                .all())[-2:] == ["template.created", "template.edited"]


def test_a_template_with_a_stray_brace_is_refused_with_a_clear_error(client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    page = post_form(client_request, "/staff/templates/new",
                     {"name": "Pool", "service": "other", "impact": "major", "title": "{Pool} closed",
                      "summary": "Closed.", "advice": "Wait."}, expected_status=400)
    assert page.error_summary() == ["Title has a { or } that is not a placeholder: write placeholders in lower case "
                                    "inside braces, like {area}"]


def test_only_admins_manage_templates(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    assert client_request.client.get("/staff/templates").status_code == 403
