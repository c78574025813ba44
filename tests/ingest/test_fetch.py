from collections.abc import Callable
from types import SimpleNamespace

import pytest
import requests
import responses
from urllib3.exceptions import ReadTimeoutError

from alerts.ingest import fetch
from alerts.ingest.fetch import fetch_feed

FEED_URL = "https://www.metoffice.gov.uk/public/data/PWSCache/WarningsRSS/Region/sw"
RSS = "application/rss+xml"


@responses.activate
def test_a_new_feed_is_returned_with_its_etag_and_last_modified(fixture_bytes: Callable[[str], bytes]) -> None:
    body = fixture_bytes("south-west-sample.xml")
    responses.get(
        FEED_URL,
        body=body,
        content_type=RSS,
        headers={"ETag": '"abc123"', "Last-Modified": "Mon, 07 Dec 2026 10:02:11 GMT"},
    )

    result = fetch_feed(FEED_URL, etag=None, last_modified=None)

    assert result == fetch.FetchResult(
        status="ok", body=body, etag='"abc123"', last_modified="Mon, 07 Dec 2026 10:02:11 GMT", error=None
    )


@responses.activate
def test_a_first_fetch_sends_no_conditional_headers_and_streams_with_a_timeout() -> None:
    responses.get(FEED_URL, body=b"<rss/>", content_type=RSS)

    fetch_feed(FEED_URL, etag=None, last_modified=None)

    request = responses.calls[0].request
    assert "If-None-Match" not in request.headers
    assert "If-Modified-Since" not in request.headers
    assert request.req_kwargs["stream"] is True
    assert request.req_kwargs["timeout"] == 10


@responses.activate
def test_a_feed_without_validators_has_no_etag_or_last_modified() -> None:
    responses.get(FEED_URL, body=b"<rss/>", content_type=RSS)

    result = fetch_feed(FEED_URL, etag=None, last_modified=None)

    assert result.status == "ok"
    assert result.etag is None
    assert result.last_modified is None


@responses.activate
def test_an_unchanged_feed_is_not_modified_after_a_conditional_request() -> None:
    responses.get(FEED_URL, status=304, headers={"ETag": '"abc123"'})

    result = fetch_feed(FEED_URL, etag='"abc123"', last_modified="Mon, 07 Dec 2026 10:02:11 GMT")

    assert result == fetch.FetchResult(
        status="not-modified", body=None, etag='"abc123"', last_modified="Mon, 07 Dec 2026 10:02:11 GMT"
    )
    request = responses.calls[0].request
    assert request.headers["If-None-Match"] == '"abc123"'
    assert request.headers["If-Modified-Since"] == "Mon, 07 Dec 2026 10:02:11 GMT"


@responses.activate
def test_a_not_modified_response_with_new_validators_returns_them() -> None:
    responses.get(FEED_URL, status=304, headers={"ETag": '"def456"', "Last-Modified": "Tue, 08 Dec 2026 06:00:00 GMT"})

    result = fetch_feed(FEED_URL, etag='"abc123"', last_modified="Mon, 07 Dec 2026 10:02:11 GMT")

    assert result.status == "not-modified"
    assert result.etag == '"def456"'
    assert result.last_modified == "Tue, 08 Dec 2026 06:00:00 GMT"


@responses.activate
def test_a_timeout_is_an_error_saying_how_long_we_waited() -> None:
    responses.get(FEED_URL, body=requests.exceptions.ReadTimeout())

    result = fetch_feed(FEED_URL, etag=None, last_modified=None)

    assert result == fetch.FetchResult(status="error", error="Timed out after 10 seconds")


@responses.activate
def test_a_timeout_reports_the_timeout_we_were_given() -> None:
    responses.get(FEED_URL, body=requests.exceptions.ConnectTimeout())

    result = fetch_feed(FEED_URL, etag=None, last_modified=None, timeout_seconds=2.5)

    assert result.error == "Timed out after 2.5 seconds"
    assert responses.calls[0].request.req_kwargs["timeout"] == 2.5


@responses.activate
def test_a_feed_that_trickles_in_for_longer_than_the_timeout_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    responses.get(FEED_URL, body=b"<rss/>", content_type=RSS)
    clock = iter([0.0, 11.0])
    monkeypatch.setattr(fetch, "time", SimpleNamespace(monotonic=lambda: next(clock)))

    result = fetch_feed(FEED_URL, etag=None, last_modified=None)

    assert result.error == "Timed out after 10 seconds"


