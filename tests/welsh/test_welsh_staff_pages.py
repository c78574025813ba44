"""Staff pages in Welsh at /cy/staff/…, English at /staff/… as before: the same forms, words from the catalogue, and
links that stay in the page's language."""

from __future__ import annotations

from alerts.models import Role
from tests import factories
from tests.staff.conftest import sign_in


def _labels(page) -> list[str]:
    return [label.get_text(strip=True) for label in page.select("label.govuk-label")]


def _button(page) -> str:
    """The form's own button, not the password box's Show toggle."""
    return page.soup.select_one("form button.govuk-button:not(.govuk-password-input__toggle)").get_text(strip=True)


def test_the_welsh_sign_in_page_is_in_welsh(client_request) -> None:
    page = client_request.get("/cy/staff/sign-in")
    assert page.soup.html["lang"] == "cy"
    assert page.h1 == "Mewngofnodi"
    assert _labels(page) == ["Cyfeiriad e-bost", "Cyfrinair"]
    assert _button(page) == "Mewngofnodi"
    assert page.soup.select_one(".govuk-password-input__toggle").get_text(strip=True) == "Dangos"
    forgot = page.soup.find("a", string="Wedi anghofio eich cyfrinair?")
    assert forgot["href"] == "/cy/staff/forgot-password"


def test_the_english_sign_in_page_is_unchanged(client_request) -> None:
    page = client_request.get("/staff/sign-in")
    assert page.soup.html["lang"] == "en"
    assert page.h1 == "Sign in"
    assert _labels(page) == ["Email address", "Password"]
    assert _button(page) == "Sign in"
    assert page.soup.select_one(".govuk-password-input__toggle").get_text(strip=True) == "Show"
    assert page.soup.find("a", string="Forgot your password?")["href"] == "/staff/forgot-password"


def test_a_welsh_sign_in_form_left_blank_explains_in_welsh(client_request) -> None:
    page = client_request.post_form("/cy/staff/sign-in", {"email": "", "password": ""}, expected_status=400)
    assert page.title.startswith("Gwall: ")
    assert page.soup.select_one(".govuk-error-summary__title").get_text(strip=True) == "Mae problem"
    assert page.error_summary() == ["Rhowch eich cyfeiriad e-bost", "Rhowch eich cyfrinair"]


def test_a_wrong_password_is_refused_in_welsh(client_request) -> None:
    user = factories.StaffUserFactory(role=Role.OFFICER)
    page = client_request.post_form("/cy/staff/sign-in", {"email": user.email, "password": "not the password"},
                                    expected_status=400)
    assert page.error_summary() == ["Rhowch gyfeiriad e-bost a chyfrinair cywir"]


def test_an_officers_dashboard_in_welsh(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.OFFICER))
    page = client_request.get("/cy/staff/")
    assert page.soup.html["lang"] == "cy"
    assert page.h1 == "Dangosfwrdd staff"
    links = {a.get_text(strip=True): a["href"] for a in page.select("main a.govuk-link")}
    assert links["Cyhoeddi hysbysiad newydd"] == "/cy/staff/notices/new"
    assert links["Pob hysbysiad"] == "/cy/staff/notices"
    headings = [h2.get_text(strip=True) for h2 in page.select("main h2")]
    assert "Hysbysiadau byw" in headings and "I ddod i ben yn fuan" in headings
    assert "Nid oes hysbysiadau byw." in page.text


def test_the_same_dashboard_in_english(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.OFFICER))
    page = client_request.get("/staff/")
    assert page.soup.html["lang"] == "en"
    assert page.h1 == "Staff dashboard"
    links = {a.get_text(strip=True): a["href"] for a in page.select("main a.govuk-link")}
    assert links["Publish a new notice"] == "/staff/notices/new"


def test_a_staff_form_with_errors_has_a_welsh_error_summary(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.OFFICER))
    page = client_request.post_form("/cy/staff/headline", {"text": "", "text_cy": "", "ends_at": ""},
                                    expected_status=400)
    assert page.title.startswith("Gwall: ")
    assert page.error_summary() == ["Rhowch y pennawd yn Gymraeg", "Rhowch y pennawd yn Saesneg",
                                    "Rhowch pryd mae’r pennawd yn dod i ben"]
    assert [label.get_text(strip=True) for label in page.select("label.govuk-label")] == [
        "Pennawd yn Gymraeg", "Pennawd yn Saesneg", "Ei ddangos tan"]


def test_an_admins_staff_users_page_names_roles_in_welsh(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.ADMIN))
    page = client_request.get("/cy/staff/users")
    roles = [cell.get_text(strip=True) for cell in page.select('#users td[data-label="Rôl"]')]
    assert roles and set(roles) <= {"Swyddog", "Canolfan gyswllt", "Rheolwr", "Gweinyddwr"}
    assert "Gweinyddwr" in roles


def test_every_admin_page_reads_in_welsh(client_request) -> None:
    admin = factories.StaffUserFactory(role=Role.ADMIN)
    sign_in(client_request, admin)
    for path, heading in [("/cy/staff/account", "Eich cyfrif"), ("/cy/staff/account/password", "Newid eich cyfrinair"),
                          ("/cy/staff/api-tokens", "Tocynnau API"), ("/cy/staff/audit", "Log archwilio"),
                          ("/cy/staff/feed-sources", "Ffynonellau ffrwd"),
                          ("/cy/staff/feed-sources/new", "Ychwanegu ffynhonnell ffrwd"),
                          ("/cy/staff/headline", "Pennawd ar y dudalen gychwyn a’r faner"),
                          ("/cy/staff/insight", "Mewnwelediad"), ("/cy/staff/lookup", "Chwilio’r ganolfan gyswllt"),
                          ("/cy/staff/lookup/sign-up", "Cofrestru galwr dros y ffôn"),
                          ("/cy/staff/notices", "Hysbysiadau"), ("/cy/staff/outbox", "Blwch anfon"),
                          ("/cy/staff/users", "Defnyddwyr staff"), (f"/cy/staff/users/{admin.id}", admin.email)]:
        page = client_request.get(path)
        assert (page.soup.html["lang"], page.h1) == ("cy", heading), path


def test_the_audit_log_names_actions_in_welsh(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.ADMIN))
    page = client_request.get("/cy/staff/audit")
    actions = {cell.get_text(strip=True) for cell in page.select('#events td[data-label="Gweithred"]')}
    assert "Mewngofnododd" in actions
    english = client_request.get("/staff/audit")
    assert "Signed in" in {cell.get_text(strip=True)
                                           for cell in english.select('#events td[data-label="Action"]')}


def test_a_subscriber_reads_in_welsh_for_the_contact_centre(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.CONTACT_CENTRE))
    resident = factories.SubscriberFactory(area_ids=[])
    page = client_request.get(f"/cy/staff/lookup/subscribers/{resident.public_id}")
    rows = {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)
            for row in page.select(".govuk-summary-list__row")}
    assert rows["Rhybuddion drwy"] == "E-bost"
    assert rows["Ardaloedd"] == "Dim"
    assert rows["Gwasanaethau"] == "Pob gwasanaeth"
    assert page.soup.select_one(".govuk-back-link")["href"] == "/cy/staff/lookup"
