"""Feed sources can't reach the private network: every address a name resolves to is checked, the connection goes
to the checked one, every redirect is checked the same way, and production fetches https:// only."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import responses
from flask import Flask

from alerts.data import feeds as feed_data
from alerts.extensions import db
from alerts.ingest import addresses
from alerts.ingest.fetch import fetch_feed
from alerts.models import FeedSource
from alerts.services.feed_polling import ingest_feeds
from alerts.services.feed_source_admin import feed_source_errors

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@dataclass
class LocalServer:
    port: int = 0
    redirect_to: str | None = None
    hosts: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/feed.xml"


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    state = LocalServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hosts.append(self.headers.get("Host", ""))
            if state.redirect_to:
                self.send_response(302)
                self.send_header("Location", state.redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(RSS)))
            self.end_headers()
            self.wfile.write(RSS)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def fetch(url: str, **kwargs: object):
    return fetch_feed(url, etag=None, last_modified=None, timeout_seconds=2, **kwargs)  # type: ignore[arg-type]


def test_a_feed_source_at_127_0_0_1_is_refused_and_never_contacted(local_server: LocalServer) -> None:
    result = fetch(local_server.url)
    assert result.status == "error"
    assert result.error == "The feed address is not allowed: 127.0.0.1 is a loopback address"
    assert local_server.hosts == []


def test_the_cloud_metadata_address_169_254_169_254_is_refused() -> None:
    result = fetch("http://169.254.169.254/latest/meta-data/")
    assert result.error == "The feed address is not allowed: 169.254.169.254 is a link-local address"


@pytest.mark.parametrize(("url", "kind"), [
    ("http://10.0.0.5/feed", "a private or reserved address"),
    ("http://192.168.1.1/feed", "a private or reserved address"),
    ("http://[::1]/feed", "a loopback address"),
    ("http://[fe80::1]/feed", "a link-local address"),
    ("http://[::ffff:127.0.0.1]/feed", "a loopback address"),
    ("http://0.0.0.0/feed", "an unspecified address"),
    ("http://224.0.0.1/feed", "a multicast address"),
    ("http://240.0.0.1/feed", "a private or reserved address"),
])
def test_private_loopback_link_local_unspecified_multicast_and_reserved_addresses_are_refused(
        url: str, kind: str) -> None:
    assert fetch(url).error.endswith(kind)


def test_a_name_that_resolves_to_loopback_is_refused_after_resolution(local_server: LocalServer) -> None:
    result = fetch(f"http://localhost:{local_server.port}/feed.xml")
    assert result.error == "The feed address is not allowed: localhost is a loopback address"
    assert local_server.hosts == []


def resolving(monkeypatch: pytest.MonkeyPatch, name: str, *ips: str) -> None:
    real = socket.getaddrinfo

    def fake(host: str, port: int, *args: object, **kwargs: object) -> list:
        if host != name:
            return real(host, port, *args, **kwargs)
        family = lambda ip: socket.AF_INET6 if ":" in ip else socket.AF_INET  # noqa: E731
        return [(family(ip), socket.SOCK_STREAM, 6, "", (ip, port)) for ip in ips]

    monkeypatch.setattr(addresses.socket, "getaddrinfo", fake)


def test_every_address_a_name_resolves_to_is_checked_not_just_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    resolving(monkeypatch, "feeds.example.test", "151.101.0.1", "10.0.0.5")
    result = fetch("http://feeds.example.test/feed.xml")
    assert result.error == ("The feed address is not allowed: feeds.example.test resolves to 10.0.0.5, "
                            "a private or reserved address")


def test_the_connection_goes_to_the_checked_address_with_the_name_in_the_host_header(
        local_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # Loopback stands in for the public address here; a test setting allows it, as tests with local servers do.
    resolving(monkeypatch, "feeds.example.test", "127.0.0.1")
    result = fetch(f"http://feeds.example.test:{local_server.port}/feed.xml", allow_loopback=True)
    assert result.status == "ok", result.error
    assert local_server.hosts == [f"feeds.example.test:{local_server.port}"]


@pytest.mark.parametrize(("target", "error"), [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://10.1.2.3/", "10.1.2.3 is a private or reserved address"),
])
def test_a_redirect_to_a_private_address_is_refused(local_server: LocalServer, target: str, error: str) -> None:
    local_server.redirect_to = target
    result = fetch(local_server.url, allow_loopback=True)
    assert result.error == f"The feed address is not allowed: {error}"
    assert len(local_server.hosts) == 1


@responses.activate
def test_a_redirect_to_127_0_0_1_is_refused() -> None:
    responses.get("https://feeds.example.test/a.xml", status=302, headers={"Location": "http://127.0.0.1:8080/x"})
    result = fetch("https://feeds.example.test/a.xml")
    assert result.error == "The feed address is not allowed: 127.0.0.1 is a loopback address"
    assert len(responses.calls) == 1


@responses.activate
def test_redirects_are_followed_up_to_a_limit() -> None:
    responses.get("https://feeds.example.test/a.xml", status=301, headers={"Location": "/b.xml"})
    responses.get("https://feeds.example.test/b.xml", status=200, body=RSS, content_type="application/rss+xml")
    assert fetch("https://feeds.example.test/a.xml").status == "ok"
    responses.get("https://feeds.example.test/loop.xml", status=302, headers={"Location": "/loop.xml"})
    result = fetch("https://feeds.example.test/loop.xml", max_redirects=3)
    assert result.error == "The feed redirected too many times"


@responses.activate
def test_https_only_refuses_plain_http_and_a_redirect_down_to_it() -> None:
    assert fetch("http://feeds.example.test/a.xml", https_only=True).error == (
        "The feed address must start with https://")
    responses.get("https://feeds.example.test/a.xml", status=302, headers={"Location": "http://feeds.example.test/"})
    assert fetch("https://feeds.example.test/a.xml", https_only=True).error == (
        "The feed address must start with https://")


@responses.activate
def test_production_polls_feed_sources_over_https_only_and_tests_refuse_loopback_unless_they_say_so(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    assert app.config["FEED_ALLOW_LOOPBACK"] is False
    monkeypatch.setitem(app.config, "ALERTS_ENV", "production")
    source_id = feed_data.create_feed_source(name="Partner news", url="http://feeds.example.test/news.rss",
                                          kind=feed_data.GENERIC).id
    feed_data.create_feed_source(name="Met Office", url="https://feeds.example.test/unused", kind="met-office-warnings",
                                 enabled=False)
    (outcome,) = ingest_feeds()
    assert not outcome.ok
    source = db.session.get(FeedSource, source_id)
    assert source.last_error == "The feed address must start with https://"
    assert len(responses.calls) == 0


def test_the_feed_source_form_rules_refuse_private_addresses_and_plain_http_in_production() -> None:
    fields = {"name": "Feed", "kind": "generic", "poll_interval_minutes": 15}
    assert feed_source_errors(url="http://169.254.169.254/", https_only=False, allow_loopback=False, **fields) == {
        "url": "Enter a public web address: 169.254.169.254 is a link-local address"}
    assert feed_source_errors(url="http://feeds.example.test/", https_only=True, **fields) == {
        "url": "Enter a web address starting with https://"}
    assert feed_source_errors(url="https://feeds.example.test/", https_only=True, allow_loopback=False,
                              **fields) == {}
