"""Open data of a council in Wales: a CAP alert with an info block per language, Atom and RSS in Welsh, and the API
answering in the language asked for, saying which, with Welsh problems."""

from __future__ import annotations

import io

import feedparser
import pytest
from flask.testing import FlaskClient
from lxml import etree

from alerts.data import reference
from alerts.extensions import db
from alerts.languages import WELSH, text_in
from alerts.models import Notice
from alerts.profile import council
from tests.xml_schemas import cap_schema

CAP = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
AREA_CY = "Ardal y Prawf"  # a Welsh name written for the test, whatever the profile calls the area


def welsh_council_name() -> str:
    return text_in(council(), "name", WELSH)


@pytest.fixture
def notice(factories) -> Notice:
    """A bilingual notice in one of the council's areas, with the Welsh names of its area and service written."""
    area = reference.list_areas(include_whole_county=False)[0]
    area.name_cy = AREA_CY
    reference.get_service("bins-and-recycling").name_cy = "Biniau ac ailgylchu"
    made = factories.NoticeFactory(
        title="Bin collections suspended", title_cy="Casgliadau biniau wedi'u hatal",
        summary="Collections are suspended because of snow.", summary_cy="Mae casgliadau wedi'u hatal oherwydd eira.",
        advice="Keep your bins inside.", advice_cy="Cadwch eich biniau y tu mewn.", area_ids=[area.id])
    made.updates[0].summary_cy = made.summary_cy
    made.updates[0].advice_cy = made.advice_cy
    db.session.commit()
    return made


def test_a_cap_alert_has_a_valid_info_block_per_language_welsh_first(client: FlaskClient, notice: Notice) -> None:
    response = client.get(f"/cap/{notice.id}.xml")
    alert = etree.fromstring(response.data)

    assert cap_schema().validate(alert), cap_schema().error_log
    welsh, english = alert.findall("cap:info", CAP)
    assert welsh.findtext("cap:language", namespaces=CAP) == "cy"
    assert welsh.findtext("cap:headline", namespaces=CAP) == "Casgliadau biniau wedi'u hatal"
    assert welsh.findtext("cap:description", namespaces=CAP) == "Mae casgliadau wedi'u hatal oherwydd eira."
    assert welsh.findtext("cap:instruction", namespaces=CAP) == "Cadwch eich biniau y tu mewn."
    assert welsh.findtext("cap:event", namespaces=CAP) == "Tarfu ar wasanaeth: Biniau ac ailgylchu"
    assert welsh.findtext("cap:area/cap:areaDesc", namespaces=CAP) == AREA_CY
    assert welsh.findtext("cap:web", namespaces=CAP) == f"http://localhost/cy/notices/{notice.id}"
    assert english.findtext("cap:language", namespaces=CAP) == "en-GB"
    assert english.findtext("cap:headline", namespaces=CAP) == "Bin collections suspended"
    assert english.findtext("cap:event", namespaces=CAP) == f"{notice.service.name} disruption"
    assert english.findtext("cap:area/cap:areaDesc", namespaces=CAP) == notice.areas[0].name
    assert english.findtext("cap:web", namespaces=CAP) == f"http://localhost/notices/{notice.id}"
    assert "Content-Language" not in response.headers  # both languages at once, the same whoever asks


def test_a_cap_alert_without_welsh_written_falls_back_to_english_and_stays_valid(client: FlaskClient,
                                                                                 factories) -> None:
    notice = factories.NoticeFactory(title="Road closed", whole_county=True, area_ids=["whole-county"])

    alert = etree.fromstring(client.get(f"/cap/{notice.id}.xml").data)

    assert cap_schema().validate(alert), cap_schema().error_log
    welsh, _english = alert.findall("cap:info", CAP)
    assert welsh.findtext("cap:headline", namespaces=CAP) == "Road closed"
    assert welsh.findtext("cap:area/cap:areaDesc", namespaces=CAP) == f"Ardal {welsh_council_name()}"
    assert welsh.findtext("cap:senderName", namespaces=CAP) == welsh_council_name()


