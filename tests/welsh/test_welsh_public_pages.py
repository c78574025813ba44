"""A resident of a council in Wales reads every public page in Welsh under /cy/: the search, the results, notices
written in both languages, the information and error pages, the feedback answer and the partner banner. The
English twins on the same app stay English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import render_template, render_template_string
from flask_babel import force_locale

from alerts.extensions import db
from alerts.models import Area, NoticeUpdate, Service, UpdateKind
from alerts.text import hidden_character_error
from alerts.web.languages import LANGUAGE_KEY


@pytest.fixture
def welsh_names(db) -> Iterator[None]:
    db.session.get(Area, "aberystwyth").name_cy = "Aberystwyth (Cymraeg)"
    db.session.get(Service, "bins-and-recycling").name_cy = "Biniau ac ailgylchu"
    db.session.commit()
    yield
    db.session.get(Area, "aberystwyth").name_cy = None
    db.session.get(Service, "bins-and-recycling").name_cy = None
    db.session.commit()


def a_bilingual_notice(factories, **overrides):
    fields = {"title": "Bin collections suspended", "title_cy": "Casgliadau biniau wedi’u hatal",
              "summary": "Collections are suspended because of snow.",
              "summary_cy": "Mae casgliadau wedi’u hatal oherwydd eira.",
              "advice": "Keep your bins inside.", "advice_cy": "Cadwch eich biniau y tu mewn.",
              "area_ids": ["aberystwyth"]}
    notice = factories.NoticeFactory(**(fields | overrides))
    notice.updates[0].summary_cy = notice.summary_cy
    notice.updates[0].advice_cy = notice.advice_cy
    db.session.commit()
    return notice


def test_the_start_page_reads_in_welsh(client_request) -> None:
    page = client_request.get("/cy/")
    assert page.h1 == "Darganfod pa wasanaethau a allai gael eu heffeithio yn eich ardal"
    assert page.title.startswith("Darganfod pa wasanaethau a allai gael eu heffeithio yn eich ardal – ")
    assert page.soup.select_one("label[for=postcode]").get_text(strip=True) == "Rhowch eich cod post"
    assert page.soup.select_one("#postcode-hint").get_text(strip=True) == "Er enghraifft, SY23 3UE"
    assert page.soup.select_one("form .govuk-button").get_text(strip=True) == "Dod o hyd i darfu"
    assert page.soup.select_one("form")["action"] == "/cy/notices"
    links = {a.get_text(strip=True): a["href"] for a in page.select("main a")}
    assert links["Cael e-bost neu neges destun"] == "/cy/subscribe"


def test_the_start_page_headline_reads_in_welsh_while_something_is_disrupted(client_request, factories) -> None:
    a_bilingual_notice(factories)
    page = client_request.get("/cy/")
    banner = page.soup.select_one(".govuk-notification-banner")
    assert banner.select_one(".govuk-notification-banner__title").get_text(strip=True) == "Pwysig"
    assert banner.select_one(".govuk-notification-banner__heading").get_text(strip=True) == (
        "Mae tarfu ar 1 gwasanaeth yn Ceredigion.")
    english = client_request.get("/").soup.select_one(".govuk-notification-banner")
    assert english.select_one(".govuk-notification-banner__title").get_text(strip=True) == "Important"
    assert "There is disruption to 1 service in Ceredigion." in english.get_text()


def test_results_for_a_postcode_show_the_notice_in_welsh(client_request, factories, welsh_names) -> None:
    notice = a_bilingual_notice(factories, impact="severe")
    page = client_request.get("/cy/notices?postcode=SY23+3UE")
    assert page.h1 == "Tarfu ger SY23 3UE"
    assert page.title.startswith("Tarfu ger SY23 3UE – ")
    assert "Mae 1 hysbysiad yn effeithio ar wasanaethau yn Aberystwyth (Cymraeg)." in page.text
    card = page.soup.select_one(".app-notice-card")
    assert card.select_one(".govuk-summary-card__title a").get_text(strip=True) == "Casgliadau biniau wedi’u hatal"
    assert card.select_one(".govuk-summary-card__title a")["href"] == f"/cy/notices/{notice.id}?postcode=SY23+3UE"
    assert card.select_one(".app-impact-tag").get_text(strip=True) == "Difrifol: wedi’i atal neu ar gau"
    rows = {row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True)
            for row in card.select(".govuk-summary-list__row")}
    assert rows["Gwasanaeth"] == "Biniau ac ailgylchu"
    assert rows["Ardaloedd"] == "Aberystwyth (Cymraeg)"
    assert "Dechreuodd" in rows and "Disgwylir iddo ddod i ben" in rows
    assert "Mae casgliadau wedi’u hatal oherwydd eira." in card.get_text()
    assert page.soup.select_one("a[href='/cy/subscribe?postcode=SY23%203UE']").get_text(strip=True) == (
        "Cael rhybuddion ar gyfer Aberystwyth (Cymraeg)")


def test_a_postcode_with_nothing_disrupted_says_so_in_welsh(client_request) -> None:
    page = client_request.get("/cy/notices?postcode=SY23+3UE")
    assert "Nid oes tarfu wedi’i adrodd ar wasanaethau’r cyngor yn Aberystwyth ar hyn o bryd." in page.text


def test_the_english_twin_shows_the_english_texts(client_request, factories, welsh_names) -> None:
    a_bilingual_notice(factories)
    page = client_request.get("/notices?postcode=SY23+3UE")
    card = page.soup.select_one(".app-notice-card")
    assert card.select_one(".govuk-summary-card__title a").get_text(strip=True) == "Bin collections suspended"
    assert "1 notice affects services in Aberystwyth." in page.text
    assert "Bins and recycling" in card.get_text() and "Biniau" not in page.text


def test_a_notice_page_reads_in_welsh(client_request, factories, welsh_names) -> None:
    notice = a_bilingual_notice(factories)
    notice.updates.append(NoticeUpdate(kind=UpdateKind.UPDATED, summary="One lane has reopened.",
                                       summary_cy="Mae un lôn wedi ailagor."))
    db.session.commit()
    page = client_request.get(f"/cy/notices/{notice.id}")
    assert page.h1 == "Casgliadau biniau wedi’u hatal"
    assert page.soup.select_one(".govuk-caption-l").get_text(strip=True) == "Biniau ac ailgylchu"
    assert page.soup.select_one(".app-impact-tag").get_text(strip=True) == "Mawr: wedi cau yn rhannol"
    headings = [h.get_text(strip=True) for h in page.select("main h2")]
    assert headings[:3] == ["Beth sy’n digwydd", "Beth y dylech ei wneud", "Diweddariadau"]
    assert "Mae casgliadau wedi’u hatal oherwydd eira." in page.text
    assert "Cadwch eich biniau y tu mewn." in page.text
    timeline = page.soup.select_one(".app-timeline")
    assert [h.get_text(" ", strip=True).split(":")[0] for h in timeline.select("h3")] == ["Diweddariad", "Cyhoeddwyd"]
    assert "Mae un lôn wedi ailagor." in timeline.get_text()
    assert "One lane" not in timeline.get_text()
    assert any(month in page.soup.select_one("time").get_text() for month in (
        "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
        "Tachwedd", "Rhagfyr"))
    assert page.soup.select_one(".app-feedback legend").get_text(strip=True) == "Oedd hyn yn ddefnyddiol?"
    assert [b.get_text(strip=True) for b in page.select(".app-feedback button")] == ["Oedd", "Nac oedd"]
    assert page.soup.select_one(".app-feedback")["action"] == f"/cy/notices/{notice.id}/feedback"
    assert page.soup.select_one("main a[href='/cy/subscribe']").get_text(strip=True) == (
        "Cael rhybuddion ar gyfer Aberystwyth (Cymraeg)")


def test_a_notice_without_welsh_shows_its_english(client_request, factories) -> None:
    notice = factories.NoticeFactory(title="Road closed", area_ids=["aberystwyth"])
    page = client_request.get(f"/cy/notices/{notice.id}")
    assert page.h1 == "Road closed"
    assert "Beth sy’n digwydd" in page.text


def test_a_resolved_notice_says_so_in_welsh(client_request, factories) -> None:
    notice = a_bilingual_notice(factories, status="resolved")
    page = client_request.get(f"/cy/notices/{notice.id}")
    banner = page.soup.select_one(".govuk-notification-banner")
    assert banner.select_one(".govuk-notification-banner__title").get_text(strip=True) == "Wedi’i ddatrys"
    assert banner.select_one(".govuk-notification-banner__heading").get_text(" ", strip=True).startswith(
        "Mae’r tarfu hwn wedi’i ddatrys (")
    assert "Beth ddigwyddodd" in page.text


def test_feedback_is_thanked_in_welsh(client_request, factories) -> None:
    notice = a_bilingual_notice(factories)
    response = client_request.client.post(f"/cy/notices/{notice.id}/feedback", data={"answer": "yes"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cy/notices/{notice.id}/thank-you")
    page = client_request.get(f"/cy/notices/{notice.id}/thank-you")
    assert page.h1 == "Diolch am eich adborth"
    assert page.soup.select_one(f"a[href='/cy/notices/{notice.id}']").get_text(strip=True) == (
        "Yn ôl i Casgliadau biniau wedi’u hatal")


def test_the_email_feedback_page_asks_in_welsh_and_posts_to_the_welsh_page(client_request, factories) -> None:
    from alerts.links import feedback_signature

    notice = a_bilingual_notice(factories)
    path = f"/cy/notices/{notice.id}/feedback/no/{feedback_signature(notice.id, 'no')}"
    page = client_request.get(path)
    assert page.h1 == "Oedd yr hysbysiad hwn yn ddefnyddiol?"
    assert "Eich ateb: Nac oedd" in page.text
    assert page.soup.select_one("main form")["action"] == path
    assert page.soup.select_one("main form .govuk-button").get_text(strip=True) == "Anfon eich ateb"


def test_a_postcode_outside_the_area_is_told_so_in_welsh(client_request) -> None:
    page = client_request.get("/cy/notices?postcode=CF10+1AA")
    assert page.h1 == "Mae CF10 1AA y tu allan i ardal Cyngor Sir Ceredigion"
    assert "Dim ond gwasanaethau a gynhelir gan Cyngor Sir Ceredigion" in page.text
    assert page.soup.select_one("main a[href='/cy/']").get_text(strip=True) == "Chwilio am god post arall"


@pytest.mark.parametrize(("typed", "message"), [
    ("nonsense", "Rhowch god post llawn yn y DU, fel SY23 3UE"),
    ("", "Rhowch god post"),
])
def test_a_postcode_error_reads_in_welsh_with_the_govuk_error_summary(client_request, typed, message) -> None:
    page = client_request.get(f"/cy/notices?postcode={typed}", expected_status=400)
    assert page.title.startswith("Gwall: Darganfod pa wasanaethau")
    assert page.soup.select_one(".govuk-error-summary__title").get_text(strip=True) == "Mae problem"
    assert page.error_summary() == [message]
    error = page.soup.select_one("#postcode-error")
    assert error.get_text(" ", strip=True) == f"Gwall: {message}"


def test_the_english_postcode_error_stays_english(client_request) -> None:
    page = client_request.get("/notices?postcode=nonsense", expected_status=400)
    assert page.error_summary() == ["Enter a full UK postcode, like SY23 3UE"]
    assert page.soup.select_one("#postcode-error").get_text(" ", strip=True) == (
        "Error: Enter a full UK postcode, like SY23 3UE")


@pytest.mark.parametrize(("path", "h1", "h2"), [
    ("/cy/accessibility", "Datganiad hygyrchedd ar gyfer", "Pa mor hygyrch yw’r gwasanaeth hwn"),
    ("/cy/privacy", "Hysbysiad preifatrwydd", "Pwy sy’n gyfrifol am eich gwybodaeth"),
    ("/cy/cookies", "Cwcis", "Cwci hanfodol"),
    ("/cy/open-data", "Data agored", "API"),
])
def test_information_pages_read_in_welsh(client_request, path, h1, h2) -> None:
    page = client_request.get(path)
    assert page.h1.startswith(h1)
    assert page.soup.select_one("main h2").get_text(strip=True) == h2
    assert page.soup.html["lang"] == "cy"


def test_the_privacy_notice_gives_its_periods_and_links_in_welsh(client_request) -> None:
    page = client_request.get("/cy/privacy")
    periods = page.soup.select_one("#retention-periods").get_text(" ", strip=True)
    assert "rydym yn dileu eich manylion ar ôl" in periods and "awr" in periods
    links = {a.get_text(strip=True): a["href"] for a in page.select("main a")}
    assert links["reoli eich rhybuddion"] == "/cy/manage"
    assert links["ofyn am ddolen newydd"] == "/cy/manage"


def test_the_accessibility_statement_keeps_its_contacts(client_request) -> None:
    page = client_request.get("/cy/accessibility")
    assert "anfonwch e-bost at alerts@ceredigion.gov.uk" in page.text
    assert "chwyddo hyd at 400% heb i’r testun ddisgyn oddi ar y sgrin" in page.text


def test_a_missing_page_says_so_in_welsh(client_request) -> None:
    page = client_request.get("/cy/no-such-page", expected_status=404)
    assert page.h1 == "Heb ddod o hyd i’r dudalen"
    assert page.soup.html["lang"] == "cy"
    assert page.soup.select_one("main a[href='/cy/']").get_text(strip=True) == (
        "wirio am darfu ar wasanaethau Cyngor Sir Ceredigion yn ôl cod post")


def _welsh_request(app, path="/cy/"):
    return app.test_request_context(path.removeprefix("/cy"), environ_base={LANGUAGE_KEY: "cy"},
                                    base_url="http://localhost/cy")


def test_too_many_attempts_reads_in_welsh(app) -> None:
    with _welsh_request(app):
        html = render_template("errors/429.html", retry_after_minutes=5)
    assert "Mae’n ddrwg gennym, bu gormod o ymdrechion" in html
    assert "Arhoswch 5 munud, yna rhowch gynnig arall arni." in html
    assert "Cysylltwch â gwasanaethau cwsmeriaid Cyngor Sir Ceredigion." in html


def test_a_broken_page_reads_in_welsh(app) -> None:
    with _welsh_request(app):
        html = render_template("errors/500.html")
    assert '<html lang="cy"' in html
    assert "Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth" in html
    assert "Rhowch gynnig arall arni yn nes ymlaen." in html


def test_the_partner_banner_reads_in_welsh(app, client_request, factories) -> None:
    a_bilingual_notice(factories)
    response = client_request.client.get("/cy/embed/banner")
    html = response.get_data(as_text=True)
    assert '<html lang="cy">' in html
    assert "<title>Tarfu ar wasanaethau Cyngor Sir Ceredigion</title>" in html
    assert 'aria-label="Tarfu ar wasanaethau’r cyngor"' in html
    assert "Mae tarfu ar 1 gwasanaeth yn Ceredigion." in html
    base = app.config["BASE_URL"].rstrip("/")
    assert (f'href="{base}/cy/" target="_top">Darganfod pa wasanaethau a allai gael eu heffeithio yn eich '
            "ardal.</a>") in html
    english = client_request.client.get("/embed/banner").get_data(as_text=True)
    assert '<html lang="en">' in english and "Find out what services may be affected in your area." in english


@pytest.mark.parametrize(("language", "texts"), [
    ("cy", ["Gwall:", "Pwysig", "Yn ôl", "Diwrnod", "Mis", "Blwyddyn", "Rhybudd"]),
    ("en", ["Error:", "Important", "Back", "Day", "Month", "Year", "Warning"]),
])
def test_govuk_components_say_their_own_words_in_the_page_language(app, language, texts) -> None:
    page = """
    {%- from "govuk_frontend_jinja/components/error-message/macro.html" import govukErrorMessage -%}
    {%- from "govuk_frontend_jinja/components/notification-banner/macro.html" import govukNotificationBanner -%}
    {%- from "govuk_frontend_jinja/components/back-link/macro.html" import govukBackLink -%}
    {%- from "govuk_frontend_jinja/components/date-input/macro.html" import govukDateInput -%}
    {%- from "govuk_frontend_jinja/components/warning-text/macro.html" import govukWarningText -%}
    {{ govukErrorMessage({"text": "x"}) }} {{ govukNotificationBanner({"text": "x"}) }}
    {{ govukBackLink({"href": "/"}) }} {{ govukDateInput({"id": "d", "namePrefix": "d"}) }}
    {{ govukWarningText({"text": "x"}) }}"""
    context = _welsh_request(app) if language == "cy" else app.test_request_context("/")
    with context:
        html = render_template_string(page)
    for text in texts:
        assert text in html


def test_a_hidden_character_error_is_in_the_readers_language(app) -> None:
    with app.test_request_context("/"):
        with force_locale("cy"):
            assert hidden_character_error("Teitl", "a\x0bb") == (
                "Ni ddylai Teitl gynnwys nodau rheoli cudd (U+000B): teipiwch ef eto, neu ei ludo fel testun plaen")
        assert hidden_character_error("Title", "a\x0bb") == (
            "Title must not contain hidden control characters (U+000B): retype it, or paste it as plain text")


def test_a_postcode_district_that_does_not_exist_is_told_so_in_welsh(client_request) -> None:
    page = client_request.get("/cy/notices?postcode=SY99+9ZZ")
    assert page.h1 == "Nid oeddem yn gallu dod o hyd i SY99 9ZZ"
    assert "Nid oes ardal cod post SY99. Gwiriwch y cod post a chwiliwch eto." in page.text


@pytest.mark.parametrize(("template", "h1"), [
    ("errors/403.html", "Ni allwch weld y dudalen hon"),
    ("errors/413.html", "Mae’r hyn a anfonwyd gennych yn rhy fawr"),
])
def test_other_error_pages_read_in_welsh(app, template, h1) -> None:
    with _welsh_request(app):
        html = render_template(template)
    assert f'<h1 class="govuk-heading-l">{h1}</h1>' in html


def test_the_open_data_page_says_how_to_ask_for_either_language(client_request) -> None:
    page = client_request.get("/cy/open-data", expected_status=200)
    assert "Cymraeg a Saesneg" in page.text and "?lang=cy" in page.text
