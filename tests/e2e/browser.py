"""Drive a real Chromium through the service as a resident would, and audit every page on the way.

A journey test asks for the `journey` fixture (tests/e2e/conftest.py). It runs three times: with a mouse
("normal"), with JavaScript turned off ("no-javascript") and with only a keyboard ("keyboard"). Write the
steps once with the methods below and each mode does the right thing: `fill` tabs to a field in keyboard
mode, `press_button` and `follow_link` press Enter instead of clicking. Every page reached is audited with
axe-core (WCAG 2.2 A and AA: zero violations) and watched for console errors, such as a script the CSP refused.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, ConsoleMessage, Download, FloatRect, Locator, Page, Route

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# Pictures the docs show (README.md, docs/councils.md), taken again on every run: save_docs_screenshot().
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# The machine (and CI) has no network: anything that phones home stalls the browser.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
MAX_TABS = 80


class Mode(enum.StrEnum):
    NORMAL = "normal"
    NO_JAVASCRIPT = "no-javascript"
    KEYBOARD = "keyboard"


class AccessibilityViolations(AssertionError):
    """axe-core found WCAG failures on a page."""


def describe_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} WCAG 2.2 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        lines += [f"    at {node['target']}: {node.get('failureSummary', '')!r}" for node in violation["nodes"][:5]]
    return "\n".join(lines)


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (already loaded by the context's init script) on the page as it is now."""
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


_SCRIPT_ELEMENT = re.compile(r"<script\b.*?</script\s*>", re.IGNORECASE | re.DOTALL)


