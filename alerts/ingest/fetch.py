"""Fetching a feed over HTTP, politely and without ever raising.

Every hop (the feed address and each redirect, followed here by hand up to a limit) is checked by
alerts/ingest/addresses.py, and the connection goes to the address that was checked (_PinnedAddressAdapter), with
the Host header, TLS server name and certificate check still for the host name. Environment proxies are ignored:
a proxy would resolve the name itself, after our check.
"""

import logging
import time
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import ReadTimeoutError

from alerts.ingest.addresses import AddressRefused, refusal_for_url, resolve_checked

logger = logging.getLogger(__name__)

FetchStatus = Literal["ok", "not-modified", "error"]

USER_AGENT = "council-service-disruption-alerts (feed ingest)"
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


REDIRECTS = (301, 302, 303, 307, 308)


class _PinnedAddressAdapter(HTTPAdapter):
    """Resolve the host once, check every address, and connect to the checked one.

    Runs only when a real connection is made (a test's `responses` mock replaces `send`, so it never resolves)."""

    def __init__(self, *, allow_loopback: bool) -> None:
        self.allow_loopback = allow_loopback
        super().__init__(max_retries=0)

    def get_connection_with_tls_context(self, request: requests.PreparedRequest, verify: Any,
                                        proxies: Any = None, cert: Any = None) -> HTTPConnectionPool:
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        host = host_params["host"]
        address = resolve_checked(host, host_params["port"] or (443 if host_params["scheme"] == "https" else 80),
                                  allow_loopback=self.allow_loopback)
        if host_params["scheme"] == "https":
            # TLS still names and verifies the host, not the address we connect to.
            pool_kwargs = {**pool_kwargs, "server_hostname": host, "assert_hostname": host}
        return self.poolmanager.connection_from_host(**{**host_params, "host": address}, pool_kwargs=pool_kwargs)


def fetch_feed(
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    timeout_seconds: float = 10,
    max_bytes: int = 2_000_000,
    session: requests.Session | None = None,
    https_only: bool = False,
    allow_loopback: bool = False,
    max_redirects: int = 5,
) -> FetchResult:
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    timed_out = f"Timed out after {_describe_seconds(timeout_seconds)}"
    rules = _Rules(https_only=https_only, allow_loopback=allow_loopback, max_redirects=max_redirects)
    try:
        if session is None:
            with requests.Session() as own_session:
                return _fetch(_guarded(own_session, allow_loopback), url, headers, timeout_seconds, max_bytes, etag,
                              last_modified, rules)
        return _fetch(_guarded(session, allow_loopback), url, headers, timeout_seconds, max_bytes, etag,
                      last_modified, rules)
    except (_FetchError, AddressRefused) as error:
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


def _guarded(session: requests.Session, allow_loopback: bool) -> requests.Session:
    session.trust_env = False
    session.mount("http://", _PinnedAddressAdapter(allow_loopback=allow_loopback))
    session.mount("https://", _PinnedAddressAdapter(allow_loopback=allow_loopback))
    return session


def _failed(url: str, reason: str, cause: Exception | None = None) -> FetchResult:
    logger.warning("Fetching feed %s failed: %s%s", url, reason, f" ({cause!r})" if cause else "")
    return FetchResult(status="error", error=reason)


@dataclass(frozen=True)
class _Rules:
    https_only: bool
    allow_loopback: bool
    max_redirects: int


def _get_following_checked_redirects(
    session: requests.Session, url: str, headers: dict[str, str], timeout_seconds: float, rules: _Rules,
    deadline: float,
) -> requests.Response:
    """GET `url`, following redirects by hand so each new address is checked like the first."""
    for _hop in range(rules.max_redirects + 1):
        refusal = refusal_for_url(url, https_only=rules.https_only, allow_loopback=rules.allow_loopback)
        if refusal:
            raise _FetchError(refusal)
        if time.monotonic() > deadline:
            raise requests.exceptions.ReadTimeout()
        # The connection goes to the checked address; the Host header must still name the host.
        response = session.get(url, headers={**headers, "Host": _host_header(url)}, timeout=timeout_seconds,
                               stream=True, allow_redirects=False)
        location = response.headers.get("Location")
        if response.status_code not in REDIRECTS or not location:
            return response
        response.close()
        url = urljoin(url, location)
    raise _FetchError("The feed redirected too many times")


def _host_header(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{parts.port}" if parts.port else host


def _fetch(
    session: requests.Session,
    url: str,
    headers: dict[str, str],
    timeout_seconds: float,
    max_bytes: int,
    etag: str | None,
    last_modified: str | None,
    rules: _Rules | None = None,
) -> FetchResult:
    # requests' timeout applies to each socket read, so a server trickling bytes could hold us for ever:
    # we also enforce a deadline for the whole response, redirects included.
    deadline = time.monotonic() + timeout_seconds
    rules = rules or _Rules(https_only=False, allow_loopback=False, max_redirects=5)
    with _get_following_checked_redirects(session, url, headers, timeout_seconds, rules, deadline) as response:
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
