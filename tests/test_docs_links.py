"""README.md and docs/*.md: every relative link leads to a file that exists (and to a heading, when it names one),
and every picture says what it shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")
_IMG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)


def _prose(text: str) -> str:
    """The page without code blocks and code spans, where brackets are not links."""
    return _CODE.sub("", _FENCE.sub("", text))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "").lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    for heading in _HEADING.findall(_FENCE.sub("", page.read_text())):
        anchor = base = slug(heading)
        number = 0
        while anchor in found:
            number += 1
            anchor = f"{base}-{number}"
        found.add(anchor)
    return found


def relative_links(page: Path) -> list[tuple[bool, str, str]]:
    """(is a picture, text, target) for every link and picture, Markdown or <img>, that stays in the repository."""
    prose = _prose(page.read_text())
    found = [(bang == "!", text, target) for bang, text, target in _LINK.findall(prose)]
    for tag in _IMG.findall(prose):
        attributes = dict(_ATTRIBUTE.findall(tag))
        found.append((True, attributes.get("alt", ""), attributes.get("src", "")))
    return [link for link in found if not re.match(r"[a-z][a-z0-9+.-]*:", link[2])]


def test_the_slug_follows_github() -> None:
    assert slug("Storm traffic: caching of public reads") == "storm-traffic-caching-of-public-reads"
    assert slug("STOP replies, both channels and the daily email") == "stop-replies-both-channels-and-the-daily-email"
    assert slug("Subject access and erasure (staff)") == "subject-access-and-erasure-staff"
    assert slug("`/healthz` and Notify's key") == "healthz-and-notifys-key"


def test_the_readme_shows_every_screenshot_the_browser_tests_take() -> None:
    shown = {target for picture, _, target in relative_links(ROOT / "README.md") if picture}
    taken = {f"docs/screenshots/{name}-{width}.png" for name in ("start", "notice", "officer-preview")
             for width in (375, 1280)}
    assert shown == taken


def test_the_docs_exist_and_the_readme_stays_short() -> None:
    assert len(PAGES) > 5, "the internals live in docs/"
    assert len((ROOT / "README.md").read_text().splitlines()) <= 130, "the README is where a council decides"


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(ROOT)) for page in PAGES])
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    broken = []
    for _, text, target in relative_links(page):
        path_part, _, anchor = target.partition("#")
        path = (page.parent / path_part).resolve() if path_part else page
        if not path.exists():
            broken.append(f"[{text}]({target}): no {path.relative_to(ROOT)}")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(f"[{text}]({target}): no heading #{anchor} in {path.relative_to(ROOT)}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(ROOT)) for page in PAGES])
def test_every_picture_says_what_it_shows(page: Path) -> None:
    pictures = [(text, target) for picture, text, target in relative_links(page) if picture]
    assert all(len(text.split()) >= 4 for text, _ in pictures), pictures
