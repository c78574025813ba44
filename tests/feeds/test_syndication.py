"""Atom and RSS feeds of notices, and the CAP index: readable by feedparser, filtered, stable and conditional."""

from __future__ import annotations

import datetime as dt
import html
import io

import feedparser
import pytest
from flask.testing import FlaskClient
from lxml import etree

from alerts.data.demo import load_demo_notices
from alerts.extensions import db
from alerts.models import NoticeStatus, NoticeUpdate, UpdateKind, utc_now

FEEDS = ["/feeds/notices.atom", "/feeds/notices.rss", "/feeds/cap.atom"]


def parsed(client: FlaskClient, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    feed = feedparser.parse(io.BytesIO(response.data))
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("url", FEEDS)
def test_the_demo_notices_make_feeds_feedparser_reads_without_complaint(client: FlaskClient, url: str) -> None:
    load_demo_notices()
    db.session.commit()

    feed = parsed(client, url)

    assert len(feed.entries) == 7  # five active and two resolved: a reader sees the resolution too
    assert all(entry.id.startswith("tag:localhost,") for entry in feed.entries)


@pytest.mark.parametrize(("url", "mimetype"), [
    ("/feeds/notices.atom", "application/atom+xml"),
    ("/feeds/notices.rss", "application/rss+xml"),
    ("/feeds/cap.atom", "application/atom+xml"),
])
def test_feeds_are_served_with_their_media_type(client: FlaskClient, url: str, mimetype: str) -> None:
    response = client.get(url)

    assert response.mimetype == mimetype
    assert response.content_type == f"{mimetype}; charset=utf-8"


def test_an_entry_shows_the_latest_update_with_a_stable_id_and_the_time_it_changed(
    client: FlaskClient, factories
) -> None:
    notice = factories.NoticeFactory(title="Bins suspended", area_ids=["weymouth"])
    created = notice.created_at_utc
    first = parsed(client, "/feeds/notices.atom").entries[0]

    changed = utc_now().replace(microsecond=0) + dt.timedelta(minutes=5)
    notice.updates.append(NoticeUpdate(kind=UpdateKind.UPDATED, summary="Crews are out again this afternoon.",
                                       created_at_utc=changed))
    notice.updated_at_utc, notice.version = changed, notice.version + 1
    db.session.commit()
    entries = parsed(client, "/feeds/notices.atom").entries

    assert len(entries) == 1
    (entry,) = entries
    assert entry.id == first.id == f"tag:localhost,{created.date().isoformat()}:notice:{notice.id}"
    assert entry.title == "Bins suspended"
    assert entry.link == f"http://localhost/notices/{notice.id}"
    assert entry.content[0].value.startswith("Crews are out again this afternoon.")
    assert "What you should do: Keep your bins inside." in entry.content[0].value
    assert dt.datetime(*entry.updated_parsed[:6], tzinfo=dt.UTC) == changed


def test_rss_items_carry_the_latest_update_time_and_a_stable_guid(client: FlaskClient, factories) -> None:
    notice = factories.NoticeFactory(title="Library closed", service_id="libraries", area_ids=["dorchester"])

    (item,) = parsed(client, "/feeds/notices.rss").entries

    assert item.id == f"tag:localhost,{notice.created_at_utc.date().isoformat()}:notice:{notice.id}"
    assert item.guidislink is False
    assert dt.datetime(*item.published_parsed[:6], tzinfo=dt.UTC) == notice.updated_at_utc.replace(microsecond=0)
    assert item.tags[0].term == "Libraries"


def test_a_resolved_notice_says_so_in_its_title(client: FlaskClient, factories) -> None:
    factories.NoticeFactory(title="Bus delays", status=NoticeStatus.RESOLVED)

    (entry,) = parsed(client, "/feeds/notices.atom").entries

    assert entry.title == "Resolved: Bus delays"


def test_drafts_never_appear_in_a_feed(client: FlaskClient, factories) -> None:
    factories.NoticeFactory(title="Not yet", status=NoticeStatus.DRAFT)

    for url in FEEDS:
        assert parsed(client, url).entries == []


@pytest.mark.parametrize(("query", "titles"), [
    ("postcode=DT4+7TA", ["County gritting", "Weymouth bins"]),
    ("area=sherborne", ["County gritting", "Sherborne library"]),
    ("service=libraries", ["Sherborne library"]),
    ("area=weymouth&service=bins-and-recycling", ["Weymouth bins"]),
])
@pytest.mark.parametrize("url", ["/feeds/notices.atom", "/feeds/notices.rss"])
def test_feeds_filter_by_postcode_area_and_service(
    client: FlaskClient, factories, url: str, query: str, titles: list[str]
) -> None:
    factories.NoticeFactory(title="Weymouth bins", area_ids=["weymouth"])
    factories.NoticeFactory(title="Sherborne library", service_id="libraries", area_ids=["sherborne"])
    factories.NoticeFactory(title="County gritting", service_id="roads-and-gritting", area_ids=["whole-county"])

    feed = parsed(client, f"{url}?{query}")

    assert sorted(entry.title for entry in feed.entries) == titles
    assert feed.feed.links[0 if url.endswith("atom") else 1].href == f"http://localhost{url}?{query}"


@pytest.mark.parametrize("url", ["/feeds/notices.atom", "/feeds/notices.rss"])
def test_a_bad_filter_is_a_400_saying_what_is_wrong(client: FlaskClient, url: str) -> None:
    response = client.get(f"{url}?postcode=nonsense&area=atlantis&service=moon")

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"] == {
        "postcode": "Enter a full UK postcode, like DT1 1XJ",
        "area": "Unknown area 'atlantis': see /api/v1/areas",
        "service": "Unknown service 'moon': see /api/v1/services",
    }


