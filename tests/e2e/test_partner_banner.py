"""The partner banner in a partner's page, with the snippet from /open-data: at 375 px its frame holds it without
script, and with script the frame fits the banner's height."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask, render_template
from playwright.sync_api import Browser

from alerts.extensions import db
from alerts.models import Headline, utc_now
from alerts.services.headlines import MAX_LENGTH
from tests.e2e.browser import DESKTOP, PHONE, Journey, Mode
from tests.e2e.conftest import LiveServer

SNIPPET_HEIGHT = 200  # the frame's height in the snippet, for browsers without script


@pytest.fixture
def partner_site(app: Flask, live_server: LiveServer) -> Iterator[str]:
    """A partner's page on another origin (loopback too: Chromium lets only local pages frame local ones)."""
    with app.test_request_context():
        snippet = render_template("components/banner_snippet.txt", base=live_server.url, name="Dorset Council")
    body = (f"<!DOCTYPE html><html lang='en'><head><title>A school</title></head><body><main>{snippet}</main>"
            "</body></html>").encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=10)


@pytest.mark.parametrize("javascript", [False, True], ids=["no-javascript", "javascript"])
def test_the_longest_headline_fits_the_snippets_frame_at_375_px(
    browser: Browser, partner_site: str, factories, javascript: bool
) -> None:
    factories.NoticeFactory()
    words = ("Flooding has closed roads, schools and libraries across the west of the county " * 5)[:MAX_LENGTH]
    db.session.add(Headline(text=words.strip(), ends_at_utc=utc_now() + dt.timedelta(hours=1)))
    db.session.commit()
    context = browser.new_context(java_script_enabled=javascript, viewport=PHONE, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(partner_site)
        page.frame_locator("#disruption-banner").locator(".disruption-banner").wait_for()
        content = page.frames[1].evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
        measure = "document.getElementById('disruption-banner').getBoundingClientRect().height"
        if javascript:
            page.wait_for_function(f"{measure} === {content}")
        else:
            assert page.evaluate(measure) == SNIPPET_HEIGHT
            assert content <= SNIPPET_HEIGHT, f"the banner is {content} px tall in a {SNIPPET_HEIGHT} px frame"
        print(f"banner content {content} px at 375 px, {len(words.strip())} characters")
    finally:
        context.close()


def test_the_banner_in_a_partners_page_fits_its_frame_at_both_widths_in_every_mode(
    journey: Journey, partner_site: str, factories
) -> None:
    """The same check in the three modes, with axe on the partner's page (and so on the banner in its frame) at
    375 and 1280 px, and the banner's link reached with the Tab key alone."""
    factories.NoticeFactory()
    journey.base_url = partner_site.rstrip("/")  # the journey starts on the partner's site
    frame = journey.page.frame_locator("#disruption-banner")
    measure = "document.getElementById('disruption-banner').getBoundingClientRect().height"
    for size in (PHONE, DESKTOP):
        journey.page.set_viewport_size(size)
        journey.visit("/")
        frame.locator(".disruption-banner").wait_for()
        content = journey.page.frames[1].evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
        if journey.mode == Mode.NO_JAVASCRIPT:
            assert journey.page.evaluate(measure) == SNIPPET_HEIGHT
        else:
            journey.page.wait_for_function(f"{measure} === {content}")
        assert content <= journey.page.evaluate(measure), f"{content} px of banner in a smaller frame at {size}"
    link = frame.get_by_role("link", name="Find out what services may be affected in your area.")
    if journey.mode == Mode.KEYBOARD:
        journey.tab_to(link)
    assert link.get_attribute("href") == f"{journey.page.frames[1].url.split('/embed/')[0]}/"
