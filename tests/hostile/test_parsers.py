"""Anything typed or fetched is either accepted in a normal form or refused with our own error: never a crash."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from alerts.areas.postcodes import InvalidPostcode, normalise_postcode
from alerts.ingest.feeds import FeedEntry, ParsedFeed, parse_feed
from alerts.ingest.met_office import parse_warnings
from alerts.notify.recipients import InvalidRecipient, normalise_email, normalise_uk_mobile

# Characters people (and scripts) really send: letters, digits, spaces of every kind, controls, emoji, RTL marks.
hostile_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
postcode_like = st.from_regex(r"\A\s*[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}\s*\Z")
phone_like = st.from_regex(r"\A[+]?[0-9 ()\-]{0,20}\Z")


@given(hostile_text | postcode_like)
@example("DT4\u00a07TA")
@example("\x00")
@example("ＤＴ４ ７ＴＡ")
def test_postcode_normalisation_accepts_a_standard_postcode_or_refuses_clearly(text: str) -> None:
    try:
        postcode = normalise_postcode(text)
    except InvalidPostcode as error:
        assert error.message("DT1 1XJ") in ("Enter a postcode", "Enter a full UK postcode, like DT1 1XJ")
    else:
        assert postcode == normalise_postcode(postcode), "normalising twice changes nothing"
        outward, inward = postcode.split(" ")
        assert postcode.isascii() and postcode.upper() == postcode
        assert 2 <= len(outward) <= 4 and len(inward) == 3


@given(hostile_text | phone_like)
@example("07700 900 982")
@example("+44 7700 900982")
@example("٠٧٧٠٠٩٠٠٩٨٢")
def test_mobile_numbers_are_e164_uk_mobiles_or_refused_clearly(text: str) -> None:
    try:
        number = normalise_uk_mobile(text)
    except InvalidRecipient as error:
        assert error.message in ("Enter a UK mobile number", "Enter a UK mobile number, like 07700 900 982")
    else:
        assert number.startswith("+447") and number[1:].isdigit() and len(number) == 13
        assert normalise_uk_mobile(number) == number


@given(hostile_text | st.emails())
@example("a@b")
@example("name@example.com\n")
@example("x" * 64 + "@" + "y" * 300 + ".com")
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_email_addresses_are_normalised_or_refused_clearly(text: str) -> None:
    try:
        address = normalise_email(text)
    except InvalidRecipient as error:
        assert error.message in ("Enter your email address",
                                 "Enter an email address in the correct format, like name@example.com")
    else:
        assert "@" in address and address == address.lower()
        assert address.rpartition("@")[0].isascii(), "Notify refuses non-ASCII before the @"
        assert normalise_email(address) == address


xml_fragments = st.sampled_from([
    b"<?xml version='1.0'?>", b"<rss version='2.0'>", b"<channel>", b"<item>", b"<title>", b"</title>", b"<link>",
    b"</link>", b"<description>", b"</description>", b"</item>", b"</channel>", b"</rss>", b"<feed xmlns=",
    b"'http://www.w3.org/2005/Atom'>", b"<entry>", b"</entry>", b"</feed>", b"<![CDATA[", b"]]>", b"&amp;", b"&#0;",
    b"<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'>]>", b"&a;", b"Yellow warning of snow affecting South West England",
    b"valid from 1800 Mon 7 Dec to 1100 Tue 8 Dec", b"https://www.metoffice.gov.uk/w#?date=2026-12-07&id=x",
])
feed_bodies = st.binary(max_size=400) | st.lists(xml_fragments | st.binary(max_size=8), max_size=40).map(b"".join)


@given(feed_bodies)
@settings(deadline=None)
def test_any_feed_body_gives_entries_or_an_error_never_an_exception(body: bytes) -> None:
    parsed = parse_feed(body)
    assert isinstance(parsed, ParsedFeed)
    assert parsed.error is None or not parsed.entries
    parse_warnings(parsed.entries)


_when = st.builds(lambda t, d, m: f"{t:04d} Mon {d} {m}", st.integers(0, 9999), st.integers(0, 40),
                  st.sampled_from(["Jan", "Feb", "Dec", "Xyz", "Sept"]))
met_office_entries = st.builds(
    FeedEntry,
    title=st.one_of(hostile_text, st.builds(lambda level, hazard: f"{level} warning of {hazard} affecting South West",
                                             st.sampled_from(["Yellow", "Amber", "Red", "Purple"]), hostile_text)),
    link=st.one_of(hostile_text, st.builds(lambda d, i: f"https://www.metoffice.gov.uk/w#?date={d}&id={i}",
                                           hostile_text, hostile_text),
                   st.just("https://[::1/x")),
    description=st.one_of(hostile_text, st.builds(lambda areas, a, b: f"{areas} valid from {a} to {b}",
                                                  hostile_text, _when, _when)),
    guid=st.none() | hostile_text,
    published=st.none() | st.datetimes(timezones=st.just(dt.UTC)),
)


@given(st.lists(met_office_entries, max_size=5))
@settings(deadline=None)
def test_any_met_office_item_is_read_or_skipped_with_a_reason(entries: list[FeedEntry]) -> None:
    result = parse_warnings(entries)
    assert len(result.warnings) + len(result.skipped) == len(entries)
    assert all(skipped.reason for skipped in result.skipped)
    for warning in result.warnings:
        assert warning.valid_from <= warning.valid_to