@responses.activate
def test_a_read_timeout_while_streaming_the_body_is_a_timeout() -> None:
    # What requests raises when the socket times out part-way through iter_content.
    responses.get(
        FEED_URL, body=requests.exceptions.ConnectionError(ReadTimeoutError(None, FEED_URL, "Read timed out."))
    )

    result = fetch_feed(FEED_URL, etag=None, last_modified=None)

    assert result.error == "Timed out after 10 seconds"


@responses.activate
def test_a_connection_failure_is_an_error_naming_the_host() -> None:
    responses.get(FEED_URL, body=requests.exceptions.ConnectionError("Name or service not known"))

    result = fetch_feed(FEED_URL, etag=None, last_modified=None)

    assert result == fetch.FetchResult(status="error", error="Could not connect to www.metoffice.gov.uk")


@responses.activate
@pytest.mark.parametrize("status", [404, 500, 503])
def test_an_unsuccessful_response_is_an_error_giving_the_status(status: int) -> None:
    responses.get(FEED_URL, status=status, body=b"Service Unavailable", content_type="text/plain")

    result = fetch_feed(FEED_URL, etag=None, last_modified=None)

    assert result == fetch.FetchResult(status="error", error=f"The feed returned HTTP {status}")


@responses.activate
def test_a_feed_larger_than_the_limit_is_refused() -> None:
    responses.get(FEED_URL, body=b"<rss>" + b" " * 2_000_000 + b"</rss>", content_type=RSS)

    result = fetch_feed(FEED_URL, etag=None, last_modified=None)

    assert result == fetch.FetchResult(status="error", error="The feed was larger than 2 MB")


@responses.activate
def test_a_feed_declaring_a_length_over_the_limit_is_refused() -> None:
    responses.get(FEED_URL, body=b"<rss/>", content_type=RSS, headers={"Content-Length": "2000001"})

    result = fetch_feed(FEED_URL, etag=None, last_modified=None)

    assert result.error == "The feed was larger than 2 MB"


@responses.activate
def test_a_feed_of_exactly_the_limit_is_accepted() -> None:
    responses.get(FEED_URL, body=b"x" * 1_000, content_type=RSS)

    result = fetch_feed(FEED_URL, etag=None, last_modified=None, max_bytes=1_000)

    assert result.status == "ok"
    assert result.body == b"x" * 1_000


@responses.activate
def test_a_feed_one_byte_over_a_custom_limit_is_refused() -> None:
    responses.get(FEED_URL, body=b"x" * 1_001, content_type=RSS)

    result = fetch_feed(FEED_URL, etag=None, last_modified=None, max_bytes=1_000)

    assert result.error == "The feed was larger than 1 kB"


@responses.activate
def test_an_html_page_is_an_error_not_a_feed(fixture_bytes: Callable[[str], bytes]) -> None:
    responses.get(FEED_URL, body=fixture_bytes("html-error-page.html"), content_type="text/html; charset=utf-8")

    result = fetch_feed(FEED_URL, etag=None, last_modified=None)

    assert result == fetch.FetchResult(status="error", error="The feed returned an HTML page, not RSS or Atom")


@responses.activate
@pytest.mark.parametrize("start", [b"<!DOCTYPE html>", b"\n  <!doctype HTML>", b"\xef\xbb\xbf<html lang='en'>"])
def test_an_html_page_served_as_xml_is_still_an_error(start: bytes) -> None:
    responses.get(FEED_URL, body=start + b"<p>Sorry</p>", content_type="application/xml")

    result = fetch_feed(FEED_URL, etag=None, last_modified=None)

    assert result.error == "The feed returned an HTML page, not RSS or Atom"


@responses.activate
def test_the_session_given_is_used_for_the_request() -> None:
    responses.get(FEED_URL, body=b"<rss/>", content_type=RSS)
    session = requests.Session()
    session.headers["X-From-Session"] = "yes"

    fetch_feed(FEED_URL, etag=None, last_modified=None, session=session)

    assert responses.calls[0].request.headers["X-From-Session"] == "yes"


def test_an_address_that_is_not_a_web_address_is_an_error() -> None:
    result = fetch_feed("metoffice.gov.uk/warnings", etag=None, last_modified=None)

    assert result == fetch.FetchResult(status="error", error="The feed address is not a valid web address")
