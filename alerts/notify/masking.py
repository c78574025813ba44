"""What staff may see of a message a resident was sent: never a live code, never a link that acts as the resident.

A confirmation or security code, or a manage, unsubscribe or confirm link, lets whoever reads it take over the
resident's alerts. Every staff page, and every export staff download, shows message bodies through
`mask_for_staff`, so there is one place to change when a message gains a new kind of secret.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

REMOVED_LINK = "[personal link removed]"
# "…confirmation code is 482913." / "security code: 482913": the code, not any other 6-digit number in an alert.
_CODE = re.compile(r"(?i)(\bcode\b[^0-9\n]{0,12}?)\d{4}(\d{2})\b")
_LINK = re.compile(r"https?://[^\s<>\"']+")
# Paths that only ever carry a public id. Anything else on a link in a message is treated as personal.
_PUBLIC_PATH = re.compile(r"^/(?:notices(?:/\d+)?|privacy|accessibility|cookies|subscribe)?/?$")


def mask_code(code: str) -> str:
    """How staff are shown a code: enough to agree "the one ending 13" with a caller, not enough to use it."""
    return f"•••• {code[-2:]}"


def _mask_link(match: re.Match[str]) -> str:
    url = match.group(0)
    trailing = ""
    while url and url[-1] in ".,;:)":
        url, trailing = url[:-1], url[-1] + trailing
    return (url if _PUBLIC_PATH.match(urlsplit(url).path) else REMOVED_LINK) + trailing


def mask_for_staff(text: str | None) -> str:
    if not text:
        return ""
    text = _CODE.sub(lambda match: match.group(1) + mask_code(match.group(2)), text)
    return _LINK.sub(_mask_link, text)
