"""A council that writes in Welsh and English: each notice is written in both, four eyes cover both, the check
page previews both, and the API takes both."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from alerts.data import reference
from alerts.extensions import db
from alerts.models import (
    Channel,
    Message,
    Notice,
    NoticeStatus,
    NoticeTemplate,
    NoticeUpdate,
    Role,
    StaffUser,
    UpdateKind,
)
from alerts.services import publishing
from tests import factories as made
from tests.api.test_officer_api import make_token
from tests.staff.conftest import post_form, sign_in


@pytest.fixture
def sign_in_as(client_request) -> Callable[..., StaffUser]:
    """As tests/staff's fixture: a user with this role, signed in."""
    def _sign_in(role: Role = Role.OFFICER) -> StaffUser:
        user = made.StaffUserFactory(role=role)
        sign_in(client_request, user)
        return user
    return _sign_in


def _area() -> str:
    return next(area.id for area in reference.list_areas() if area.id != reference.WHOLE_COUNTY_ID)


def _service() -> str:
    return reference.list_services()[0].id


def notice_form(**changes: str) -> dict[str, object]:
    return {"title": "Roads closed by flooding", "title_cy": "Ffyrdd ar gau oherwydd llifogydd",
            "service": _service(), "areas": [_area()], "impact": "major", "starts_at": "", "expected_end_at": "",
            "summary": "Several roads are under water.", "summary_cy": "Mae sawl ffordd o dan ddŵr.",
            "advice": "Do not drive through flood water.", "advice_cy": "Peidiwch â gyrru drwy ddŵr llifogydd.",
            "internal_notes": "", "notify": "y", **changes}


def create_draft(client_request, **changes: str) -> Notice:
    response = post_form(client_request, "/staff/notices/new", notice_form(**changes))
    notice = db.session.get(Notice, int(response.headers["Location"].rstrip("/").split("/")[-1]))
    assert notice is not None
    return notice


