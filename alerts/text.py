"""Text that every output can carry. The one home of the rule, used by forms (alerts/web/forms.py), API validation
and every XML writer (Atom, RSS, CAP). Ground floor: it uses nothing of ours.

XML 1.0 cannot carry most C0 control characters (all but tab, newline and carriage return), U+FFFE, U+FFFF or a
lone surrogate; lxml refuses to write them, so one vertical tab pasted from Word into a notice would make every
feed holding it answer 500. Input refuses them, naming the field; writers drop them, so a row saved before this
rule can't break a feed either.
"""

from __future__ import annotations

import re

NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def character_xml_cannot_carry(value: str) -> str | None:
    """The first character of `value` XML 1.0 can't carry, written as U+XXXX, or None."""
    found = NOT_IN_XML.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def hidden_character_error(label: str, value: object) -> str | None:
    """The error message for a text field holding such a character, naming the field; None when it is fine."""
    if not isinstance(value, str):
        return None
    character = character_xml_cannot_carry(value)
    if character is None:
        return None
    return (f"{label} must not contain hidden control characters ({character}): retype it, "
            "or paste it as plain text")


def xml_safe(value: str) -> str:
    """`value` without the characters XML 1.0 can't carry: for writers, whatever the row holds."""
    return NOT_IN_XML.sub("", value)