def test_a_postcode_outside_the_council_is_a_400(client: FlaskClient) -> None:
    response = client.get("/feeds/notices.atom?postcode=BH1+1AA")

    assert response.status_code == 400
    assert response.json["errors"] == {"postcode": "BH1 1AA is outside Dorset Council's area"}


def test_the_cap_index_links_each_entry_to_its_cap_alert(client: FlaskClient, factories) -> None:
    notice = factories.NoticeFactory()

    (entry,) = parsed(client, "/feeds/cap.atom").entries

    cap_links = [link for link in entry.links if link.type == "application/cap+xml"]
    assert [link.href for link in cap_links] == [f"http://localhost/cap/{notice.id}.xml"]
    assert cap_links[0].rel == "alternate"
    assert client.get(cap_links[0].href.removeprefix("http://localhost")).status_code == 200


def test_an_empty_feed_is_still_a_valid_feed_that_does_not_change(client: FlaskClient) -> None:
    first = client.get("/feeds/notices.atom")
    second = client.get("/feeds/notices.atom")

    assert parsed(client, "/feeds/notices.atom").entries == []
    assert first.data == second.data


def test_officer_text_is_text_in_rss_and_atom_never_markup(client: FlaskClient, factories) -> None:
    """An RSS description is HTML to every reader: officer text goes in escaped, so it reads as typed."""
    typed = 'Crews out <script>alert(1)</script> & <a href="https://evil.example">call us</a>'
    factories.NoticeFactory(title="Bins late", summary=typed)

    rss = etree.fromstring(client.get("/feeds/notices.rss").data)
    (description,) = rss.findall("channel/item/description")
    assert "<script>" not in description.text and "<a href" not in description.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;a href=" in description.text
    (item,) = parsed(client, "/feeds/notices.rss").entries
    assert typed in html.unescape(item.description)  # a reader shows what the officer typed, as text

    atom = etree.fromstring(client.get("/feeds/notices.atom").data)
    (content,) = atom.findall("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content")
    assert content.get("type") in (None, "text")  # Atom's default type is text (RFC 4287 3.1.1)
    assert typed in content.text
    (entry,) = parsed(client, "/feeds/notices.atom").entries
    assert typed in entry.content[0].value
