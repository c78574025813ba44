"""A test helper that fetches a page, parses it and checks what every GOV.UK page must get right."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from alerts.web.security_headers import script_hash


@dataclass
class Page:
    response: TestResponse
    soup: BeautifulSoup

    @property
    def title(self) -> str:
        return self.soup.title.get_text(" ", strip=True) if self.soup.title else ""

    @property
    def h1(self) -> str:
        heading = self.soup.find("h1")
        return heading.get_text(" ", strip=True) if heading else ""

    @property
    def text(self) -> str:
        return self.soup.get_text(" ", strip=True)

    def error_summary(self) -> list[str]:
        summary = self.soup.select_one(".govuk-error-summary")
        return [a.get_text(" ", strip=True) for a in summary.select("a")] if summary else []

    def select(self, selector: str) -> list[Any]:
        return self.soup.select(selector)


class PageClient:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def _check(self, response: TestResponse, expected_status: int) -> Page:
        assert response.status_code == expected_status, response.get_data(as_text=True)[:2000]
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        page = Page(response, soup)
        if response.mimetype == "text/html":
            ids = Counter(tag["id"] for tag in soup.select("[id]"))
            repeated = [name for name, count in ids.items() if count > 1]
            assert not repeated, f"ids used more than once: {repeated}"
            assert len(soup.find_all("h1")) == 1, "a page has exactly one h1"
            error = "Gwall: " if soup.html and soup.html.get("lang") == "cy" else "Error: "
            if page.error_summary():
                assert page.title.startswith(error), f"pages with errors start their title with '{error}'"
            else:
                assert not page.title.startswith(error)
            allowed = _csp_script_sources(response)
            for script in soup.find_all("script"):
                assert script.get("src") or script_hash(script.string or "") in allowed, (
                    "an inline script must be allowed by its hash in the CSP (alerts/web/security_headers.py)")
        return page

    def get(self, url: str, expected_status: int = 200, **kwargs: Any) -> Page:
        return self._check(self.client.get(url, **kwargs), expected_status)

    def post(self, url: str, data: dict | None = None, expected_status: int = 200, **kwargs: Any) -> Page:
        return self._check(self.client.post(url, data=data or {}, **kwargs), expected_status)

    def csrf_token(self, url: str) -> str:
        """The session's CSRF token, read from a page with a form (CSRF stays on in tests)."""
        field = self.get(url).soup.select_one("input[name=csrf_token]")
        assert field is not None, f"{url} has no form with a CSRF token"
        return str(field["value"])

    def post_form(self, url: str, data: dict | None = None, expected_status: int = 200, *,
                  token_from: str | None = None, **kwargs: Any) -> Page:
        """POST like a browser would: with the CSRF token from `token_from` (default: the page itself)."""
        token = self.csrf_token(token_from or url)
        return self.post(url, {"csrf_token": token, **(data or {})}, expected_status, **kwargs)


def _csp_script_sources(response: TestResponse) -> list[str]:
    policy = response.headers.get("Content-Security-Policy", "")
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == "script-src":
            return words[1:]
    return []
