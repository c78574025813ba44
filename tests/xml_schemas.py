"""Schemas vendored into the repository (tests/schemas/README.md says under which terms), so tests need nothing
beside a fresh clone."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "schemas"
CAP_XSD = SCHEMAS / "CAP-v1.2.xsd"


@cache
def cap_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(CAP_XSD)))