@dataclass
class Journey:
    """One browser tab working through the service in one mode. See the module docstring."""

    page: Page
    mode: Mode
    base_url: str
    audit_context: BrowserContext
    audited: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    _audit_page: Page | None = field(default=None, repr=False)
    _snapshot: tuple[str, str] = field(default=("", ""), repr=False)

    def __post_init__(self) -> None:
        self.page.on("console", self._record_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"page error: {error}"))

    def _record_console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        # A page answered with an error status (400, 404) is logged as a failed load: `visit` and the button and
        # link steps already check the page's status, so only failures of other resources count here.
        page_status = message.text.startswith("Failed to load resource") and url == self.page.url
        if message.type == "error" and not page_status:
            self.console_errors.append(f"{message.text} ({url})")

    # --- where we are -------------------------------------------------------------------------------------
    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def title(self) -> str:
        return self.page.title()

    def text(self) -> str:
        return self.page.locator("main").inner_text()

    # --- moving around ------------------------------------------------------------------------------------
    def visit(self, path: str, expected_status: int = 200) -> None:
        """Open a URL as if typed into the address bar (the one step that is the same in every mode)."""
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == expected_status, (path, response and response.status)
        self.check_page()

    def fill(self, label: str, text: str, *, within: str | None = None) -> None:
        """Type into the field labelled `label`; `within` names its group (a date input's legend: "Day" of "From")."""
        scope = self.page.get_by_role("group", name=within, exact=True) if within else self.page
        field_ = scope.get_by_label(label, exact=True)
        if self.mode == Mode.KEYBOARD:
            self.tab_to(field_)
            self.page.keyboard.press("Control+A")
            self.page.keyboard.type(text)
        else:
            field_.fill(text)

    def choose(self, label: str) -> None:
        """Select a radio button. With a keyboard, Tab reaches the group (one stop) and the arrow keys move in it."""
        radio = self.page.get_by_label(label, exact=True)
        if self.mode == Mode.KEYBOARD:
            name = radio.get_attribute("name")
            self._tab_until(f"() => document.activeElement.type === 'radio' && document.activeElement.name === "
                            f"{name!r}", f"the radio buttons for {label!r}")
            for _ in range(MAX_TABS):
                if self._has_focus(radio):
                    break
                self.page.keyboard.press("ArrowDown")
            if not radio.is_checked():
                self.page.keyboard.press("Space")  # focus arrived on an unselected first option
        else:
            radio.check()
        assert radio.is_checked(), f"{label!r} is not selected"

    def set_checked(self, label: str, checked: bool = True) -> None:
        """Tick or untick a checkbox (Space with a keyboard)."""
        box = self.page.get_by_label(label, exact=True)
        if box.is_checked() == checked:
            return
        if self.mode == Mode.KEYBOARD:
            self.tab_to(box)
            self.page.keyboard.press("Space")
        else:
            box.set_checked(checked)
        assert box.is_checked() == checked, f"{label!r} did not change"

    def select(self, label: str, option: str) -> None:
        """Pick an option from a drop-down list; with a keyboard, the arrow keys step through it."""
        select = self.page.get_by_label(label, exact=True)
        if self.mode != Mode.KEYBOARD:
            select.select_option(label=option)
            return
        self.tab_to(select)
        chosen = "element => element.options[element.selectedIndex].text.trim()"
        self.page.keyboard.press("Home")
        for _ in range(select.locator("option").count()):
            if select.evaluate(chosen) == option:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"{option!r} could not be chosen from {label!r} with the arrow keys")

    def press_button(self, name: str, expected_status: int = 200) -> None:
        """Press a button that submits a form, wait for the next page and audit it."""
        self._activate(self.page.get_by_role("button", name=name, exact=True), expected_status)

    def download(self, button: str) -> Download:
        """Press a button whose answer is a file download (the page stays): the saved download, for reading."""
        target = self.page.get_by_role("button", name=button, exact=True)
        with self.page.expect_download() as download:
            if self.mode == Mode.KEYBOARD:
                self.tab_to(target)
                self.page.keyboard.press("Enter")
            else:
                target.click()
        return download.value

    def follow_link(self, name: str, expected_status: int = 200, *, within: str = "body") -> None:
        """Follow a link to another page, wait for it and audit it."""
        self._activate(self.page.locator(within).get_by_role("link", name=name, exact=True).first, expected_status)

    def follow_in_page_link(self, name: str) -> None:
        """Follow a link to somewhere on the same page (an error summary's link to its field)."""
        link = self.page.get_by_role("link", name=name, exact=True).first
        if self.mode == Mode.KEYBOARD:
            self.tab_to(link)
            self.page.keyboard.press("Enter")
        else:
            link.click()

    def _activate(self, target: Locator, expected_status: int) -> None:
        with self.page.expect_navigation() as navigation:
            if self.mode == Mode.KEYBOARD:
                self.tab_to(target)
                self.page.keyboard.press("Enter")
            else:
                target.click()
        response = navigation.value
        assert response is not None and response.status == expected_status, (self.path, response and response.status)
        self.check_page()

    def tab_to(self, target: Locator) -> None:
        """Press Tab (only Tab) until the target has focus: proves it can be reached without a mouse."""
        for _ in range(MAX_TABS):
            if self._has_focus(target):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{target} could not be reached with the Tab key on {self.path}")

    def _tab_until(self, condition: str, what: str) -> None:
        for _ in range(MAX_TABS):
            if self.page.evaluate(condition):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{what} could not be reached with the Tab key on {self.path}")

    @staticmethod
    def _has_focus(target: Locator) -> bool:
        return bool(target.evaluate("element => element === document.activeElement"))

    def focused(self) -> Locator:
        return self.page.locator("*:focus")

    # --- checks -------------------------------------------------------------------------------------------
    def check_page(self) -> None:
        """Audit the page now showing: zero axe violations and no console errors."""
        violations = self._axe_violations()
        if violations:
            raise AccessibilityViolations(describe_violations(self.path, violations))
        assert not self.console_errors, f"console errors on {self.path}: {self.console_errors}"
        self.audited.append(self.path)

    def _axe_violations(self) -> list[dict[str, Any]]:
        if self.mode != Mode.NO_JAVASCRIPT:
            return run_axe(self.page)
        # axe is JavaScript, so a page shown with JavaScript off is audited as a copy: its DOM, scripts removed,
        # served at the same URL in a JavaScript-enabled tab, where it looks exactly as the resident saw it.
        # One audit tab per journey, reused: a new tab for every page costs more than the audit itself.
        self._snapshot = (self.page.url.partition("#")[0], _SCRIPT_ELEMENT.sub("", self.page.content()))
        if self._audit_page is None:
            self._audit_page = self.audit_context.new_page()
            self._audit_page.route(lambda url: url == self._snapshot[0], self._serve_snapshot)
        audit_page = self._audit_page
        audit_page.set_viewport_size(self.page.viewport_size or DESKTOP)
        audit_page.goto("about:blank")  # so the same URL again (a form shown with errors) is a fresh load
        audit_page.goto(self._snapshot[0])
        return run_axe(audit_page)

    def _serve_snapshot(self, route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=self._snapshot[1])

    def screenshot(self, name: str) -> None:
        """Save the page at phone and desktop widths (test-artifacts/screenshots/), auditing it at each width."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        original = self.page.viewport_size or DESKTOP
        try:
            for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
                self.page.set_viewport_size(size)
                if size != original:  # at its usual size the page was audited when it was reached
                    self.check_page()
                self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{self.mode}-{label}.png"), full_page=True)
        finally:
            self.page.set_viewport_size(original)


def assert_no_sideways_scroll(journey: Journey) -> None:
    """Nothing on the page scrolls sideways, at phone or desktop width (GOV.UK tables reflow or wrap)."""
    for size in (PHONE, DESKTOP):
        journey.page.set_viewport_size(size)
        overflow = journey.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{journey.path} scrolls sideways by {overflow}px at {size['width']}px"
    journey.page.set_viewport_size(DESKTOP)


def save_docs_screenshot(
    journey: Journey, name: str, *, between: tuple[Locator, Locator] | None = None
) -> list[Path]:
    """docs/screenshots/NAME-375.png and NAME-1280.png, audited at each width: the first screenful, or the stretch of
    the page from the top of one element to the bottom of another (`between`). A file is rewritten only when its
    bytes change, so a run that changes nothing leaves the working tree clean."""
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    written = []
    original = journey.page.viewport_size or DESKTOP
    try:
        for size in (PHONE, DESKTOP):
            width = size["width"]
            journey.page.set_viewport_size(size)
            journey.check_page()
            path = DOCS_SCREENSHOTS / f"{name}-{width}.png"
            clip = _stretch(journey, *between) if between else None
            picture = journey.page.screenshot(full_page=clip is not None, clip=clip, animations="disabled",
                                              caret="hide")
            if not path.exists() or path.read_bytes() != picture:
                path.write_bytes(picture)
            written.append(path)
    finally:
        journey.page.set_viewport_size(original)
    return written


def _stretch(journey: Journey, first: Locator, last: Locator) -> FloatRect:
    """The page's full width from a little above `first` to a little below `last`, in page coordinates."""
    top = first.evaluate("element => element.getBoundingClientRect().top + window.scrollY")
    bottom = last.evaluate(
        "element => element.getBoundingClientRect().bottom + window.scrollY")
    width = (journey.page.viewport_size or DESKTOP)["width"]
    return {"x": 0, "y": max(top - 20, 0), "width": width, "height": bottom - top + 40}
