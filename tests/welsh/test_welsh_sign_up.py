"""A resident of a council in Wales signs up, confirms and manages their alerts in Welsh, and chooses the language
their alerts come in: the page's language by default, kept on every contact the sign-up makes."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from alerts import links
from alerts.data import residents
from alerts.data import subscribers as subscriber_data
from alerts.extensions import db
from alerts.models import Channel, Message, Subscriber, SubscriberStatus
from alerts.notify.rendering import MessageFrom
from alerts.services import signups
from alerts.subscribe.shared import joined
from tests.pages import Page, PageClient

NUMBER, EMAIL = "+447700900982", "preswylydd@example.com"


@pytest.fixture(autouse=True)
def quick_journeys(app: Flask) -> Iterator[None]:
    """Tests answer faster than any person: the minimum fill time has its own test."""
    saved = app.config["SIGNUP_MIN_FILL_SECONDS"]
    app.config["SIGNUP_MIN_FILL_SECONDS"] = 0
    yield
    app.config["SIGNUP_MIN_FILL_SECONDS"] = saved


def contact(channel: Channel, address: str) -> Subscriber | None:
    db.session.expire_all()
    return subscriber_data.find_subscriber(channel, address)


def answer_up_to_the_language(client_request: PageClient, *, channel: str, typed: str, root: str = "/cy") -> Page:
    """Answer the questions before the language one, on the Welsh (or, with root="", English) pages."""
    client_request.get(f"{root}/subscribe")
    client_request.post_form(f"{root}/subscribe", {"postcode": "SY23 3UE"}, 302)
    client_request.post_form(f"{root}/subscribe/postcodes", {"add_another": "no"}, 302)
    services = [box["value"] for box in client_request.get(f"{root}/subscribe/services").select(
        "input[name=services][checked]")]
    client_request.post_form(f"{root}/subscribe/services", {"services": services}, 302)
    client_request.post_form(f"{root}/subscribe/how", {"channel": channel}, 302)
    page = client_request.post_form(f"{root}/subscribe/contact", {"contact": typed, "website": ""}, 302)
    if channel == "both":
        page = client_request.post_form(f"{root}/subscribe/contact?second=1", {"contact": "07700 900982",
                                                                              "website": ""}, 302)
    return page


def test_the_welsh_journey_asks_its_questions_in_welsh_and_keeps_its_links_welsh(client_request) -> None:
    page = client_request.get("/cy/subscribe")
    assert page.soup.html["lang"] == "cy"
    assert page.h1 == "Beth yw eich cod post?"
    assert page.select("a.govuk-back-link")[0].get_text(strip=True) == "Yn ôl"
    moved = client_request.post_form("/cy/subscribe", {"postcode": "SY23 3UE"}, 302)
    assert moved.response.location == "/cy/subscribe/postcodes"
    page = client_request.get("/cy/subscribe/postcodes")
    assert page.h1 == "Rydych wedi ychwanegu 1 cod post"
    assert client_request.get("/cy/subscribe/how").h1 == "Sut ydych chi eisiau cael rhybuddion?"


def test_a_welsh_error_names_the_problem_in_welsh(client_request) -> None:
    client_request.get("/cy/subscribe")
    client_request.post_form("/cy/subscribe", {"postcode": "SY23 3UE"}, 302)
    page = client_request.post_form("/cy/subscribe/postcodes", {})
    assert page.title.startswith("Gwall: ")
    assert page.error_summary() == ["Dewiswch ‘Ydw’ os ydych eisiau ychwanegu cod post arall"]


def test_the_language_question_offers_each_language_in_its_own_words_and_the_page_language_first(
        client_request) -> None:
    moved = answer_up_to_the_language(client_request, channel="sms", typed="07700 900982")
    assert moved.response.location == "/cy/subscribe/language"
    page = client_request.get("/cy/subscribe/language")
    assert page.h1 == "Ym mha iaith ydych chi eisiau eich rhybuddion?"
    labels = {label.get_text(strip=True): label.get("lang") for label in page.select(".govuk-radios__label")}
    assert labels == {"Cymraeg": "cy", "English": "en"}
    assert page.select("input[name=language][checked]")[0]["value"] == "cy"


def test_a_resident_signs_up_by_text_in_welsh(client_request) -> None:
    answer_up_to_the_language(client_request, channel="sms", typed="07700 900982")
    client_request.post_form("/cy/subscribe/language", {"language": "cy"}, 302)
    check = client_request.get("/cy/subscribe/check")
    assert check.h1 == "Gwiriwch eich atebion cyn cofrestru"
    rows = {row.select_one("dt").get_text(strip=True): row for row in check.select(".govuk-summary-list__row")}
    assert rows["Iaith"].select_one("dd").get_text(strip=True) == "Cymraeg"
    assert rows["Iaith"].select_one("a")["href"] == "/cy/subscribe/language"
    sent = client_request.post_form("/cy/subscribe/check", {}, 302)
    assert sent.response.location == "/cy/subscribe/confirm"
    assert client_request.get("/cy/subscribe/confirm").h1 == "Gwiriwch eich ffôn"
    waiting = contact(Channel.SMS, NUMBER)
    assert waiting is not None and waiting.language == "cy"


def test_a_resident_signs_up_by_email_and_text_in_welsh_and_both_contacts_keep_it(client_request) -> None:
    answer_up_to_the_language(client_request, channel="both", typed=EMAIL)
    client_request.post_form("/cy/subscribe/language", {"language": "cy"}, 302)
    client_request.post_form("/cy/subscribe/check", {}, 302)
    assert contact(Channel.EMAIL, EMAIL).language == "cy"
    assert contact(Channel.SMS, NUMBER).language == "cy"


def test_a_resident_on_a_welsh_page_may_choose_english(client_request) -> None:
    answer_up_to_the_language(client_request, channel="email", typed=EMAIL)
    client_request.post_form("/cy/subscribe/language", {"language": "en"}, 302)
    rows = {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)
            for row in client_request.get("/cy/subscribe/check").select(".govuk-summary-list__row")}
    assert rows["Iaith"] == "English"
    client_request.post_form("/cy/subscribe/check", {}, 302)
    assert client_request.get("/cy/subscribe/check-email").h1 == "Gwiriwch eich e-bost"
    assert contact(Channel.EMAIL, EMAIL).language == "en"


def test_the_english_pages_preselect_english(client_request) -> None:
    answer_up_to_the_language(client_request, channel="email", typed=EMAIL, root="")
    page = client_request.get("/subscribe/language")
    assert page.h1 == "Which language do you want your alerts in?"
    assert page.select("input[name=language][checked]")[0]["value"] == "en"
    client_request.post_form("/subscribe/language", {"language": "cy"}, 302)
    client_request.post_form("/subscribe/check", {}, 302)
    assert contact(Channel.EMAIL, EMAIL).language == "cy"


def test_the_language_question_must_be_answered(client_request) -> None:
    answer_up_to_the_language(client_request, channel="sms", typed="07700 900982")
    page = client_request.post_form("/cy/subscribe/language", {"language": "fr"})
    assert page.error_summary() != []
    assert page.title.startswith("Gwall: ")


def test_a_confirmation_keeps_the_language_asked_for(client_request, factories) -> None:
    """A contact already getting alerts in English changes language only once the new sign-up is confirmed."""
    known = factories.SubscriberFactory(channel=Channel.EMAIL, contact=EMAIL, language="en", area_ids=["aberystwyth"])
    db.session.commit()
    answer_up_to_the_language(client_request, channel="email", typed=EMAIL)
    client_request.post_form("/cy/subscribe/language", {"language": "cy"}, 302)
    client_request.post_form("/cy/subscribe/check", {}, 302)
    assert contact(Channel.EMAIL, EMAIL).language == "en"
    subscriber_data.confirm_subscriber(db.session.get(Subscriber, known.id))
    db.session.commit()
    assert contact(Channel.EMAIL, EMAIL).language == "cy"


def manage_url(subscriber: Subscriber, root: str = "/cy") -> str:
    return f"{root}/manage/" + links.make_token(links.MANAGE, subscriber.id, subscriber.token_version)


@pytest.fixture
def person(factories) -> tuple[Subscriber, Subscriber]:
    """One resident with two contacts, getting alerts in English."""
    email = factories.SubscriberFactory(channel=Channel.EMAIL, contact=EMAIL, language="en", area_ids=["aberystwyth"])
    text = factories.SubscriberFactory(channel=Channel.SMS, contact=NUMBER, language="en", area_ids=["aberystwyth"])
    email.resident_id = text.resident_id = residents.new_resident()
    db.session.commit()
    return email, text


def test_the_manage_page_in_welsh_shows_and_changes_the_language_of_every_contact(client_request, person) -> None:
    email, _text = person
    manage = manage_url(email)
    page = client_request.get(manage)
    assert page.h1 == "Eich rhybuddion"
    rows = {row.select_one("dt").get_text(strip=True): row for row in page.select(".govuk-summary-list__row")}
    assert rows["Iaith"].select_one("dd").get_text(strip=True) == "English"
    change = rows["Iaith"].select_one("a")["href"]
    assert change == manage + "/language"
    question = client_request.get(change)
    assert question.select("input[name=language][checked]")[0]["value"] == "en"
    saved = client_request.post_form(change, {"language": "cy"}, 302)
    assert saved.response.location == manage
    assert "Wedi’i gadw. Bydd eich rhybuddion yn dod yn Gymraeg." in client_request.get(manage).text
    assert contact(Channel.EMAIL, EMAIL).language == "cy"
    assert contact(Channel.SMS, NUMBER).language == "cy"


def test_unsubscribing_in_welsh(client_request, factories) -> None:
    subscriber = factories.SubscriberFactory(channel=Channel.EMAIL, contact=EMAIL, language="cy",
                                             area_ids=["aberystwyth"])
    db.session.commit()
    url = "/cy/unsubscribe/" + links.make_token(links.UNSUBSCRIBE, subscriber.id, subscriber.token_version)
    assert client_request.get(url).h1 == "Ydych chi’n siŵr eich bod eisiau stopio eich rhybuddion?"
    done = client_request.post(url, {})
    assert "Rydych wedi dad-danysgrifio" in done.text
    assert contact(Channel.EMAIL, EMAIL).status == SubscriberStatus.UNSUBSCRIBED


def test_the_api_takes_the_language(client) -> None:
    body = {"channel": "email", "contact": EMAIL, "postcode": "SY23 3UE", "language": "en"}
    assert client.post("/api/v1/subscriptions", json=body).status_code == 202
    assert contact(Channel.EMAIL, EMAIL).language == "en"


def test_the_api_defaults_to_the_councils_first_language(client) -> None:
    body = {"channel": "sms", "contact": "07700 900982", "postcode": "SY23 3UE"}
    assert client.post("/api/v1/subscriptions", json=body).status_code == 202
    assert contact(Channel.SMS, NUMBER).language == "cy"


@pytest.mark.parametrize("language", ["fr", "CY", 1, ""])
def test_the_api_refuses_a_language_the_council_does_not_write_in(client, language) -> None:
    body = {"channel": "email", "contact": EMAIL, "postcode": "SY23 3UE", "language": language}
    response = client.post("/api/v1/subscriptions?lang=cy", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"] == {"language": "Rhaid i’r iaith fod yn un o’r rhain: cy, en"}
    assert contact(Channel.EMAIL, EMAIL) is None


def test_the_openapi_document_offers_the_councils_languages(client) -> None:
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["SubscriptionRequest"]
    assert schema["properties"]["language"]["enum"] == ["cy", "en"]


def test_the_confirmation_is_written_in_the_language_the_sign_up_asked_for(client_request, monkeypatch) -> None:
    """Even on an English page: the code goes out in the language chosen, not the page's."""
    written_in: list[str] = []

    def render(code: str, sender: MessageFrom) -> str:
        written_in.append(sender.language)
        return f"{code} {sender.council}"

    monkeypatch.setattr(signups, "render_confirmation_sms", render)
    answer_up_to_the_language(client_request, channel="sms", typed="07700 900982", root="")
    client_request.post_form("/subscribe/language", {"language": "cy"}, 302)
    client_request.post_form("/subscribe/check", {}, 302)
    assert written_in == ["cy"]


