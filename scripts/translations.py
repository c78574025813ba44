"""The Welsh catalogue: find every translatable text, keep the .po file in step, compile the .mo the app reads.

`make translations` runs this. Texts are found as babel.cfg says (Python gettext calls, the templates' _() and
{% trans %}). New texts join alerts/translations/cy/LC_MESSAGES/messages.po with an empty Welsh for a translator;
texts no longer used leave it. The file keeps no dates or line numbers, so two people adding texts on two
branches change only their own entries. tests/test_translations.py uses the same functions to fail when a text is
missing or has no Welsh.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "alerts" / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
MO_FILE = PO_FILE.with_suffix(".mo")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def found_texts() -> Catalog:
    """Every translatable text in the code and templates, as a catalogue with no translations."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(locale="cy")
    for _file, _line, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        template.add(message, None, auto_comments=comments, context=context)
    return template


def read_catalogue() -> Catalog:
    with open(PO_FILE, "rb") as po:
        return read_po(po, locale="cy")


def compiled(catalogue: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalogue)
    return out.getvalue()


def po_text(catalogue: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalogue, omit_header=False, no_location=True, sort_output=True, width=120,
             ignore_obsolete=True)
    return out.getvalue()


def update() -> tuple[int, int]:
    """Bring the .po in step with the texts found and compile the .mo; returns (texts, still without Welsh)."""
    catalogue = read_catalogue()
    template = found_texts()
    template.creation_date = catalogue.creation_date  # no timestamps that change on every run
    catalogue.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalogue.obsolete.clear()
    catalogue.revision_date = catalogue.creation_date
    PO_FILE.write_bytes(po_text(catalogue))
    MO_FILE.write_bytes(compiled(read_catalogue()))
    messages = [message for message in catalogue if message.id]
    missing = [message for message in messages if not all(message.string if isinstance(message.string, tuple)
                                                          else [message.string])]
    return len(messages), len(missing)


if __name__ == "__main__":
    total, missing = update()
    print(f"{PO_FILE.relative_to(ROOT)}: {total} texts, {missing} without Welsh")
    sys.exit(0)
