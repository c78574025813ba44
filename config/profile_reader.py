"""Reading one council profile file: its fields, checked, with one clear line naming the file and field at fault.

A bilingual profile (its council.json lists "cy" in `languages`) gives every text residents read in both languages,
as {"cy": "…", "en": "…"}; an English-only one gives plain texts. `words` reads either, so the loader in
config/council.py asks for a text once and gets its English and its Welsh (None for an English-only profile).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from config import ConfigurationError

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("cy", "en")
_UNREAD = object()
BOTH_LANGUAGES = 'must give Welsh and English: {"cy": "…", "en": "…"}'
NO_WELSH = 'gives {"cy", "en"} but languages has no cy: give one English text, or add "cy" to languages in council.json'


def shown(path: Path) -> str:
    """The path as a person reads it in an error: from the project's root when it is inside."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


class ProfileReader:
    """One JSON object of a profile file, with the path to it for error messages and whether it is bilingual."""

    def __init__(self, file: Path, data: Any = _UNREAD, where: str = "", bilingual: bool = False) -> None:
        self.file, self.where, self.bilingual = file, where, bilingual
        if data is _UNREAD:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise ConfigurationError(f"{shown(file)} is missing") from None
            except (OSError, ValueError) as error:
                raise ConfigurationError(f"{shown(file)} is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise ConfigurationError(f"{shown(file)}: {where or 'the file'} must be a JSON object")
        self.data = data

    def error(self, name: str, problem: str) -> ConfigurationError:
        return ConfigurationError(f"{shown(self.file)}: field '{self._path(name)}' {problem}")

    def _path(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def _child(self, data: Any, where: str) -> ProfileReader:
        return ProfileReader(self.file, data, where, self.bilingual)

    def text(self, name: str, pattern: re.Pattern[str] | None = None, meaning: str = "") -> str:
        value = self.data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.error(name, "is missing or empty")
        if pattern is not None and not pattern.match(value.strip()):
            raise self.error(name, f"must be {meaning}, not {value!r}")
        return value.strip()

    def optional_text(self, name: str) -> str | None:
        if self.data.get(name) in (None, ""):
            return None
        return self.text(name)

    def texts(self, name: str, pattern: re.Pattern[str] | None = None) -> list[str]:
        values = self.data.get(name)
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise self.error(name, "must be a list of one or more texts")
        for value in values:
            if pattern is not None and not pattern.match(value):
                raise self.error(name, f"has {value!r}, which is not a postcode district like BH1 or an area like TA")
        return [value.strip() for value in values]

    def words(self, name: str) -> tuple[str, str | None]:
        """A text residents read: (English, Welsh), the Welsh None for an English-only profile."""
        english, welsh = self._in_each_language(name, ProfileReader.text)
        return english, welsh

    def optional_words(self, name: str) -> tuple[str, str | None] | None:
        return None if self.data.get(name) in (None, "") else self.words(name)

    def lines(self, name: str) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
        """A list of texts residents read (an address's lines): in each language for a bilingual profile."""
        english, welsh = self._in_each_language(name, ProfileReader.texts)
        return tuple(english), None if welsh is None else tuple(welsh)

    def _in_each_language(self, name: str, read: Any) -> tuple[Any, Any]:
        value = self.data.get(name)
        given = isinstance(value, dict)
        if self.bilingual:
            if not isinstance(value, dict) or set(value) != set(LANGUAGES):
                raise self.error(name, BOTH_LANGUAGES)
            each = {language: read(self._child(value, self._path(name)), language) for language in LANGUAGES}
            return each["en"], each["cy"]
        if given:
            raise self.error(name, NO_WELSH)
        return read(self, name), None

    def languages(self) -> tuple[str, ...]:
        """council.json's `languages`: "cy" and "en", English among them, each once; the first is the default."""
        value = self.data.get("languages", ["en"])
        if (not isinstance(value, list) or not value or "en" not in value or len(set(value)) != len(value)
                or not set(value) <= set(LANGUAGES)):
            given = json.dumps(value, ensure_ascii=False)
            raise self.error("languages", f'must list "en", and "cy" for Welsh, each once (the first is the '
                                          f'default), such as ["cy", "en"], not {given}')
        return tuple(value)

    def section(self, name: str) -> ProfileReader:
        value = self.data.get(name)
        if not isinstance(value, dict):
            raise self.error(name, "is missing or not an object")
        return self._child(value, self._path(name))

    def items(self, name: str) -> list[ProfileReader]:
        values = self.data.get(name)
        if not isinstance(values, list):
            raise self.error(name, "is missing or not a list")
        return [self._child(value, f"{self._path(name)}[{index}]") for index, value in enumerate(values)]
