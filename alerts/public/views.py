"""Thin views: parse the request, ask the data layer, render a GOV.UK page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from alerts.areas.postcodes import InvalidPostcode, normalise_postcode, outward_code
from alerts.data import headlines as headline_data
from alerts.data import notices as notice_data
from alerts.data import reference, retention
from alerts.data import warnings as warning_data
from alerts.languages import text_in
from alerts.profile import council, postcode_message
from alerts.services import postcode_lookups
from alerts.web.caching import cached_page
from alerts.web.languages import page_language
from config.council import LOGO_TYPES

public = Blueprint("public", __name__)


@public.get("/")
@cached_page
def start() -> str:
    return render_template("public/start.html", headline=_headline(), warnings=_current_warnings())


def _headline() -> str | None:
    return headline_data.live_headline(text_in(council(), "short_name", page_language()), page_language())


def _current_warnings() -> list:
    return warning_data.current_warnings()


@public.before_request
def _count_postcode_lookups() -> None:
    """Look-ups per postcode district per day, before the page cache answers; only the district is kept."""
    if request.endpoint != "public.notices" or not request.args.get("postcode"):
        return
    try:
        district = outward_code(normalise_postcode(request.args["postcode"]))
    except InvalidPostcode:
        return
    postcode_lookups.count_postcode_lookup(district)


@public.get("/notices")
@cached_page
def notices() -> tuple[str, int] | str:
    raw = request.args.get("postcode", "")
    try:
        postcode = normalise_postcode(raw)
    except InvalidPostcode as error:
        message = postcode_message(error)
        summary = [{"text": message, "href": "#postcode"}]
        page = render_template("public/start.html", headline=_headline(),
                               warnings=_current_warnings(), postcode=raw, postcode_error=message,
                               error_summary=summary)
        return page, 400
    answer = reference.area_for_postcode(postcode)
    if answer.is_outside:
        return render_template("public/outside_area.html", answer=answer)
    found = notice_data.active_notices_for_areas([answer.area.id])  # type: ignore[union-attr]
    return render_template("public/notices.html", answer=answer, notices=found, count=len(found),
                           warnings=_current_warnings())


@public.get("/notices/<int:notice_id>")
@cached_page
def notice(notice_id: int) -> str:
    found = notice_data.get_public_notice(notice_id)
    if found is None:
        abort(404)
    return render_template("public/notice.html", notice=found, warnings=_current_warnings(),
                           postcode=_postcode_from_results())


def _postcode_from_results() -> str | None:
    """The postcode the resident searched for (the results page passes it on), so "Get alerts" starts from it."""
    try:
        return normalise_postcode(request.args.get("postcode", ""))
    except InvalidPostcode:
        return None


@public.get("/accessibility")
@cached_page
def accessibility() -> str:
    return render_template("public/accessibility.html")


@public.get("/privacy")
@cached_page
def privacy() -> str:
    return render_template("public/privacy.html", periods=retention.PrivacyPeriods.from_config(current_app.config))


@public.get("/open-data")
def open_data() -> str:
    """The API, feeds, CAP and banner explained for people, with examples."""
    # Rendered on its own (a .txt template, not escaped there), so the page shows it as text to copy.
    snippet = render_template("components/banner_snippet.txt", base=current_app.config["BASE_URL"].rstrip("/"),
                              name=council().name)
    return render_template("public/open_data.html", snippet=snippet)


@public.get("/cookies")
@cached_page
def cookies() -> str:
    return render_template("public/cookies.html")


# The council profile's own look. A stylesheet (the CSP allows no inline styles) and the logo file.
@public.get("/council.css")
def council_css() -> Response:
    colour = council().header_colour
    if colour is None:
        abort(404)
    css = f".app-council-header {{ background-color: {colour}; border-bottom-color: {colour}; }}\n"
    response = Response(css, mimetype="text/css")
    response.cache_control.public, response.cache_control.max_age = True, 3600
    return response


@public.get("/council-logo")
def council_logo() -> Response:
    logo = council().logo
    if logo is None:
        abort(404)
    return send_file(logo, mimetype=LOGO_TYPES[logo.suffix], max_age=3600)
