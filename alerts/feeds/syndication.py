"""Notices as Atom and RSS feeds (built with feedgen), and the CAP index feed alert hubs poll.

One entry per notice, showing its latest update. Entry ids are tag: URIs made of things that never change (the
public host, the day the notice was created and its id), so a feed reader sees an update as the same entry
changed, never as a new one. Every time in the feed comes from the data, never from the clock, so an unchanged
feed is byte-for-byte the same and its ETag holds.

Each feed is in one language (the request's: /cy/feeds/…, `?lang=cy` or Accept-Language). A Welsh feed is a feed of
its own: its id, entry ids, texts, links (to the /cy/ pages) and xml:lang are Welsh.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from lxml import etree

from alerts.feeds.cap import CAP_LANGUAGES, CAP_MIMETYPE, cap_url, notice_url_in
from alerts.formatting import london_time
from alerts.languages import ENGLISH, WELSH, text_in
from alerts.links import external_url
from alerts.models import Notice, NoticeStatus, NoticeUpdate
from alerts.text import xml_safe

FeedFormat = Literal["atom", "rss"]
ATOM = "{http://www.w3.org/2005/Atom}"
# Used as the feed's updated time when there has never been a notice, so an empty feed is stable too.
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
IMPACT_WORDS = {"minor": _l("Delays"), "major": _l("Partly closed"), "severe": _l("Suspended or closed")}
STATUS_WORDS = {NoticeStatus.ACTIVE: _l("Active"), NoticeStatus.RESOLVED: _l("Resolved"),
                NoticeStatus.EXPIRED: _l("Ended")}


@dataclass(frozen=True)
class FeedDetails:
    title: str
    subtitle: str
    self_path: str  # e.g. "/feeds/notices.atom?area=weymouth"
    id_suffix: str  # distinguishes filtered feeds: "notices", "notices?area=weymouth", "cap"
    council_name: str
    base_url: str
    language: str = ENGLISH


def tag_authority(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


def notice_tag(notice: Notice, base_url: str, language: str = ENGLISH) -> str:
    # The Welsh entry is an entry of its own, so a reader following both feeds keeps both.
    tag = f"tag:{tag_authority(base_url)},{notice.created_at_utc.date().isoformat()}:notice:{notice.id}"
    return tag + (f":{WELSH}" if language == WELSH else "")


def latest_update(notice: Notice) -> NoticeUpdate | None:
    updates = sorted(notice.updates, key=lambda u: (u.created_at_utc, u.id))
    return updates[-1] if updates else None


def entry_title(notice: Notice, language: str = ENGLISH) -> str:
    # Atom needs a title: one made only of characters XML can't carry would otherwise leave none.
    title = xml_safe(text_in(notice, "title", language)) or _("Notice %(number)s", number=notice.id)
    if notice.status == NoticeStatus.ACTIVE:
        return title
    return f"{STATUS_WORDS.get(NoticeStatus(notice.status), _('Ended'))}: {title}"


def entry_text(notice: Notice, area_names: Sequence[str], language: str = ENGLISH) -> str:
    latest = latest_update(notice)
    summary = text_in(latest, "summary", language) if latest else text_in(notice, "summary", language)
    advice = (text_in(latest, "advice", language) if latest and latest.advice else "") or text_in(
        notice, "advice", language)
    lines = [summary]
    if advice:
        # Once a notice is over its advice is history, and must not read as an instruction.
        over = notice.status != NoticeStatus.ACTIVE
        lines.append(_("What residents were asked to do: %(advice)s", advice=advice) if over
                     else _("What you should do: %(advice)s", advice=advice))
    impact, status = str(notice.impact), NoticeStatus(notice.status)
    details = [
        _("Service: %(service)s", service=text_in(notice.service, "name", language)),
        _("Areas: %(areas)s", areas=", ".join(area_names)),
        _("Impact: %(impact)s", impact=IMPACT_WORDS.get(impact, impact)),
        _("Status: %(status)s", status=STATUS_WORDS.get(status, str(notice.status))),
    ]
    if notice.expected_end_at_utc and notice.status == NoticeStatus.ACTIVE:
        details.append(_("Expected to end: %(time)s", time=london_time(notice.expected_end_at_utc, language)))
    lines.append(". ".join(details) + ".")
    return "\n\n".join(lines)


def _generator(details: FeedDetails, kind: FeedFormat, updated: dt.datetime) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(f"tag:{tag_authority(details.base_url)},2026:{details.id_suffix}")
    feed.title(xml_safe(details.title))
    feed.subtitle(xml_safe(details.subtitle))
    feed.author({"name": xml_safe(details.council_name)})
    feed.language(CAP_LANGUAGES[details.language])  # RSS <language>, and xml:lang on the Atom feed
    feed.rights("Contains public sector information licensed under the Open Government Licence v3.0.")
    # feedgen uses the first link as RSS's channel <link>, so the web page goes first in RSS.
    self_link = {"href": external_url(details.self_path), "rel": "self",
                 "type": "application/atom+xml" if kind == "atom" else "application/rss+xml"}
    page_link = {"href": external_url(("/" + WELSH if details.language == WELSH else "") + "/"),
                 "rel": "alternate", "type": "text/html"}
    for link in ([self_link, page_link] if kind == "atom" else [page_link, self_link]):
        feed.link(**link)
    feed.updated(updated)
    feed.lastBuildDate(updated)  # feedgen would otherwise stamp the current time, changing the ETag every second
    return feed


def notices_feed(
    notices: Sequence[Notice], area_names: dict[int, list[str]], details: FeedDetails, kind: FeedFormat
) -> bytes:
    with force_locale(details.language):
        return _notices_feed(notices, area_names, details, kind)


def _notices_feed(
    notices: Sequence[Notice], area_names: dict[int, list[str]], details: FeedDetails, kind: FeedFormat
) -> bytes:
    language = details.language
    updated = max((n.updated_at_utc for n in notices), default=EPOCH)
    feed = _generator(details, kind, updated)
    entry_links = []
    for notice in notices:
        entry = feed.add_entry(order="append")
        entry.id(notice_tag(notice, details.base_url, language))
        entry.guid(notice_tag(notice, details.base_url, language), permalink=False)
        entry.title(entry_title(notice, language))
        links = [{"href": notice_url_in(notice.id, language), "rel": "alternate", "type": "text/html"}]
        entry_links.append(links)
        for link in links:
            entry.link(**link)
        # Rows saved before input refused hidden characters must not break the feed (alerts/text.py).
        text = xml_safe(entry_text(notice, area_names.get(notice.id, []), language))
        if kind == "rss":
            # Readers take an RSS description as HTML: escaped, officer text reads as typed and is never markup.
            # (feedgen's description() also sets Atom's content, hence one or the other.)
            entry.description(html.escape(text, quote=False))
        else:
            entry.content(text, type="text")
        entry.category(term=notice.service_id, label=xml_safe(text_in(notice.service, "name", language)))
        entry.updated(notice.updated_at_utc)
        # RSS has no "updated": its pubDate carries the latest update, so readers notice the change.
        entry.published(notice.updated_at_utc if kind == "rss" else (notice.published_at_utc or notice.created_at_utc))
    return _with_entry_links(feed.atom_str(pretty=True), entry_links) if kind == "atom" else feed.rss_str(pretty=True)


def cap_index_feed(notices: Sequence[Notice], details: FeedDetails) -> bytes:
    """The Atom index of CAP alerts (as alert hubs expect): one entry per notice, linking to its CAP document."""
    with force_locale(details.language):
        return _cap_index_feed(notices, details)


def _cap_index_feed(notices: Sequence[Notice], details: FeedDetails) -> bytes:
    language = details.language
    updated = max((n.updated_at_utc for n in notices), default=EPOCH)
    feed = _generator(details, "atom", updated)
    entry_links = []
    for notice in notices:
        entry = feed.add_entry(order="append")
        entry.id(notice_tag(notice, details.base_url, language))
        entry.title(entry_title(notice, language))
        links = [
            {"href": cap_url(notice.id), "rel": "alternate", "type": CAP_MIMETYPE},
            {"href": notice_url_in(notice.id, language), "rel": "related", "type": "text/html"},
        ]
        entry_links.append(links)
        for link in links:
            entry.link(**link)
        latest = latest_update(notice)
        entry.summary(xml_safe(text_in(latest, "summary", language) if latest
                               else text_in(notice, "summary", language)))
        entry.updated(notice.updated_at_utc)
        entry.published(notice.published_at_utc or notice.created_at_utc)
    return _with_entry_links(feed.atom_str(pretty=True), entry_links)


def _with_entry_links(atom: bytes, entry_links: Sequence[Sequence[dict[str, str]]]) -> bytes:
    """Put back the rel and type of each entry's links, which feedgen 1.0.0 drops from Atom entries.

    Hubs find the CAP document by its link's type (application/cap+xml), so this matters. The links are rewritten
    in the order feedgen wrote them, which is the order they were given.
    """
    root = etree.fromstring(atom)
    for entry, links in zip(root.iterfind(f"{ATOM}entry"), entry_links, strict=True):
        for element, link in zip(entry.iterfind(f"{ATOM}link"), links, strict=True):
            for name, value in link.items():
                element.set(name, value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