@pytest.mark.parametrize("url", ["/cy/feeds/notices.atom", "/feeds/notices.atom?lang=cy"])
def test_the_welsh_atom_feed_is_in_welsh(client: FlaskClient, notice: Notice, url: str) -> None:
    response = client.get(url)
    root = etree.fromstring(response.data)
    feed = feedparser.parse(io.BytesIO(response.data))

    assert feed.bozo == 0
    assert root.get(XML_LANG) == "cy"
    assert response.headers["Content-Language"] == "cy"
    assert "Vary" not in response.headers  # the URL says the language
    entry = feed.entries[0]
    assert entry.title == "Casgliadau biniau wedi'u hatal"
    assert entry.link == f"http://localhost/cy/notices/{notice.id}"
    assert entry.id.endswith(f":notice:{notice.id}:cy")
    assert "Mae casgliadau wedi'u hatal oherwydd eira." in entry.content[0].value
    assert "Beth y dylech ei wneud: Cadwch eich biniau y tu mewn." in entry.content[0].value
    assert f"Ardaloedd: {AREA_CY}" in entry.content[0].value
    assert feed.feed.subtitle.startswith(f"Tarfu ar wasanaethau {welsh_council_name()}:")
    assert {link.rel: link.href for link in feed.feed.links}["self"] == "http://localhost" + url


def test_the_english_feed_of_a_welsh_council_is_english(client: FlaskClient, notice: Notice) -> None:
    root = etree.fromstring(client.get("/feeds/notices.atom?lang=en").data)
    feed = feedparser.parse(io.BytesIO(etree.tostring(root)))

    assert root.get(XML_LANG) == "en-GB"
    assert feed.entries[0].title == "Bin collections suspended"
    assert feed.entries[0].link == f"http://localhost/notices/{notice.id}"


def test_the_welsh_rss_feed_names_its_language(client: FlaskClient, notice: Notice) -> None:
    feed = feedparser.parse(io.BytesIO(client.get("/cy/feeds/notices.rss").data))

    assert feed.bozo == 0
    assert feed.feed.language == "cy"
    assert feed.entries[0].title == "Casgliadau biniau wedi'u hatal"
    assert feed.entries[0].link == f"http://localhost/cy/notices/{notice.id}"


def test_the_welsh_cap_index_links_to_welsh_pages(client: FlaskClient, notice: Notice) -> None:
    root = etree.fromstring(client.get("/cy/feeds/cap.atom").data)
    atom = {"a": "http://www.w3.org/2005/Atom"}

    assert root.get(XML_LANG) == "cy"
    assert root.findtext("a:title", namespaces=atom) == f"Rhybuddion CAP {welsh_council_name()}"
    related = root.find("a:entry/a:link[@rel='related']", atom)
    assert related.get("href") == f"http://localhost/cy/notices/{notice.id}"


def test_a_feed_chosen_by_accept_language_varies_on_it_with_its_own_etag(client: FlaskClient, notice: Notice) -> None:
    welsh = client.get("/feeds/notices.atom", headers={"Accept-Language": "cy"})
    english = client.get("/feeds/notices.atom", headers={"Accept-Language": "en-GB,en;q=0.9"})

    assert "Accept-Language" in welsh.headers["Vary"]
    assert etree.fromstring(welsh.data).get(XML_LANG) == "cy"
    assert etree.fromstring(english.data).get(XML_LANG) == "en-GB"
    assert welsh.headers["ETag"] != english.headers["ETag"]
    assert welsh.headers["ETag"] != client.get("/cy/feeds/notices.atom").headers["ETag"]
    assert client.get("/feeds/notices.atom", headers={"If-None-Match": welsh.headers["ETag"],
                                                      "Accept-Language": "en"}).status_code == 200


