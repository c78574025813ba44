"""Feeds, CAP alerts and the embeddable banner: thin views over alerts.data, all cacheable and conditional.

The feeds answer in the request's language (alerts/web/asked_language.py); a CAP alert carries every language of
the council at once, so it is the same whoever asks.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, make_response, render_template, request
from flask_babel import gettext as _

from alerts.data import feeds as feed_data
from alerts.data import headlines as headline_data
from alerts.data import notices as notice_data
from alerts.feeds.cap import CAP_MIMETYPE, CapContext, build_cap_alert, sender_id_for
from alerts.feeds.syndication import FeedDetails, FeedFormat, cap_index_feed, notices_feed
from alerts.languages import ENGLISH, WELSH, text_in
from alerts.links import external_url
from alerts.models import Notice, utc_now
from alerts.profile import council
from alerts.web.asked_language import answer_language, council_name, is_bilingual, say_language, welsh_prefix
from alerts.web.caching import cacheable, conditional_read
from alerts.web.errors import problem
from alerts.web.languages import in_page_language, page_language
from alerts.web.security_headers import script_hash

feeds = Blueprint("feeds", __name__)

FEED_SIZE = 50
FEED_MAX_AGE = 60
FILTERS = ("postcode", "area", "service")
MIMETYPES: dict[FeedFormat, str] = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
# The feeds written in one language, the request's. (A CAP alert holds every language; the banner is a page.)
IN_ONE_LANGUAGE = {"feeds.notices_atom", "feeds.notices_rss", "feeds.cap_index"}


@feeds.after_request
def _say_language(response: Response) -> Response:
    # After the view, so 304s and kept copies say it too.
    return say_language(response) if request.endpoint in IN_ONE_LANGUAGE else response


def _notice_filter() -> notice_data.NoticeFilter | Response:
    """The feed's filters, or a 400 saying exactly what is wrong with them."""
    parsed = notice_data.parse_notice_filter(
        postcode=request.args.get("postcode"), area=request.args.get("area"), service=request.args.get("service"),
        status="all", council_name=council_name(),
    )
    if parsed.errors:
        detail = _("Change or remove the filters named in errors.")
        return problem(400, _("Invalid feed filter"), detail, errors=parsed.errors)
    return parsed.filters


def _details(kind: str, title: str) -> FeedDetails:
    # The self link names the feed's language: by ?lang= when asked that way, otherwise by the /cy/ prefix (a
    # feed picked by Accept-Language links to the Welsh feed's own address).
    language = answer_language()
    by_query = is_bilingual() and request.args.get("lang") in council().languages
    given = [(name, request.args[name]) for name in FILTERS if name in request.args]
    filters = urlencode(given)
    query = urlencode(given + ([("lang", request.args["lang"])] if by_query else []))
    config = current_app.config
    return FeedDetails(
        title=title,
        subtitle=_("Disruption to %(council)s services: new notices and their latest updates.", council=council_name()),
        self_path=("" if by_query else welsh_prefix(language)) + request.path + (f"?{query}" if query else ""),
        id_suffix=(f"{WELSH}:" if language == WELSH else "") + kind + (f"?{filters}" if filters else ""),
        council_name=council_name(),
        base_url=config["BASE_URL"],
        language=language,
    )


def _xml(body: bytes, mimetype: str) -> Response:
    response = make_response(body)
    response.mimetype = mimetype
    return response


def _notices_feed(kind: FeedFormat) -> Response:
    filters = _notice_filter()
    if isinstance(filters, Response):
        return filters
    notices, _count = notice_data.list_public_notices(filters, page=1, page_size=FEED_SIZE)
    names = {notice.id: _area_names(notice, answer_language()) for notice in notices}
    title = in_page_language(current_app.config["SERVICE_NAME"], council(), "service_name")
    body = notices_feed(notices, names, _details("notices", title), kind)
    return _xml(body, MIMETYPES[kind])


def _area_names(notice: Notice, language: str) -> list[str]:
    if language == ENGLISH:
        return notice_data.area_names(notice)
    return [_("Whole county")] if notice.whole_county else [text_in(area, "name", language) for area in notice.areas]


@feeds.get("/feeds/notices.atom")
@conditional_read(max_age=FEED_MAX_AGE, last_modified=True)
def notices_atom() -> Response:
    return _notices_feed("atom")


@feeds.get("/feeds/notices.rss")
@conditional_read(max_age=FEED_MAX_AGE, last_modified=True)
def notices_rss() -> Response:
    return _notices_feed("rss")


@feeds.get("/feeds/cap.atom")
@conditional_read(max_age=FEED_MAX_AGE, last_modified=True)
def cap_index() -> Response:
    notices, _count = notice_data.list_public_notices(notice_data.NoticeFilter(status="all"), page=1,
                                                      page_size=FEED_SIZE)
    details = _details("cap", _("%(council)s CAP alerts", council=council_name()))
    return _xml(cap_index_feed(notices, details), MIMETYPES["atom"])


def cap_context(notice: Notice) -> CapContext:
    config = current_app.config
    profile = council()
    return CapContext(
        sender_id=sender_id_for(config["BASE_URL"]),
        sender_name=config["COUNCIL_NAME"],
        local_authority_code=config["LOCAL_AUTHORITY_CODE"],
        postcode_districts=feed_data.postcode_districts_for(area.id for area in notice.areas),
        languages=profile.languages,
        sender_name_cy=text_in(profile, "name", WELSH) if WELSH in profile.languages else "",
    )


@feeds.get("/cap/<int:notice_id>.xml")
@conditional_read(max_age=FEED_MAX_AGE, last_modified=True)
def cap_alert(notice_id: int) -> Response:
    notice = notice_data.get_public_notice(notice_id)
    if notice is None:
        return problem(404, _("Not Found"), _("There is no published notice %(number)s", number=notice_id))
    response = _xml(build_cap_alert(notice, cap_context(notice), utc_now()), CAP_MIMETYPE)
    response.last_modified = notice.updated_at_utc
    return response


# The banner tells the partner page how tall it is, so a few lines of script there can fit the frame to it (the
# snippet on /open-data and in docs/open-data.md). Without script the frame's own height already holds it at 375 px.
# A fixed text, allowed by its hash: the banner's bytes stay the same for everyone, so a CDN can share them.
BANNER_SCRIPT = (
    "(function () {"
    " function post() {"
    " parent.postMessage({disruptionBannerHeight: document.documentElement.offsetHeight}, \"*\"); }"
    " addEventListener(\"load\", post); addEventListener(\"resize\", post);"
    " })();"
)


def _embeddable(response: Response) -> None:
    # Partner sites frame these pages, so they get their own policy in place of the app's frame-ancestors 'none'.
    ancestors = current_app.config["EMBED_FRAME_ANCESTORS"]
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src {script_hash(BANNER_SCRIPT)}; style-src 'self'; img-src 'self'; "
        f"base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    )
    response.headers["Access-Control-Allow-Origin"] = "*"


@feeds.get("/embed/banner")
@conditional_read(max_age=FEED_MAX_AGE, last_modified=True, finish=_embeddable)
def banner() -> Response:
    language = page_language()
    headline = headline_data.live_headline(text_in(council(), "short_name", language), language)
    page = render_template("feeds/banner.html", headline=headline, start_url=external_url("/"),
                           script=BANNER_SCRIPT)
    return make_response(page)


@feeds.get("/embed/banner.css")
@cacheable(max_age=3600)
def banner_stylesheet() -> Response:
    response = make_response(render_template("feeds/banner.css"))
    response.mimetype = "text/css"
    _embeddable(response)
    return response
