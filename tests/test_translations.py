"""Every text a resident or officer reads can be read in Welsh: the catalogue holds every translatable text with its
Welsh, the compiled catalogue is current, and no template shows text that bypasses the catalogue."""

from __future__ import annotations

import ast
import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
_spec = importlib.util.spec_from_file_location("translations", ROOT / "scripts" / "translations.py")
assert _spec and _spec.loader
translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translations)

# Templates that are not pages: the embed snippet is code partners paste, the banner's CSS is not text.
NOT_TEXT = {"components/banner_snippet.txt", "feeds/banner.css"}
# Attributes a reader hears or sees.
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label"}
GETTEXT_CALLS = {"_", "gettext", "ngettext", "pgettext", "_l", "lazy_gettext"}
PROSE = re.compile(r"^\W*[A-Z][a-z’']+\b|^[a-z]+( [a-z]+)+[.?!]?$")


def test_every_text_found_is_in_the_catalogue_with_its_welsh() -> None:
    found = {message.id if isinstance(message.id, str) else message.id[0]
             for message in translations.found_texts() if message.id}
    catalogue = translations.read_catalogue()
    kept = {message.id if isinstance(message.id, str) else message.id[0]: message
            for message in catalogue if message.id}
    assert sorted(found - kept.keys()) == [], "new texts: run `make translations` and write their Welsh"
    assert sorted(kept.keys() - found) == [], "texts nothing uses: run `make translations`"
    without_welsh = [key for key, message in kept.items()
                     if not all(message.string if isinstance(message.string, tuple) else [message.string])]
    assert without_welsh == []
    assert [key for key, message in kept.items() if message.fuzzy] == []


def test_the_compiled_catalogue_is_the_current_one() -> None:
    assert translations.MO_FILE.read_bytes() == translations.compiled(translations.read_catalogue()), (
        "run `make translations`")


class _TextFinder(HTMLParser):
    """Text nodes and read attributes of a template whose Jinja parts are replaced by a marker."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        self.found += [value for name, value in attrs if name in READ_ATTRIBUTES and value and _has_words(value)]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skipping = max(0, self._skipping - 1)

    def handle_data(self, data: str) -> None:
        if not self._skipping and _has_words(data):
            self.found.append(data.strip())


def _has_words(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2,}", text.replace("\x00", " ")))


def untranslated(source: str) -> list[str]:
    """Visible text in a template that does not go through the catalogue: literal text between tags, read
    attributes, and prose in string literals (a macro's "text": "Continue") outside _()."""
    environment = Environment(extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    data: list[str] = []
    prose: list[str] = []
    in_trans = False
    call_depth: list[bool] = []  # one entry per open bracket: is it a gettext call's?
    previous = ("", "")
    for _line, kind, value in environment.lex(source):
        if kind == "data":
            data.append("" if in_trans else value)
        elif kind in ("variable_begin", "block_begin"):
            data.append("\x00")
        elif kind == "name" and value in ("trans", "pluralize") and previous[0] == "block_begin":
            in_trans = True
        elif kind == "name" and value == "endtrans":
            in_trans = False
        elif kind == "operator" and value in "([{":
            call_depth.append(value == "(" and previous[0] == "name" and previous[1] in GETTEXT_CALLS)
        elif kind == "operator" and value in ")]}":
            if call_depth:
                call_depth.pop()
        elif kind == "string" and not any(call_depth) and PROSE.search(ast.literal_eval(value)):
            prose.append(ast.literal_eval(value))
        if kind not in ("whitespace",):
            previous = (kind, value)
    finder = _TextFinder()
    finder.feed(re.sub(r"<(/?)(\w*)\x00", r"<\1\2x", "".join(data)))  # a tag named by an expression: <h{{ n }}
    return [text.replace("\x00", "…") for text in finder.found] + prose


def _templates() -> list[str]:
    return sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*")
                  if path.is_file() and str(path.relative_to(TEMPLATES)) not in NOT_TEXT)


@pytest.mark.parametrize("template", _templates())
def test_templates_show_only_translatable_text(template: str) -> None:
    assert untranslated((TEMPLATES / template).read_text(encoding="utf-8")) == []


def test_the_check_finds_text_outside_the_catalogue() -> None:
    assert untranslated('<p class="govuk-body">Hello {{ name }}</p><img alt="A map">') == ["Hello …", "A map"]
    assert untranslated('{{ govukButton({"text": "Continue", "classes": "govuk-button--secondary"}) }}') == [
        "Continue"]
    assert untranslated('<p>{{ _("Hello %(name)s", name=name) }}</p>{% trans %}Hi{% endtrans %}') == []
    assert untranslated('{{ url_for("public.start") }} <a href="/x">{{ x }}</a> &rarr; 3') == []