@pytest.mark.parametrize(("ask", "headers"), [
    ("/api/v1/notices?lang=cy", {}),
    ("/api/v1/notices", {"Accept-Language": "cy"}),
    ("/cy/api/v1/notices", {}),
])
def test_the_api_answers_in_welsh_when_asked(client: FlaskClient, notice: Notice, ask: str, headers: dict) -> None:
    response = client.get(ask, headers=headers)

    assert response.headers["Content-Language"] == "cy"
    shown = response.get_json()["notices"][0]
    assert shown["title"] == "Casgliadau biniau wedi'u hatal"
    assert shown["summary"] == "Mae casgliadau wedi'u hatal oherwydd eira."
    assert shown["advice"] == "Cadwch eich biniau y tu mewn."
    assert shown["service"]["name"] == "Biniau ac ailgylchu"
    assert shown["areas"][0]["name"] == AREA_CY
    assert shown["updates"][0]["summary"] == "Mae casgliadau wedi'u hatal oherwydd eira."
    assert shown["url"] == f"http://localhost/cy/notices/{notice.id}"


def test_a_notice_carries_both_languages(client: FlaskClient, notice: Notice) -> None:
    shown = client.get(f"/api/v1/notices/{notice.id}?lang=en").get_json()

    assert shown["title"] == "Bin collections suspended"
    assert shown["url"] == f"http://localhost/notices/{notice.id}"
    assert shown["translations"] == {
        "cy": {"title": "Casgliadau biniau wedi'u hatal", "summary": "Mae casgliadau wedi'u hatal oherwydd eira.",
               "advice": "Cadwch eich biniau y tu mewn."},
        "en": {"title": "Bin collections suspended", "summary": "Collections are suspended because of snow.",
               "advice": "Keep your bins inside."},
    }
    assert shown["updates"][0]["translations"]["cy"]["summary"] == "Mae casgliadau wedi'u hatal oherwydd eira."


def test_the_council_default_is_welsh_and_accept_language_varies(client: FlaskClient, notice: Notice) -> None:
    default = client.get(f"/api/v1/notices/{notice.id}")
    english = client.get(f"/api/v1/notices/{notice.id}", headers={"Accept-Language": "en"})
    asked = client.get(f"/api/v1/notices/{notice.id}?lang=en")

    assert default.headers["Content-Language"] == "cy"
    assert default.get_json()["title"] == "Casgliadau biniau wedi'u hatal"
    assert "Accept-Language" in default.headers["Vary"]
    assert english.headers["Content-Language"] == "en-GB"
    assert english.get_json()["title"] == "Bin collections suspended"
    assert default.headers["ETag"] != english.headers["ETag"]
    assert asked.headers["Content-Language"] == "en-GB"
    assert "Accept-Language" not in asked.headers.get("Vary", "")  # ?lang= wins: the URL says the language


def test_areas_and_services_are_named_in_the_language_asked_for(client: FlaskClient, notice: Notice) -> None:
    areas = client.get("/api/v1/areas?lang=cy")
    services = client.get("/api/v1/services", headers={"Accept-Language": "cy"})

    assert AREA_CY in [area["name"] for area in areas.get_json()["areas"]]
    assert "Biniau ac ailgylchu" in [service["name"] for service in services.get_json()["services"]]
    assert services.headers["Content-Language"] == "cy"
    assert "Accept-Language" in services.headers["Vary"]
    assert areas.headers["ETag"] != client.get("/api/v1/areas?lang=en").headers["ETag"]


def test_statistics_name_services_in_welsh(client: FlaskClient, notice: Notice) -> None:
    statistics = client.get("/api/v1/statistics?lang=cy").get_json()

    names = [row["service"]["name"] for row in statistics["subscriptions"]["by_service"]]
    assert "Biniau ac ailgylchu" in names
    assert "Pob gwasanaeth" in names


