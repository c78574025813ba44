"""Text that every output can carry. The one home of the rule, used by forms (alerts/web/forms.py), API validation
and every XML writer (Atom, RSS, CAP). Ground floor: it uses nothing of ours. Its messages are in the language
of whoever asked (gettext).

XML 1.0 cannot carry most C0 control characters (all but tab, newline and carriage return), U+FFFE, U+FFFF or a
lone surrogate; lxml refuses to write them, so one vertical tab pasted from Word into a notice would make every
feed holding it answer 500. Input refuses them, naming the field; writers drop them, so a row saved before this
rule can't break a feed either.

Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the Unicode line and paragraph
separators (U+2028, U+2029) are refused the same way: unseen, they make text read other than it is (an override
shows a phone number or an address backwards) or break a line where no reader expects one. Writers drop them too.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def character_xml_cannot_carry(value: str) -> str | None:
    """The first character of `value` XML 1.0 can't carry, written as U+XXXX, or None."""
    found = NOT_IN_XML.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def hidden_character_error(label: str, value: object) -> str | None:
    """The error message for a text field holding such a character, naming the field; None when it is fine."""
    if not isinstance(value, str):
        return None
    character = character_xml_cannot_carry(value)
    if character is not None:
        return _("%(label)s must not contain hidden control characters (%(character)s): retype it, or paste it as "
                 "plain text", label=label, character=character)
    found = REORDERING.search(value)
    if found is not None:
        character = f"U+{ord(found.group()):04X}"
        return _("%(label)s must not contain hidden characters that change how text reads (%(character)s): retype "
                 "it, or paste it as plain text", label=label, character=character)
    return None


def xml_safe(value: str) -> str:
    """`value` without the characters XML 1.0 can't carry or that reorder text: for writers, whatever the row holds."""
    return REORDERING.sub("", NOT_IN_XML.sub("", value))