def test_the_form_asks_for_each_text_in_welsh_first_then_english(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    page = client_request.get("/staff/notices/new")
    labels = [label.get_text(strip=True) for label in page.select("form label.govuk-label")]
    assert labels.index("Title in Welsh") < labels.index("Title in English")
    assert "What's happening in Welsh" in labels and "What residents should do in English" in labels
    assert page.soup.select_one("#title_cy")["lang"] == "cy"
    assert page.soup.select_one("#title")["lang"] == "en"
    assert page.soup.select_one("#summary_cy")["lang"] == "cy"


def test_both_languages_are_required_and_named_in_the_error_summary(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    page = post_form(client_request, "/staff/notices/new",
                     notice_form(title_cy="", summary_cy="", advice=""), expected_status=400)
    summary = page.error_summary()
    assert "Enter the title in Welsh" in summary
    assert "Enter what's happening in Welsh" in summary
    assert "Enter what residents should do in English" in summary
    assert db.session.scalar(select(Notice.id)) is None


def test_the_welsh_keeps_the_englishs_limits(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    page = post_form(client_request, "/staff/notices/new", notice_form(title_cy="Ff" * 101), expected_status=400)
    assert "Title in Welsh must be 200 characters or fewer" in " ".join(page.error_summary())


def test_an_officer_publishes_a_bilingual_notice_from_the_page(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    notice = create_draft(client_request)
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    db.session.expire_all()
    assert notice.status == NoticeStatus.ACTIVE
    assert (notice.title, notice.title_cy) == ("Roads closed by flooding", "Ffyrdd ar gau oherwydd llifogydd")
    assert notice.summary_cy == "Mae sawl ffordd o dan ddŵr."
    assert notice.advice_cy == "Peidiwch â gyrru drwy ddŵr llifogydd."
    [published] = notice.updates
    assert (published.summary, published.summary_cy) == ("Several roads are under water.",
                                                         "Mae sawl ffordd o dan ddŵr.")


def test_a_notice_without_its_welsh_is_never_published(client_request, sign_in_as) -> None:
    officer = sign_in_as(Role.OFFICER)
    notice = create_draft(client_request)
    notice.title_cy = None  # as one written before the council wrote in Welsh
    db.session.commit()
    page = post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"}, expected_status=409)
    assert "in Welsh as well as English" in " ".join(page.error_summary())
    db.session.expire_all()
    assert notice.status == NoticeStatus.DRAFT
    try:
        publishing.request_publication(notice, publishing.Actor.staff(officer, None))
    except publishing.NoticeStateError:
        pass
    assert db.session.get(Notice, notice.id).status == NoticeStatus.DRAFT


def test_the_check_page_previews_both_languages_with_fragments_and_cost(client_request, sign_in_as,
                                                                         factories) -> None:
    sign_in_as(Role.OFFICER)
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001", area_ids=[_area()], language="cy")
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900002", area_ids=[_area()])
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900003", area_ids=[_area()])
    notice = create_draft(client_request)
    page = client_request.get(f"/staff/notices/{notice.id}")
    welsh, english = page.soup.select_one("#sms-preview-cy"), page.soup.select_one("#sms-preview-en")
    assert "Ffyrdd ar gau oherwydd llifogydd" in welsh.get_text() and welsh["lang"] == "cy"
    assert "Roads closed by flooding" in english.get_text()
    assert "Mae sawl ffordd o dan ddŵr." in page.soup.select_one("#email-preview-cy").get_text()
    assert "Several roads are under water." in page.soup.select_one("#email-preview-en").get_text()
    assert "fragment" in page.soup.select_one("#sms-length-cy").get_text()
    assert "fragment" in page.soup.select_one("#sms-length-en").get_text()
    assert "1 text ×" in page.soup.select_one("#sms-cost-cy").get_text()
    assert "2 texts ×" in page.soup.select_one("#sms-cost-en").get_text()
    # The order follows the council's first language; both texts are shown for checking.
    headings = [h.get_text(strip=True) for h in page.select("h3[id^=messages-]")]
    assert headings == ["In Welsh", "In English"]
    assert page.soup.select_one("#title-cy dd").get_text(strip=True) == "Ffyrdd ar gau oherwydd llifogydd"


def test_a_change_to_the_welsh_withdraws_the_request_for_approval(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    factories.SubscriberFactory(area_ids=[_area()])
    notice = create_draft(client_request, areas=[reference.WHOLE_COUNTY_ID])
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    db.session.expire_all()
    assert notice.status == NoticeStatus.AWAITING_APPROVAL
    page = client_request.get(f"/staff/notices/{notice.id}")
    assert page.soup.select_one("#summary-cy dd").get_text(strip=True) == "Mae sawl ffordd o dan ddŵr."
    post_form(client_request, f"/staff/notices/{notice.id}/edit",
              notice_form(areas=[reference.WHOLE_COUNTY_ID], summary_cy="Mae un ffordd o dan ddŵr."))
    db.session.expire_all()
    assert notice.status == NoticeStatus.DRAFT and notice.requested_by_id is None
    assert notice.summary_cy == "Mae un ffordd o dan ddŵr."


def test_the_approval_request_email_shows_both_texts(client_request, sign_in_as, factories) -> None:
    factories.StaffUserFactory(role=Role.OFFICER)  # someone who may approve
    sign_in_as(Role.OFFICER)
    notice = create_draft(client_request, areas=[reference.WHOLE_COUNTY_ID])
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    [email] = db.session.scalars(select(Message)).all()
    assert "Ffyrdd ar gau oherwydd llifogydd" in email.body and "Roads closed by flooding" in email.body


def test_an_update_and_a_resolution_are_written_in_both(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    notice = create_draft(client_request)
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    page = post_form(client_request, f"/staff/notices/{notice.id}/update",
                     {"summary": "The water is going down.", "summary_cy": "", "advice": "", "advice_cy": "",
                      "notify": "y"}, expected_status=400)
    assert "Enter what has changed in Welsh" in " ".join(page.error_summary())
    post_form(client_request, f"/staff/notices/{notice.id}/update",
              {"summary": "The water is going down.", "summary_cy": "Mae'r dŵr yn gostwng.", "notify": "y"})
    post_form(client_request, f"/staff/notices/{notice.id}/resolve",
              {"summary": "Roads open.", "summary_cy": "Ffyrdd ar agor.", "notify": "y"})
    db.session.expire_all()
    kinds = {update.kind: update.summary_cy for update in db.session.scalars(select(NoticeUpdate))}
    assert kinds[UpdateKind.UPDATED] == "Mae'r dŵr yn gostwng."
    assert kinds[UpdateKind.RESOLVED] == "Ffyrdd ar agor."


def test_a_standard_notice_carries_both_languages_and_fills_both(client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    post_form(client_request, "/staff/templates/new", {
        "name": "Road closed", "service": _service(), "impact": "major",
        "title": "Road closed in {area}", "title_cy": "Ffordd ar gau yn {area}",
        "summary": "The road is closed.", "summary_cy": "Mae'r ffordd ar gau.",
        "advice": "Use another route.", "advice_cy": "Defnyddiwch ffordd arall."})
    template = db.session.scalar(select(NoticeTemplate).where(NoticeTemplate.name == "Road closed"))
    assert template.title_cy == "Ffordd ar gau yn {area}"
    sign_in_as(Role.OFFICER)
    page = client_request.get(f"/staff/notices/new?template={template.id}")
    assert page.soup.select_one("#title_cy")["value"] == "Ffordd ar gau yn {area}"
    form = notice_form(title="Road closed in {area}", title_cy="Ffordd ar gau yn {area}")
    response = post_form(client_request, "/staff/notices/new",
                         {**form, "template": str(template.id), "placeholder_area": "Aberaeron"})
    notice = db.session.get(Notice, int(response.headers["Location"].rstrip("/").split("/")[-1]))
    assert (notice.title, notice.title_cy) == ("Road closed in Aberaeron", "Ffordd ar gau yn Aberaeron")


def test_copying_a_notice_copies_both_languages(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    notice = create_draft(client_request)
    page = client_request.get(f"/staff/notices/new?copy={notice.id}")
    assert page.soup.select_one("#title_cy")["value"] == "Ffyrdd ar gau oherwydd llifogydd"
    assert page.soup.select_one("#summary_cy").get_text() == "Mae sawl ffordd o dan ddŵr."


def test_the_welsh_staff_pages_speak_welsh(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    page = client_request.get("/cy/staff/notices/new")
    assert page.h1 == "Hysbysiad newydd"


API_NOTICE = {"title": {"cy": "Graeanu ar yr A487", "en": "Gritting on the A487"}, "impact": "minor",
              "summary": {"cy": "Mae'r graeanwyr allan heno.", "en": "Gritters are out tonight."},
              "advice": {"cy": "Gyrrwch yn ofalus.", "en": "Drive carefully."}}


def test_the_api_publishes_a_notice_in_both_languages(client) -> None:
    headers = make_token()
    response = client.post("/api/v1/notices", json={**API_NOTICE, "service": _service(), "areas": [_area()]},
                           headers=headers)
    assert response.status_code == 201, response.json
    notice = db.session.get(Notice, response.json["id"])
    assert (notice.title, notice.title_cy) == ("Gritting on the A487", "Graeanu ar yr A487")
    assert (notice.summary_cy, notice.advice_cy) == ("Mae'r graeanwyr allan heno.", "Gyrrwch yn ofalus.")
    response = client.post(f"/api/v1/notices/{notice.id}/updates",
                           json={"summary": {"cy": "Yn dal yn rhewllyd.", "en": "Still icy."}}, headers=headers)
    assert response.status_code == 201, response.json
    response = client.post(f"/api/v1/notices/{notice.id}/resolve",
                           json={"summary": {"cy": "Ffyrdd yn glir.", "en": "Roads clear."}}, headers=headers)
    assert response.status_code == 200, response.json
    summaries = [update.summary_cy for update in db.session.scalars(select(NoticeUpdate).order_by(NoticeUpdate.id))]
    assert summaries == ["Mae'r graeanwyr allan heno.", "Yn dal yn rhewllyd.", "Ffyrdd yn glir."]


def test_the_api_refuses_one_language_naming_the_field(client) -> None:
    body = {**API_NOTICE, "service": _service(), "areas": [_area()], "title": "Gritting on the A487"}
    response = client.post("/api/v1/notices?lang=en", json=body, headers=make_token())
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"] == {"title": 'title must give Welsh and English: {"cy": "…", "en": "…"}'}


def test_the_api_checks_each_language_like_the_plain_field(client) -> None:
    body = {**API_NOTICE, "service": _service(), "areas": [_area()], "title": {"cy": "", "en": "x" * 201}}
    response = client.post("/api/v1/notices?lang=en", json=body, headers=make_token())
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"title.cy", "title.en"}
    assert db.session.scalar(select(Notice.id)) is None


def test_the_openapi_document_describes_both_languages(client) -> None:
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["NewNotice"]["properties"]["title"]
    assert schema["type"] == "object" and schema["required"] == ["cy", "en"]


def test_a_scheduled_or_approved_notice_without_its_welsh_is_not_published(client_request, sign_in_as) -> None:
    officer = sign_in_as(Role.OFFICER)
    notice = create_draft(client_request)
    notice.status, notice.publish_at_utc = NoticeStatus.SCHEDULED, notice.starts_at_utc
    notice.requested_by_id = officer.id
    notice.summary_cy = None
    db.session.commit()
    assert publishing.publish_due_notices() == 0
    assert db.session.get(Notice, notice.id).status == NoticeStatus.SCHEDULED

    notice.status, notice.publish_at_utc = NoticeStatus.AWAITING_APPROVAL, None
    db.session.commit()
    approver = sign_in_as(Role.OFFICER)
    try:
        publishing.approve(notice, publishing.Actor.staff(approver, None))
        raise AssertionError("approved without Welsh")
    except publishing.NoticeStateError as refusal:
        assert "in Welsh as well as English" in str(refusal)
    assert db.session.get(Notice, notice.id).status == NoticeStatus.AWAITING_APPROVAL


def test_resolving_several_notices_at_once_takes_both_languages(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    notice = create_draft(client_request, notify="")
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    page = client_request.get(f"/staff/notices/bulk?action=resolve&notices={notice.id}")
    assert page.soup.select_one("#summary_cy")["lang"] == "cy"
    page = post_form(client_request, "/staff/notices/bulk",
                     {"action": "resolve", "notices": str(notice.id), "summary": "Roads open.", "summary_cy": ""},
                     expected_status=400)
    assert "Enter what residents need to know in Welsh" in page.error_summary()
    post_form(client_request, "/staff/notices/bulk", {"action": "resolve", "notices": str(notice.id),
                                                      "summary": "Roads open.", "summary_cy": "Ffyrdd ar agor."})
    db.session.expire_all()
    assert notice.status == NoticeStatus.RESOLVED
    assert notice.updates[-1].summary_cy == "Ffyrdd ar agor."