def test_a_problem_is_in_welsh(client: FlaskClient) -> None:
    response = client.get("/api/v1/notices?status=soon&page=0&area=nowhere", headers={"Accept-Language": "cy"})

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.headers["Content-Language"] == "cy"
    problem = response.get_json()
    assert problem["title"] == "Cais annilys"
    assert problem["errors"] == {
        "status": "Rhaid i status fod yn un o active, resolved neu all",
        "page": "Rhaid i'r dudalen fod yn rhif cyfan o 1 i 10000",
        "area": "Ardal anhysbys 'nowhere': gweler /api/v1/areas",
    }
    missing = client.get("/api/v1/notices/999999?lang=cy").get_json()
    assert missing["title"] == "Heb ei ganfod"
    assert missing["detail"] == "Nid oes hysbysiad cyhoeddedig rhif 999999"


def test_a_bad_feed_filter_is_a_welsh_problem(client: FlaskClient) -> None:
    problem = client.get("/cy/feeds/notices.atom?service=nothing").get_json()

    assert problem["title"] == "Hidlydd ffrwd annilys"
    assert problem["errors"]["service"] == "Gwasanaeth anhysbys 'nothing': gweler /api/v1/services"


def test_the_openapi_document_describes_the_language_choice(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()

    parameters = document["paths"]["/api/v1/notices"]["get"]["parameters"]
    lang = next(parameter for parameter in parameters if parameter["name"] == "lang")
    assert lang["schema"]["enum"] == ["cy", "en"]
    assert any(parameter["name"] == "Accept-Language" and parameter["in"] == "header" for parameter in parameters)
    assert "translations" in document["components"]["schemas"]["Notice"]["properties"]


@pytest.mark.parametrize("url", ["/feeds/notices.atom", "/api/v1/notices"])
def test_a_not_modified_answer_still_says_it_varies_on_accept_language(client: FlaskClient, notice: Notice,
                                                                       url: str) -> None:
    first = client.get(url, headers={"Accept-Language": "cy"})
    again = client.get(url, headers={"Accept-Language": "cy", "If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert "Accept-Language" in again.headers["Vary"]


def test_an_http_error_of_the_api_is_in_welsh(client: FlaskClient) -> None:
    missing = client.get("/api/v1/nothing-here", headers={"Accept-Language": "cy"})
    not_allowed = client.delete("/api/v1/areas?lang=cy")

    assert missing.status_code == 404
    assert missing.get_json()["title"] == "Heb ei ganfod"
    assert missing.get_json()["detail"].startswith("Ni chafwyd hyd i'r URL")
    assert not_allowed.status_code == 405
    assert not_allowed.get_json()["title"] == "Dull heb ei ganiatáu"
    assert client.get("/api/v1/nothing-here?lang=en").get_json()["title"] == "Not Found"


def test_an_update_repeating_the_notice_reads_with_the_notices_welsh(client: FlaskClient, factories) -> None:
    notice = factories.NoticeFactory(title="Road closed", title_cy="Ffordd ar gau", summary="Closed for works.",
                                     summary_cy="Ar gau ar gyfer gwaith.", advice="Use the A487.",
                                     advice_cy="Defnyddiwch yr A487.")  # its first update has no Welsh of its own

    welsh = etree.fromstring(client.get(f"/cap/{notice.id}.xml").data).find("cap:info", CAP)
    entry = feedparser.parse(io.BytesIO(client.get("/cy/feeds/notices.atom").data)).entries[0]
    update = client.get(f"/api/v1/notices/{notice.id}?lang=cy").get_json()["updates"][0]

    assert welsh.findtext("cap:description", namespaces=CAP) == "Ar gau ar gyfer gwaith."
    assert welsh.findtext("cap:instruction", namespaces=CAP) == "Defnyddiwch yr A487."
    assert entry.content[0].value.startswith("Ar gau ar gyfer gwaith.\n\nBeth y dylech ei wneud: Defnyddiwch yr A487.")
    assert update["summary"] == "Ar gau ar gyfer gwaith."
    assert update["translations"]["en"] == {"summary": "Closed for works.", "advice": "Use the A487."}
