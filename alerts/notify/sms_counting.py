"""Count a text message the way GOV.UK Notify sends and bills it.

Notify lays every text out (service-name prefix, whitespace), then sanitises it before a phone sees it: letters with
accents become their base letter, smart punctuation becomes plain, Welsh letters stay, and anything else outside
GSM-7 becomes "?". Only a Welsh letter outside GSM-7 makes Notify send the text as Unicode (UCS-2, 70 characters a
text). These are Notify's rules, reimplemented here (MIT licence) from alphagov/notifications-utils:
`sanitise_text.py` (`SanitiseSMS`), `template.py` (`BaseSMSTemplate`) and `formatters.py` (`add_prefix`,
`normalise_whitespace`). Pure functions on plain values.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

SmsEncoding = Literal["GSM-7", "UCS-2"]

# Notify refuses a text longer than this: characters after sanitising, not counting the prefix (notifications-utils
# `SMS_CHAR_COUNT_LIMIT`, `BaseSMSTemplate.is_message_too_long`). Six fragments of 153.
SMS_CHARACTER_LIMIT = 918
GSM_SINGLE_TEXT, GSM_FRAGMENT = 160, 153
UCS2_SINGLE_TEXT, UCS2_FRAGMENT = 70, 67

# GSM 03.38 default alphabet, all 128 positions (0x1B is the escape to the extension table).
GSM_BASIC_CHARACTERS = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each character travels as an escape plus itself, so it counts 2.
GSM_EXTENDED_CHARACTERS = frozenset("^{}\\[~]|€")
# Welsh letters Notify always sends as they are (`SanitiseSMS.WELSH_DIACRITICS`): grave, acute, diaeresis, circumflex.
WELSH_LETTERS = frozenset("àèìòùẁỳÀÈÌÒÙẀỲáéíóúẃýÁÉÍÓÚẂÝäëïöüẅÿÄËÏÖÜẄŸâêîôûŵŷÂÊÎÔÛŴŶ")
# The Welsh letters outside GSM-7: one of them makes the whole text Unicode.
UNICODE_WELSH_LETTERS = WELSH_LETTERS - GSM_BASIC_CHARACTERS
SMS_CHARACTERS = GSM_BASIC_CHARACTERS | GSM_EXTENDED_CHARACTERS | WELSH_LETTERS

# Notify's replacements for characters with no base letter (`SanitiseText.REPLACEMENT_CHARACTERS`).
NOTIFY_SMS_REPLACEMENTS = {
    "\u2011": "-",  # non-breaking hyphen
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2212": "-",  # minus sign
    "\u2026": "...",  # horizontal ellipsis
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201a": "'",
    "\u201e": '"',
    "\u180e": "",  # Mongolian vowel separator
    "\u200b": "",  # zero width space
    "\u200c": "",  # zero width non-joiner
    "\u200d": "",  # zero width joiner
    "\u2060": "",  # word joiner
    "\ufeff": "",  # zero width no-break space
    "\u2028": "",  # line separator
    "\u2029": "",  # paragraph separator
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space
    "\t": " ",
    "Ł": "L",  # no decomposition in Unicode, so listed by hand
    "ł": "l",
}

# Notify's SMS template layout (`formatters.py`): no space before a comma or full stop, one space between words,
# no blank run longer than one line.
_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<![ \t])[ \t]+([,\.])")
_THREE_OR_MORE_NEWLINES = re.compile(r"\n{3,}")
# No-break spaces become spaces; zero-width characters go.
_OBSCURE_WHITESPACE = str.maketrans({"\u00a0": " ", "\u202f": " "} | dict.fromkeys(
    "\u180e\u200b\u200c\u200d\u2060\ufeff\u2028\u2029"))


@dataclass(frozen=True)
class SmsCount:
    """A text as Notify sends and bills it.

    `characters` is what fragments are counted from: GSM-7 septets (extension characters count 2) or UCS-2 code
    units. `length` is what Notify holds to its 918-character limit: characters after sanitising, without the prefix.
    `unicode_letters` are the Welsh letters that made the text Unicode; `question_marks` the characters residents
    get as "?"; `downgraded` each character Notify swaps for something plainer, with what it sends instead.
    """

    text: str
    characters: int
    fragments: int
    encoding: SmsEncoding
    length: int
    unicode_letters: tuple[str, ...] = ()
    question_marks: tuple[str, ...] = ()
    downgraded: tuple[tuple[str, str], ...] = ()

    @property
    def too_long(self) -> bool:
        """Notify answers 400 "Your message is too long" and sends nothing."""
        return self.length > SMS_CHARACTER_LIMIT


def count_sms(body: str, *, prefix: str = "") -> SmsCount:
    """Count `body` as Notify bills it, with `prefix` ("<service name>: ", see `service_name_prefix`) before it
    when the service has "Start text messages with service name" on."""
    laid_out = notify_layout(f"{prefix}{body}")
    text = sanitise_sms(laid_out)
    # Notify decides the encoding and counts extension characters on the text before sanitising. They agree with
    # the sanitised text except for a letter whose base is a Welsh letter (ấ → â): Notify bills that as GSM-7.
    unicode_letters = () if UNICODE_WELSH_LETTERS.isdisjoint(laid_out) else tuple(
        dict.fromkeys(c for c in laid_out if c in UNICODE_WELSH_LETTERS))
    encoding: SmsEncoding = "UCS-2" if unicode_letters else "GSM-7"
    if unicode_letters:
        characters = len(text)
        fragments = _fragments(characters, single=UCS2_SINGLE_TEXT, concatenated=UCS2_FRAGMENT)
    else:
        characters = len(text) + sum(map(laid_out.count, GSM_EXTENDED_CHARACTERS))
        fragments = _fragments(characters, single=GSM_SINGLE_TEXT, concatenated=GSM_FRAGMENT)
    changed = ({} if SMS_CHARACTERS.issuperset(laid_out) else
               {c: _sanitise_character(c) for c in dict.fromkeys(laid_out) if c not in SMS_CHARACTERS})
    return SmsCount(
        text=text,
        characters=characters,
        fragments=fragments,
        encoding=encoding,
        length=_length_without_prefix(text, prefix),
        unicode_letters=unicode_letters,
        question_marks=tuple(c for c, sent in changed.items() if sent == "?"),
        downgraded=tuple((c, sent) for c, sent in changed.items() if sent != "?"),
    )


def service_name_prefix(service_name: str) -> str:
    """What Notify puts before every text when "Start text messages with service name" is on (`add_prefix`)."""
    name = service_name.strip()
    return f"{name}: " if name else ""


def sanitise_sms(text: str) -> str:
    """The text as Notify sends it (`SanitiseSMS.encode`): GSM-7 and Welsh letters kept, accented letters reduced to
    their base letter, Notify's replacements applied, anything else "?"."""
    if SMS_CHARACTERS.issuperset(text):
        return text
    return "".join(_sanitise_character(c) for c in text)


