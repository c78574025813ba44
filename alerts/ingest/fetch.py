"""Fetching a feed over HTTP, politely and without ever raising."""

import logging
import time
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ReadTimeoutError

logger = logging.getLogger(__name__)

FetchStatus = Literal["ok", "not-modified", "error"]

USER_AGENT = "dorset-service-disruption-alerts (feed ingest)"
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
CHUNK_BYTES = 64 * 1024
_NOT_A_WEB_ADDRESS = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
)


@dataclass(frozen=True)
class FetchResult:
    status: FetchStatus
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None


class _FetchError(Exception):
    pass


def fetch_feed(
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    timeout_seconds: float = 10,
    max_bytes: int = 2_000_000,
    session: requests.Session | None = None,
) -> FetchResult:
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    timed_out = f"Timed out after {_describe_seconds(timeout_seconds)}"
    try:
        if session is None:
            with requests.Session() as own_session:
                return _fetch(own_session, url, headers, timeout_seconds, max_bytes, etag, last_modified)
        return _fetch(session, url, headers, timeout_seconds, max_bytes, etag, last_modified)
    except _FetchError as error:
        return _failed(url, str(error))
    except requests.exceptions.Timeout as error:
        return _failed(url, timed_out, error)
    except requests.exceptions.ConnectionError as error:
        # requests reports a read timeout while streaming the body as a ConnectionError wrapping urllib3's error.
        if error.args and isinstance(error.args[0], ReadTimeoutError):
            return _failed(url, timed_out, error)
        return _failed(url, f"Could not connect to {urlsplit(url).hostname or url}", error)
    except requests.exceptions.TooManyRedirects as error:
        return _failed(url, "The feed redirected too many times", error)
    except _NOT_A_WEB_ADDRESS as error:
        return _failed(url, "The feed address is not a valid web address", error)
    except requests.exceptions.RequestException as error:
        return _failed(url, f"Could not fetch the feed ({type(error).__name__})", error)


def _failed(url: str, reason: str, cause: Exception | None = None) -> FetchResult:
    logger.warning("Fetching feed %s failed: %s%s", url, reason, f" ({cause!r})" if cause else "")
    return FetchResult(status="error", error=reason)


def _fetch(
    session: requests.Session,
    url: str,
    headers: dict[str, str],
    timeout_seconds: float,
    max_bytes: int,
    etag: str | None,
    last_modified: str | None,
) -> FetchResult:
    # requests' timeout applies to each socket read, so a server trickling bytes could hold us for ever:
    # we also enforce a deadline for the whole response.
    deadline = time.monotonic() + timeout_seconds
    with session.get(url, headers=headers, timeout=timeout_seconds, stream=True) as response:
        if response.status_code == 304:
            return FetchResult(
                status="not-modified",
                etag=response.headers.get("ETag", etag),
                last_modified=response.headers.get("Last-Modified", last_modified),
            )
        if not 200 <= response.status_code < 300:
            raise _FetchError(f"The feed returned HTTP {response.status_code}")

        too_large = f"The feed was larger than {_describe_bytes(max_bytes)}"
        declared_length = response.headers.get("Content-Length", "")
        if declared_length.isdigit() and int(declared_length) > max_bytes:
            raise _FetchError(too_large)

        body = bytearray()
        for chunk in response.iter_content(chunk_size=CHUNK_BYTES):
            body += chunk
            if len(body) > max_bytes:
                raise _FetchError(too_large)
            if time.monotonic() > deadline:
                raise requests.exceptions.ReadTimeout()

        if _looks_like_html(response.headers.get("Content-Type", ""), bytes(body)):
            raise _FetchError("The feed returned an HTML page, not RSS or Atom")

        return FetchResult(
            status="ok",
            body=bytes(body),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )


def _looks_like_html(content_type: str, body: bytes) -> bool:
    if content_type.split(";")[0].strip().lower() in {"text/html", "application/xhtml+xml"}:
        return True
    start = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html"))


def _describe_seconds(seconds: float) -> str:
    return f"{seconds:g} second" if seconds == 1 else f"{seconds:g} seconds"


def _describe_bytes(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:g} MB"
    if size >= 1_000:
        return f"{size / 1_000:g} kB"
    return f"{size} bytes"
