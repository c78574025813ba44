"""Staff passwords: the length rule, a check against common passwords, and hashing with a current KDF.

Ground floor: no Flask, no database. Follows NCSC and NIST SP 800-63B guidance: a minimum length, no
composition rules, and refusal of passwords that appear in breach lists or are built from context-specific words
(5.1.1.2): the council's and its places' names, its services, the person's own email address — which the caller
passes, since only it knows them — and a season or month with a year ("Summer2025!"), which everyone tries first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

from config.settings import DATA_DIR

MIN_LENGTH = 8
MAX_LENGTH = 128  # long passphrases are welcome; the cap only stops hashing megabytes

_hasher = PasswordHasher()


def _(text: str) -> str:
    """Marks a message for the catalogue (make translations finds it); a page shows it with gettext. This floor has
    no Flask, so it cannot know the page's language itself."""
    return text


class WeakPassword(ValueError):
    """A password we refuse. The message is GOV.UK error wording, safe to show: str() gives the English, and
    `text` % `values` is the catalogue's message, for a page to show in its own language."""

    def __init__(self, text: str, **values: object) -> None:
        super().__init__(text % values if values else text)
        self.text, self.values = text, values


@cache
def common_passwords() -> frozenset[str]:
    lines = (DATA_DIR / "common-passwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


# Words anyone guessing a staff password of a council service tries whatever the council: seasons, months and
# the service's own vocabulary.
GUESSED_WORDS = frozenset({
    "spring", "summer", "autumn", "fall", "winter", "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december", "council", "alerts", "alert", "disruption", "service",
    "services", "notice", "notices", "staff", "admin", "password", "welcome", "letmein", "changeme",
})
# Look-alike digits and symbols read as the letters they stand for ("Sw4nage" is "Swanage").
_LOOK_ALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_LETTERS = re.compile(r"[^a-z]")
_WORD = re.compile(r"[a-z]{3,}")
CONTEXT_MESSAGE = _("Choose a password that is harder to guess: do not build it from the council's or a place's name, "
                    "a service, a season or month and a year, or your email address")


def words_of(texts: Iterable[str]) -> set[str]:
    """The words (3 letters or more) in `texts`, and each text's letters run together: "Roads and gritting" gives
    roads, and, gritting and roadsandgritting; "poole.council@x" gives poole, council and poolecouncil."""
    found: set[str] = set()
    for text in texts:
        lowered = text.lower()
        found.update(_WORD.findall(lowered))
        for part in re.split(r"[@\s]", lowered):
            joined = _LETTERS.sub("", part.split(".")[0] if "." in part and "@" in lowered else part)
            if len(joined) >= 3:
                found.add(joined)
    return found


def _made_of(letters: str, words: frozenset[str] | set[str]) -> bool:
    """True when `letters` is one or more of `words` run together (nothing else left over)."""
    if not letters:
        return False
    ends = [True] + [False] * len(letters)
    for end in range(1, len(letters) + 1):
        ends[end] = any(ends[start] and letters[start:end] in words for start in range(max(0, end - 40), end))
    return ends[-1]


def built_from_context(password: str, context_words: Iterable[str]) -> bool:
    """Whether what is left of the password, once digits and symbols go, is only context words and guessed words:
    "<Council>2025!", "Summer2025!", "Gritting1", "<Town>-<Town>", the person's own email."""
    words = words_of(context_words) | GUESSED_WORDS
    lowered = password.lower()
    candidates = {_LETTERS.sub("", lowered),
                  _LETTERS.sub("", lowered.strip("0123456789!@#$%^&*()-_=+[]{};:'\",.<>/?\\|`~ ").translate(
                      _LOOK_ALIKES))}
    return any(_made_of(letters, words) for letters in candidates)


def check_password_rules(password: str, *, email: str | None = None, context_words: Iterable[str] = ()) -> None:
    if not password:
        raise WeakPassword(_("Enter a password"))
    if len(password) < MIN_LENGTH:
        raise WeakPassword(_("Password must be %(count)s characters or more"), count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise WeakPassword(_("Password must be %(count)s characters or fewer"), count=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords() or (email and lowered == email.lower()):
        raise WeakPassword(_("Choose a password that is harder to guess: this one is too common"))
    if built_from_context(password, [*context_words, *([email] if email else [])]):
        raise WeakPassword(CONTEXT_MESSAGE)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Argon2 hashes, and Werkzeug scrypt/pbkdf2 hashes from before we moved to argon2."""
    if password_hash.startswith("$argon2"):
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(password_hash, password)
    except ValueError:
        return False


def needs_rehash(password_hash: str) -> bool:
    return not password_hash.startswith("$argon2") or _hasher.check_needs_rehash(password_hash)


# Verifying against this when the email is unknown keeps the response time the same, so timing cannot reveal
# which email addresses have accounts.
DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")