def notify_layout(text: str) -> str:
    """The text laid out as Notify's SMS template does before sanitising (`BaseSMSTemplate.unsanitised_content`)."""
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    text = "\n".join(normalise_whitespace(line) for line in text.splitlines())
    return _THREE_OR_MORE_NEWLINES.sub("\n\n", text).strip()


def normalise_whitespace(line: str) -> str:
    """One space between words, none at either end, zero-width characters gone (Notify's `normalise_whitespace`)."""
    return " ".join(line.translate(_OBSCURE_WHITESPACE).split())


def _sanitise_character(c: str) -> str:
    if c in SMS_CHARACTERS:
        return c
    decomposition = unicodedata.decomposition(c)
    # A canonical decomposition ("0063 0327" for ç) starts with the base letter; a compatibility one ("<compat> …")
    # is not a letter with an accent, so only Notify's replacements apply. Notify raises on a base outside the Basic
    # Multilingual Plane; none is a character it sends, so "?" is what such a character would come to.
    if decomposition and "<" not in decomposition:
        base = chr(int(decomposition.split()[0], 16))
        return base if base in SMS_CHARACTERS else "?"
    return NOTIFY_SMS_REPLACEMENTS.get(c, "?")


def _length_without_prefix(text: str, prefix: str) -> int:
    # Notify takes the service name and ": " off the whole text's length (`content_count_without_prefix`); "Name:" is
    # what is left of "Name: " stripped, so one more for the space.
    if not prefix:
        return len(text)
    return max(len(text) - len(sanitise_sms(prefix.strip())) - 1, 0)


def _fragments(characters: int, *, single: int, concatenated: int) -> int:
    # Nothing is sent for an empty text (Notify refuses it), so it takes no fragment.
    if characters == 0:
        return 0
    return 1 if characters <= single else math.ceil(characters / concatenated)
