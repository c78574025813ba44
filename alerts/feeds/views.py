"""Feeds, CAP alerts and the embeddable banner: thin views over alerts.data, all cacheable and conditional."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, make_response, render_template, request

from alerts.data import feeds as feed_data
from alerts.data import headlines as headline_data
from alerts.data import notices as notice_data
from alerts.feeds.cap import CAP_MIMETYPE, CapContext, build_cap_alert, sender_id_for
from alerts.feeds.syndication import FeedDetails, FeedFormat, cap_index_feed, notices_feed
from alerts.links import external_url
from alerts.models import Notice, utc_now
from alerts.profile import council
from alerts.web.caching import cacheable, conditional_read
from alerts.web.errors import problem
from alerts.web.security_headers import script_hash

feeds = Blueprint("feeds", __name__)

FEED_SIZE = 50
FEED_MAX_AGE = 60
FILTERS = ("postcode", "area", "service")
MIMETYPES: dict[FeedFormat, str] = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


def _notice_filter() -> notice_data.NoticeFilter | Response:
    """The feed's filters, or a 400 saying exactly what is wrong with them."""
    parsed = notice_data.parse_notice_filter(
        postcode=request.args.get("postcode"), area=request.args.get("area"), service=request.args.get("service"),
        status="all", council_name=current_app.config["COUNCIL_NAME"],
    )
    if parsed.errors:
        detail = "Change or remove the filters named in errors."
        return problem(400, "Invalid feed filter", detail, errors=parsed.errors)
    return parsed.filters


def _details(kind: str, title: str) -> FeedDetails:
    query = urlencode([(name, request.args[name]) for name in FILTERS if name in request.args])
    config = current_app.config
    return FeedDetails(
        title=title,
        subtitle=f"Disruption to {config['COUNCIL_NAME']} services: new notices and their latest updates.",
        self_path=request.path + (f"?{query}" if query else ""),
        id_suffix=kind + (f"?{query}" if query else ""),
        council_name=config["COUNCIL_NAME"],
        base_url=config["BASE_URL"],
    )


def _xml(body: bytes, mimetype: str) -> Response:
    response = make_response(body)
    response.mimetype = mimetype
    return response


def _notices_feed(kind: FeedFormat) -> Response:
    filters = _notice_filter()
    if isinstance(filters, Response):
        return filters
    notices, _ = notice_data.list_public_notices(filters, page=1, page_size=FEED_SIZE)
    names = {notice.id: notice_data.area_names(notice) for notice in notices}
    body = notices_feed(notices, names, _details("notices", current_app.config["SERVICE_NAME"]), kind)
    return _xml(body, MIMETYPES[kind])


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
    notices, _ = notice_data.list_public_notices(notice_data.NoticeFilter(status="all"), page=1, page_size=FEED_SIZE)
    details = _details("cap", f"{current_app.config['COUNCIL_NAME']} CAP alerts")
    return _xml(cap_index_feed(notices, details), MIMETYPES["atom"])


def cap_context(notice: Notice) -> CapContext:
    config = current_app.config
    return CapContext(
        sender_id=sender_id_for(config["BASE_URL"]),
        sender_name=config["COUNCIL_NAME"],
        local_authority_code=config["LOCAL_AUTHORITY_CODE"],
        postcode_districts=feed_data.postcode_districts_for(area.id for area in notice.areas),
    )


@feeds.get("/cap/<int:notice_id>.xml")
@conditional_read(max_age=FEED_MAX_AGE, last_modified=True)
def cap_alert(notice_id: int) -> Response:
    notice = notice_data.get_public_notice(notice_id)
    if notice is None:
        return problem(404, "Not Found", f"There is no published notice {notice_id}")
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
    headline = headline_data.live_headline(council().short_name)
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