def test_a_known_contacts_confirmation_follows_its_new_request(factories) -> None:
    known = factories.SubscriberFactory(channel=Channel.EMAIL, contact=EMAIL, language="en", area_ids=["aberystwyth"])
    assert subscriber_data.message_language(known) == "en"
    known.pending_request = {"areas": [], "services": None, "language": "cy"}
    assert subscriber_data.message_language(known) == "cy"


def test_the_api_names_a_wrong_field_in_the_language_asked_for(client) -> None:
    body = {"channel": "pigeon", "contact": EMAIL, "postcode": "SY23 3UE"}
    welsh = client.post("/api/v1/subscriptions?lang=cy", json=body)
    assert welsh.json["errors"] == {"channel": "Rhaid i’r sianel fod yn sms neu email"}
    english = client.post("/api/v1/subscriptions?lang=en", json=body)
    assert english.json["errors"] == {"channel": "Channel must be sms or email"}


def test_welsh_says_ac_before_a_vowel(app) -> None:
    with app.test_request_context("/"), force_locale("cy"):
        assert joined(["neges destun i 07700 900982", "e-bost i jo@example.com"]) == (
            "neges destun i 07700 900982 ac e-bost i jo@example.com")
        assert joined(["e-bost i jo@example.com", "neges destun i 07700 900982"]) == (
            "e-bost i jo@example.com a neges destun i 07700 900982")
    with app.test_request_context("/"):
        assert joined(["a", "email to b", "c"]) == "a and email to b and c"


def test_a_security_code_asked_for_on_a_welsh_page_opens_the_welsh_manage_page(client_request, factories,
                                                                                 app) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact=NUMBER, language="cy", area_ids=["aberystwyth"])
    client_request.post_form("/cy/manage", {"contact": "07700 900982", "website": ""}, 302)
    signups.send_requested_manage_access()
    body = db.session.scalars(select(Message.body).where(Message.recipient == NUMBER)).all()[-1]
    code = re.search(r"\b(\d{6})\b", body)[1]
    opened = client_request.post_form("/cy/manage/code", {"code": code}, 302)
    assert opened.response.location.startswith("/cy/manage/")
    assert client_request.get(opened.response.location).h1 == "Eich rhybuddion"
