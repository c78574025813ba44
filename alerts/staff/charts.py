"""Charts drawn on the server as SVG, with no script in the browser.

Each chart is an image with a text alternative (its title and a one-line summary); the page always puts the same
numbers in a table beside it, which is what screen reader users and anyone copying figures use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

_BAR_HEIGHT = 22
_GAP = 8
_LABEL_WIDTH = 210
_WIDTH = 560
_MAX_BARS = 15
# GOV.UK Frontend's font: set on the chart itself too (app.css sets it on `.insight-chart`), as an SVG's text
# otherwise takes the browser's default serif.
FONT_FAMILY = "arial, sans-serif"


def bar_chart(chart_id: str, title: str, rows: Sequence[Sequence[Any]], *, value_column: int = 1) -> Markup:
    """Horizontal bars, one per row: the label from the first column, the length from `value_column`."""
    bars = [(str(row[0]), row[value_column]) for row in rows[:_MAX_BARS]
            if isinstance(row[value_column], int | float)]
    if not bars:
        return Markup("")
    largest = max(value for _, value in bars) or 1
    height = len(bars) * (_BAR_HEIGHT + _GAP) + _GAP
    room = _WIDTH - _LABEL_WIDTH - 70
    summary = ", ".join(f"{label}: {value:,}" for label, value in bars[:5])
    more = _("; the table has every row")
    parts = [
        f'<svg class="insight-chart" id="{escape(chart_id)}-chart" role="img" viewBox="0 0 {_WIDTH} {height}" '
        f'width="100%" font-family="{FONT_FAMILY}" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(summary)}{escape(more) if len(rows) > 5 else ""}</desc>',
    ]
    for index, (label, value) in enumerate(bars):
        y = _GAP + index * (_BAR_HEIGHT + _GAP)
        length = max(1, round(room * value / largest)) if value else 0
        short = label if len(label) <= 30 else f"{label[:29]}…"
        parts += [
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end" font-size="14" fill="#0b0c0c">'
            f'{escape(short)}</text>',
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{length}" height="{_BAR_HEIGHT}" fill="#1d70b8"/>',
            f'<text x="{_LABEL_WIDTH + length + 6}" y="{y + 16}" font-size="14" fill="#0b0c0c">{value:,}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 — every value above went through escape()
