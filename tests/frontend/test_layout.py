"""The layout, shared components and information pages render as accessible GOV.UK pages for a council service.

These tests build a small Flask app configured the way the app factory configures the real one (templates, static
files at /assets, the GOV.UK Frontend Jinja loaders, a csp_nonce and service_name context processor) with stand-in
views under the real endpoint names, so they run before and independently of the rest of the application.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Blueprint, Flask, flash, render_template, render_template_string
from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import WTFormsHelpers
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, TemplateNotFound
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField
from wtforms.validators import InputRequired

from alerts.formatting import FILTERS
from alerts.web.languages import init_languages
from config.council import DEFAULT_COUNCIL, load_council

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
STATIC = REPO / "static"
SERVICE_NAME = "Check disruption to Dorset Council services"
NONCE = "abc123"
LONDON = ZoneInfo("Europe/London")
EN_DASH = "\N{EN DASH}"  # GOV.UK titles separate their parts with an en dash

ROUTES: dict[str, dict[str, str]] = {
    "public": {
        "start": "/",
        "notices": "/notices",
        "accessibility": "/accessibility",
        "privacy": "/privacy",
        "cookies": "/cookies",
        "open_data": "/open-data",
    },
    "subscribe": {"start": "/subscribe", "find_manage": "/manage"},
    "staff": {"dashboard": "/staff/", "account": "/staff/account", "sign_in": "/staff/sign-in",
              "sign_out": "/staff/sign-out"},
}
PUBLIC_NAVIGATION = [
    ("Find disruption", "/notices"),
    ("Get alerts", "/subscribe"),
    ("Manage your alerts", "/manage"),
]
FOOTER_LINKS = [
    ("Accessibility statement", "/accessibility"),
    ("Privacy notice", "/privacy"),
    ("Cookies", "/cookies"),
    ("Open data", "/open-data"),
    ("Staff sign in", "/staff/sign-in"),
]
PAGES = [
    ("errors/404.html", "Page not found"),
    ("errors/429.html", "Sorry, there have been too many attempts"),
    ("errors/500.html", "Sorry, there is a problem with the service"),
    ("public/accessibility.html", "Accessibility statement"),
    ("public/privacy.html", "Privacy notice"),
    ("public/cookies.html", "Cookies"),
]


@dataclass
class StaffUser:
    is_authenticated: bool = True


class UnloadableUser:
    """Stands in for current_user when the database is down: touching it raises."""

    @property
    def is_authenticated(self) -> bool:
        raise RuntimeError("the user loader needs the database")


class PostcodeForm(Form):
    postcode = StringField("Enter your postcode", validators=[InputRequired("Enter your postcode")])


class GovukPostcodeForm(FlaskForm):
    postcode = StringField(
        "Enter your postcode", widget=GovTextInput(), validators=[InputRequired("Enter your postcode")]
    )


def govuk_frontend_loader() -> ChoiceLoader:
    # The package templates import each other as "govuk_frontend_jinja/components/…", so the package loader only
    # finds them behind that prefix (see test_the_govuk_frontend_jinja_templates_need_their_prefix).
    return ChoiceLoader(
        [
            FileSystemLoader(TEMPLATES),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )


def stand_in_view() -> str:
    return ""


@pytest.fixture
def layout_app() -> Flask:
    app = Flask(__name__, template_folder=str(TEMPLATES), static_folder=str(STATIC), static_url_path="/assets")
    app.config.update(TESTING=True, SECRET_KEY="test", SERVICE_NAME=SERVICE_NAME,
                      COUNCIL_PROFILE=load_council(DEFAULT_COUNCIL))  # the layout reads the council
    app.jinja_loader = govuk_frontend_loader()
    app.jinja_env.filters.update(FILTERS)
    init_languages(app)  # gettext, the local filter, dates in the page's language
    for blueprint_name, routes in ROUTES.items():
        blueprint = Blueprint(blueprint_name, __name__)
        for endpoint, rule in routes.items():
            blueprint.add_url_rule(rule, endpoint, stand_in_view)
        app.register_blueprint(blueprint)

    @app.context_processor
    def layout_context() -> dict[str, Any]:
        return {
            "csp_nonce": NONCE,
            "service_name": SERVICE_NAME,
            "council": app.config["COUNCIL_PROFILE"],
            "has_endpoint": lambda name: name in app.view_functions,
            "periods": default_privacy_periods(),  # the privacy notice's view passes these
        }

    return app


def default_privacy_periods() -> Any:
    from alerts.data.retention import PrivacyPeriods
    from config.settings import Config

    return PrivacyPeriods.from_config({name: getattr(Config, name) for name in dir(Config) if name.isupper()})


@pytest.fixture
def render(layout_app: Flask) -> Callable[..., BeautifulSoup]:
    def render(
        template: str, path: str = "/", flashes: tuple[tuple[str, str], ...] = (), **context: Any
    ) -> BeautifulSoup:
        with layout_app.test_request_context(path):
            for category, message in flashes:
                flash(message, category)
            if template.endswith(".html"):
                html = render_template(template, **context)
            else:
                html = render_template_string(template, **context)
        return BeautifulSoup(html, "html.parser")

    return render


def page_using(content: str, title: str | None = "Test page", imports: str = "") -> str:
    title_block = f"{{% block title %}}{title}{{% endblock %}}" if title else ""
    return f'{{% extends "base.html" %}}{imports}{title_block}{{% block content %}}{content}{{% endblock %}}'


def text_of(element: Tag) -> str:
    return " ".join(element.get_text().split())


def full_title(title: str) -> str:
    return f"{title} {EN_DASH} {SERVICE_NAME} {EN_DASH} Dorset Council"


def all_ids(soup: BeautifulSoup) -> list[str]:
    return [str(element["id"]) for element in soup.find_all(id=True)]


def assert_is_a_complete_page(soup: BeautifulSoup, title: str) -> None:
    assert soup.html is not None and soup.html["lang"] == "en"
    assert text_of(soup.title) == title
    assert len(soup.find_all("h1")) == 1

    duplicates = [element_id for element_id, count in Counter(all_ids(soup)).items() if count > 1]
    assert duplicates == []

    ids = set(all_ids(soup))
    for link in soup.select('a[href^="#"]'):
        assert link["href"][1:] in ids, f"in-page link to missing {link['href']}"
    for attribute in ("aria-labelledby", "aria-describedby", "aria-controls"):
        for element in soup.find_all(attrs={attribute: True}):
            for target in str(element[attribute]).split():
                assert target in ids, f"{attribute} points at missing #{target}"

    skip_link = soup.find("a")
    assert skip_link is not None and "govuk-skip-link" in skip_link["class"]
    assert skip_link["href"] == "#main-content" and text_of(skip_link) == "Skip to main content"
    assert soup.find(id="main-content").name == "main"

    service_name = soup.select_one(".govuk-service-navigation__service-name a")
    assert text_of(service_name) == SERVICE_NAME and service_name["href"] == "/"

    footer_links = [(text_of(a), a["href"]) for a in soup.select(".govuk-footer__inline-list a")]
    assert footer_links == FOOTER_LINKS

    scripts = soup.find_all("script")
    assert scripts and all(script.get("nonce") == NONCE for script in scripts)
    module = soup.find("script", attrs={"type": "module"})
    assert module["src"] == "/assets/start-govuk-frontend.js" and not module.string
    starter = (STATIC / "start-govuk-frontend.js").read_text()
    assert 'import { initAll } from "./govuk-frontend.min.js"' in starter and "initAll()" in starter
    assert any("govuk-frontend-supported" in (script.string or "") for script in scripts)

    # Not on GOV.UK: no crown, GOV.UK logotype, Royal Arms or Crown copyright.
    assert soup.select(".govuk-header, .govuk-logo, .govuk-footer__crown, .govuk-footer__copyright-logo") == []
    assert "Crown copyright" not in soup.get_text()
    assert text_of(soup.select_one(".govuk-generic-header__homepage-link")) == "Dorset Council"

    for element in soup.find_all(["link", "script", "img"]):
        url = element.get("href") or element.get("src")
        if url and url.startswith("/assets/"):
            assert (STATIC / url.removeprefix("/assets/")).is_file(), f"{url} is not vendored"


def navigation(soup: BeautifulSoup) -> list[tuple[str, str]]:
    return [(text_of(a), a["href"]) for a in soup.select(".govuk-service-navigation__list a")]


@pytest.mark.parametrize(("template", "title"), PAGES)
def test_each_page_is_a_complete_accessible_page(
    render: Callable[..., BeautifulSoup], template: str, title: str
) -> None:
    soup = render(template)

    assert_is_a_complete_page(soup, full_title(title))
    assert navigation(soup) == PUBLIC_NAVIGATION
    assert soup.select(".govuk-error-summary") == []


@pytest.mark.parametrize(
    ("template", "heading"),
    [
        ("errors/404.html", "Page not found"),
        ("errors/429.html", "Sorry, there have been too many attempts"),
        ("errors/500.html", "Sorry, there is a problem with the service"),
        ("public/accessibility.html", f"Accessibility statement for {SERVICE_NAME}"),
        ("public/privacy.html", "Privacy notice"),
        ("public/cookies.html", "Cookies"),
    ],
)
def test_each_page_has_its_heading(render: Callable[..., BeautifulSoup], template: str, heading: str) -> None:
    assert text_of(render(template).h1) == heading


def test_a_page_without_a_title_block_is_titled_with_the_service_name(render: Callable[..., BeautifulSoup]) -> None:
    soup = render(page_using("<h1>Start</h1>", title=None))

    assert text_of(soup.title) == f"{SERVICE_NAME} {EN_DASH} Dorset Council"


def test_the_phase_banner_says_beta_and_asks_for_feedback_by_email(render: Callable[..., BeautifulSoup]) -> None:
    banner = render(page_using("<h1>Start</h1>")).select_one("header .govuk-phase-banner")

    assert text_of(banner.select_one(".govuk-tag")) == "Beta"
    assert banner.select_one("a")["href"].startswith("mailto:")


def test_the_current_page_is_marked_in_the_service_navigation(render: Callable[..., BeautifulSoup]) -> None:
    soup = render(page_using("<h1>Notices</h1>"), path="/notices")

    current = soup.select('.govuk-service-navigation__list a[aria-current="page"]')
    assert [text_of(link) for link in current] == ["Find disruption"]


def test_signed_in_staff_see_staff_navigation_of_their_own_on_staff_pages(
    render: Callable[..., BeautifulSoup]
) -> None:
    soup = render(page_using("<h1>Dashboard</h1>"), path="/staff/", current_user=StaffUser())

    assert navigation(soup) == [("Staff dashboard", "/staff/"), ("Your account", "/staff/account"),
                                ("Sign out", "/staff/sign-out")]
    current = soup.select_one('.govuk-service-navigation__list a[aria-current="page"]')
    assert text_of(current) == "Staff dashboard"
    footer_links = [(text_of(a), a["href"]) for a in soup.select(".govuk-footer__inline-list a")]
    assert footer_links == FOOTER_LINKS[:-1], "no Staff sign in while signed in"


def test_signed_in_staff_on_a_residents_page_also_see_the_dashboard_and_sign_out(
    render: Callable[..., BeautifulSoup]
) -> None:
    soup = render(page_using("<h1>Start</h1>"), path="/notices", current_user=StaffUser())

    assert navigation(soup) == [*PUBLIC_NAVIGATION, ("Staff dashboard", "/staff/"), ("Your account", "/staff/account"),
                                ("Sign out", "/staff/sign-out")]
    assert "Staff sign in" not in soup.select_one(".govuk-footer").get_text()


def test_signed_out_visitors_see_no_staff_navigation(render: Callable[..., BeautifulSoup]) -> None:
    soup = render(page_using("<h1>Start</h1>"), current_user=StaffUser(is_authenticated=False))

    assert navigation(soup) == PUBLIC_NAVIGATION


def test_the_500_page_renders_without_loading_the_user(render: Callable[..., BeautifulSoup]) -> None:
    soup = render("errors/500.html", current_user=UnloadableUser())

    assert navigation(soup) == PUBLIC_NAVIGATION


def test_the_429_page_says_how_long_to_wait(render: Callable[..., BeautifulSoup]) -> None:
    assert "Wait 15 minutes, then try again." in text_of(render("errors/429.html", retry_after_minutes=15))
    assert "Wait 1 minute, then try again." in text_of(render("errors/429.html", retry_after_minutes=1))
    assert "Wait a few minutes, then try again." in text_of(render("errors/429.html"))


def test_an_error_summary_links_to_each_field_and_prefixes_the_title(render: Callable[..., BeautifulSoup]) -> None:
    soup = render(
        page_using(
            '<h1>Enter your postcode</h1><input id="postcode"><input id="channel">', title="Enter your postcode"
        ),
        error_summary=[
            {"text": "Enter your postcode", "href": "#postcode"},
            {"text": "Select how you want to get alerts", "href": "#channel"},
        ],
    )

    assert_is_a_complete_page(soup, "Error: " + full_title("Enter your postcode"))
    summary = soup.select_one("main .govuk-error-summary")
    assert text_of(summary.select_one(".govuk-error-summary__title")) == "There is a problem"
    assert [(text_of(a), a["href"]) for a in summary.select("a")] == [
        ("Enter your postcode", "#postcode"),
        ("Select how you want to get alerts", "#channel"),
    ]


def test_an_invalid_form_gives_an_error_summary_without_being_asked(render: Callable[..., BeautifulSoup]) -> None:
    form = PostcodeForm(formdata=MultiDict({"postcode": ""}))
    form.validate()

    soup = render(page_using('<h1>Postcode</h1><input id="postcode">', title="Postcode"), form=form)

    assert text_of(soup.title) == "Error: " + full_title("Postcode")
    assert [(text_of(a), a["href"]) for a in soup.select(".govuk-error-summary a")] == [
        ("Enter your postcode", "#postcode")
    ]


def test_a_govuk_frontend_wtf_form_gives_an_error_summary_without_its_csrf_error(layout_app: Flask) -> None:
    WTFormsHelpers(layout_app)
    page = page_using('<h1>Postcode</h1>{{ form.postcode(params={"autocomplete": "postal-code"}) }}', title="Postcode")
    with layout_app.test_request_context("/subscribe", method="POST"):
        form = GovukPostcodeForm(formdata=MultiDict({"postcode": ""}))
        form.validate()
        assert set(form.errors) == {"postcode", "csrf_token"}
        soup = BeautifulSoup(render_template_string(page, form=form), "html.parser")

    assert_is_a_complete_page(soup, "Error: " + full_title("Postcode"))
    assert [(text_of(a), a["href"]) for a in soup.select(".govuk-error-summary a")] == [
        ("Enter your postcode", "#postcode")
    ]
    assert text_of(soup.select_one("#postcode-error")) == "Error: Enter your postcode"


def test_a_valid_form_gives_no_error_summary(render: Callable[..., BeautifulSoup]) -> None:
    form = PostcodeForm(formdata=MultiDict({"postcode": "DT1 1XJ"}))
    form.validate()

    soup = render(page_using("<h1>Postcode</h1>", title="Postcode"), form=form)

    assert text_of(soup.title) == full_title("Postcode")
    assert soup.select(".govuk-error-summary") == []


def test_flashed_messages_become_notification_banners(render: Callable[..., BeautifulSoup]) -> None:
    soup = render(
        page_using("<h1>Your alerts</h1>"),
        flashes=(("success", "Your alerts are set up"), ("message", "Your code has been sent again")),
    )

    assert_is_a_complete_page(soup, full_title("Test page"))
    success, important = soup.select("main .govuk-notification-banner")
    assert "govuk-notification-banner--success" in success["class"] and success["role"] == "alert"
    assert text_of(success.select_one(".govuk-notification-banner__content")) == "Your alerts are set up"
    assert "govuk-notification-banner--success" not in important["class"] and important["role"] == "region"
    assert text_of(important.select_one(".govuk-notification-banner__title")) == "Important"


@pytest.mark.parametrize("nonce", ["", None])
def test_pages_render_without_a_nonce(layout_app: Flask, nonce: str | None) -> None:
    layout_app.template_context_processors[None].append(lambda: {"csp_nonce": nonce})
    with layout_app.test_request_context("/"):
        soup = BeautifulSoup(render_template("errors/404.html"), "html.parser")

    assert [script.get("nonce") for script in soup.find_all("script")] == [None, None]


def test_a_callable_nonce_is_called(layout_app: Flask) -> None:
    layout_app.template_context_processors[None].append(lambda: {"csp_nonce": lambda: "from-a-callable"})
    with layout_app.test_request_context("/"):
        soup = BeautifulSoup(render_template("errors/404.html"), "html.parser")

    assert {script.get("nonce") for script in soup.find_all("script")} == {"from-a-callable"}


def test_the_cookies_page_names_the_configured_session_cookie(
    layout_app: Flask, render: Callable[..., BeautifulSoup]
) -> None:
    layout_app.config["SESSION_COOKIE_NAME"] = "alerts_session"

    cells = [text_of(cell) for cell in render("public/cookies.html").select("tbody td")]

    assert cells[0] == "alerts_session"
    assert len(cells) == 3


def test_the_privacy_notice_states_retention_and_lawful_bases(render: Callable[..., BeautifulSoup]) -> None:
    text = text_of(render("public/privacy.html"))

    for expected in (
        "Article 6(1)(a)",
        "Article 6(1)(e)",
        "GOV.UK Notify",
        "Government Digital Service",
        "after 24 hours",
        "28 days later",
        "after 7 days",
        "for 730 days (2 years)",
        "0303 123 1113",
    ):
        assert expected in text


def test_the_accessibility_statement_says_how_the_service_was_tested(render: Callable[..., BeautifulSoup]) -> None:
    text = text_of(render("public/accessibility.html"))

    for expected in (
        "WCAG 2.2 AA",
        "axe-core in a headless Chromium browser",
        "using only a keyboard",
        "with JavaScript turned off",
        "prepared on 26 November 2026",
        "Equality Advisory and Support Service",
    ):
        assert expected in text


# Components

COMPONENT_IMPORTS = (
    '{% from "components/notice_card.html" import notice_card %}'
    '{% from "components/postcode_form.html" import postcode_form %}'
    '{% from "components/timeline.html" import timeline %}'
    '{% from "components/impact_tag.html" import impact_tag %}'
    '{% from "components/dates.html" import govuk_datetime %}'
)


def render_component(render: Callable[..., BeautifulSoup], call: str, **context: Any) -> BeautifulSoup:
    return render(page_using(f"<h1>Components</h1>{call}", imports=COMPONENT_IMPORTS), **context)


def a_notice(**overrides: Any) -> dict[str, Any]:
    return {
        "id": 7,
        "title": "Bin collections suspended in Weymouth",
        "impact": "severe",
        "status": "active",
        "service": {"name": "Bins and recycling"},
        "areas": [{"name": "Weymouth"}, "Portland"],
        "starts_at_utc": datetime(2026, 11, 26, 7, 0, tzinfo=LONDON),
        "expected_end_at_utc": None,
        "summary": "Crews cannot reach some roads because of flooding.",
    } | overrides


@pytest.mark.parametrize(
    ("impact", "text", "colour"),
    [
        ("severe", "Severe: suspended or closed", "govuk-tag--red"),
        ("major", "Major: partly closed", "govuk-tag--orange"),
        ("minor", "Minor: delays", "govuk-tag--yellow"),
    ],
)
def test_a_notice_card_shows_its_impact_in_words_and_colour(
    render: Callable[..., BeautifulSoup], impact: str, text: str, colour: str
) -> None:
    soup = render_component(render, '{{ notice_card(notice, href="/notices/7") }}', notice=a_notice(impact=impact))

    tag = soup.select_one(".app-notice-card .govuk-tag")
    assert text_of(tag) == text and colour in tag["class"]


def test_a_notice_card_summarises_the_notice(render: Callable[..., BeautifulSoup]) -> None:
    soup = render_component(render, '{{ notice_card(notice, href="/notices/7") }}', notice=a_notice(status="resolved"))

    assert_is_a_complete_page(soup, full_title("Test page"))
    card = soup.select_one(".app-notice-card")
    link = card.select_one("h2 a")
    assert (text_of(link), link["href"]) == ("Bin collections suspended in Weymouth", "/notices/7")
    rows = {text_of(row.dt): text_of(row.dd) for row in card.select(".govuk-summary-list__row")}
    assert rows == {
        "Service": "Bins and recycling",
        "Areas": "Weymouth, Portland",
        "Started": "7am on 26 November 2026",
        "Expected to end": "Not known yet",
    }
    assert card.select_one("time")["datetime"] == "2026-11-26T07:00:00+00:00"
    assert "Resolved" in [text_of(tag) for tag in card.select(".govuk-tag")]


def test_the_postcode_form_follows_the_govuk_pattern(render: Callable[..., BeautifulSoup]) -> None:
    soup = render_component(render, '{{ postcode_form(action="/notices") }}')

    assert_is_a_complete_page(soup, full_title("Test page"))
    form = soup.select_one("main form")
    assert (form["action"], form["method"]) == ("/notices", "get")
    field = form.select_one("input#postcode")
    assert (field["name"], field["autocomplete"], field["spellcheck"]) == ("postcode", "postal-code", "false")
    assert text_of(form.select_one('label[for="postcode"]')) == "Enter your postcode"
    assert text_of(form.select_one("#postcode-hint")) == "For example, DT1 1XJ"
    assert text_of(form.select_one("button")) == "Find disruption"


def test_the_postcode_form_shows_its_error_against_the_field(render: Callable[..., BeautifulSoup]) -> None:
    soup = render_component(
        render,
        '{{ postcode_form(action="/notices", value="DT99", error="Enter a real postcode") }}',
        error_summary=[{"text": "Enter a real postcode", "href": "#postcode"}],
    )

    assert_is_a_complete_page(soup, "Error: " + full_title("Test page"))
    field = soup.select_one("input#postcode")
    assert field["value"] == "DT99" and "govuk-input--error" in field["class"]
    assert "postcode-error" in field["aria-describedby"].split()
    assert text_of(soup.select_one("#postcode-error")) == "Error: Enter a real postcode"


def test_the_timeline_lists_updates_with_machine_readable_times(render: Callable[..., BeautifulSoup]) -> None:
    updates = [
        {
            "kind": "resolved",
            "created_at_utc": datetime(2026, 11, 27, 12, 0, tzinfo=LONDON),
            "summary": "Collections are back to normal.",
        },
        {
            "kind": "published",
            "created_at_utc": datetime(2026, 7, 1, 16, 45, tzinfo=LONDON),
            "summary": "Crews cannot reach some roads.\n\nWe will collect missed bins next week.",
            "advice": "Leave your bin out.",
        },
    ]

    soup = render_component(render, "{{ timeline(updates) }}", updates=updates)

    assert_is_a_complete_page(soup, full_title("Test page"))
    items = soup.select(".app-timeline li")
    assert [text_of(item.h3) for item in items] == [
        "Resolved: midday on 27 November 2026",
        "Published: 4:45pm on 1 July 2026",
    ]
    assert [time["datetime"] for time in soup.select(".app-timeline time")] == [
        "2026-11-27T12:00:00+00:00",
        "2026-07-01T16:45:00+01:00",
    ]
    assert [text_of(p) for p in items[1].select("p")] == [
        "Crews cannot reach some roads.",
        "We will collect missed bins next week.",
        "Leave your bin out.",
    ]


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(0, 0, "midnight"), (9, 0, "9am"), (12, 0, "midday"), (12, 30, "12:30pm"), (23, 5, "11:05pm")],
)
def test_times_are_written_in_govuk_style(
    render: Callable[..., BeautifulSoup], hour: int, minute: int, expected: str
) -> None:
    when = datetime(2026, 3, 2, hour, minute, tzinfo=LONDON)

    soup = render_component(render, "<p id='when'>{{ govuk_datetime(when) }}</p>", when=when)

    assert text_of(soup.select_one("#when")) == f"{expected} on 2 March 2026"


# Vendored GOV.UK Frontend


def test_govuk_frontend_is_vendored_at_the_pinned_version() -> None:
    version = (STATIC / "GOVUK-FRONTEND-VERSION").read_text().strip()
    css = (STATIC / "govuk-frontend.min.css").read_text()

    assert version == "6.3.0"
    assert f'--govuk-frontend-version:"{version}"' in css
    assert (STATIC / "govuk-frontend.min.js").is_file()
    assert not list(STATIC.rglob("*.map")) and not (REPO / "node_modules").exists()


def test_every_url_in_the_css_resolves_to_a_vendored_file() -> None:
    css = (STATIC / "govuk-frontend.min.css").read_text()
    urls = {url.strip("'\"") for url in re.findall(r"url\(([^)]+)\)", css)}

    assert urls, "expected the CSS to reference assets"
    for url in urls:
        # Relative: it resolves against the stylesheet's versioned path (/assets/<hash>/: alerts/web/static_files.py).
        assert not url.startswith(("/", "http")), f"{url} would bypass the versioned path"
        assert (STATIC / url).is_file(), f"{url} is not vendored"


def test_the_css_does_not_use_the_gov_uk_only_typeface() -> None:
    css = (STATIC / "govuk-frontend.min.css").read_text()

    assert "GDS Transport" not in css and "@font-face" not in css
    assert "sourceMappingURL" not in css
    assert not (STATIC / "fonts").exists()


def test_the_javascript_is_an_es_module_exporting_init_all() -> None:
    js = (STATIC / "govuk-frontend.min.js").read_text()

    assert re.search(r"export\s*\{[^}]*\binitAll\b", js)
    assert "sourceMappingURL" not in js


def test_the_govuk_frontend_jinja_templates_need_their_prefix() -> None:
    # A bare PackageLoader("govuk_frontend_jinja") names the layout "template.html", but the package's own
    # templates import "govuk_frontend_jinja/…": the app factory must mount it under a PrefixLoader.
    bare = Environment(loader=ChoiceLoader([PackageLoader("govuk_frontend_jinja")]))
    with pytest.raises(TemplateNotFound):
        bare.get_template("govuk_frontend_jinja/template.html")

    prefixed = Environment(loader=govuk_frontend_loader())
    assert prefixed.get_template("govuk_frontend_jinja/template.html")
