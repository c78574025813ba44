"""/staff/insight for service managers: kept counts as charts, tables and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from flask import Response, abort, render_template, request
from flask_babel import gettext as _

from alerts.data import insight as insight_data
from alerts.data import response_insight
from alerts.models import Role
from alerts.staff import staff
from alerts.staff.access import role_required
from alerts.staff.charts import bar_chart
from alerts.web.query_args import parse_date

DEFAULT_DAYS = 30
# Which column each table's chart draws (the others are shown in the table only).
CHART_COLUMN = {"subscriptions-over-time": None, "notice-delivery": 1, "notice-durations": None,
                "next-updates-kept": None, "calls-and-notices": 2, "calls-by-service": 4,
                "warning-to-first-notice": None, "warning-kinds": None}


# GOV.UK date inputs: each date is typed as a day, a month and a year (`from-day`, `from-month`, `from-year`).
# `from=2026-11-01` still works, as the CSV links and any bookmark carry it.
DATE_PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class TypedDate:
    value: dt.date
    error: str | None = None
    wrong_parts: tuple[str, ...] = DATE_PARTS  # the boxes to mark; the error summary's link goes to the first


def _typed_date(name: str, label: str, default: dt.date, today: dt.date) -> TypedDate:
    parts = {part: (request.args.get(f"{name}-{part}") or "").strip() for part in DATE_PARTS}
    if not any(parts.values()):
        parsed = parse_date(request.args.get(name), label=label, today=today, invalid=_not_real(name))
        return TypedDate(parsed.value or default, parsed.error)
    missing = [part for part in DATE_PARTS if not parts[part]]
    if missing:
        return TypedDate(default, _missing(name, missing), tuple(missing))
    wrong = next((part for part in DATE_PARTS if not (parts[part].isascii() and parts[part].isdigit())), None)
    if wrong is not None:
        return TypedDate(default, _not_real(name), (wrong,))
    if len(parts["year"]) != 4:
        return TypedDate(default, _("Year must include 4 numbers"), ("year",))
    try:
        typed = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        wrong = "month" if not 1 <= int(parts["month"]) <= 12 else "day"
        return TypedDate(default, _not_real(name), (wrong,))
    parsed = parse_date(typed.isoformat(), label=label, today=today, invalid=_not_real(name))
    return TypedDate(parsed.value or default, parsed.error)


def _not_real(name: str) -> str:
    return _("The start date must be a real date") if name == "from" else _("The end date must be a real date")


def _missing(name: str, parts: list[str]) -> str:
    words = {"day": _("day"), "month": _("month"), "year": _("year")}
    named = _(" and ").join(words[part] for part in parts)
    return (_("The start date must include a %(parts)s", parts=named) if name == "from"
            else _("The end date must include a %(parts)s", parts=named))


def _date_range() -> tuple[dt.date, dt.date, dict[str, str], dict[str, tuple[str, ...]]]:
    """The range asked for, the errors by date ("from", "to") and the boxes each error marks."""
    end_default = insight_data.today()
    typed = {name: _typed_date(name, label, default, end_default) for name, label, default in (
        ("from", _("The start date"), end_default - dt.timedelta(days=DEFAULT_DAYS - 1)),
        ("to", _("The end date"), end_default))}
    errors = {name: date.error for name, date in typed.items() if date.error}
    wrong = {name: date.wrong_parts for name, date in typed.items()}
    start, end = typed["from"].value, typed["to"].value
    if not errors and start > end:
        errors["to"] = _("The end date must be the same as or after the start date")
    return start, end, errors, wrong


@staff.get("/insight")
@role_required(Role.MANAGER)
def insight() -> tuple[str, int]:
    start, end, errors, wrong = _date_range()
    tables = insight_data.insight_tables(start, end) + response_insight.response_tables(start, end)
    charts = {}
    for table in tables:
        column = CHART_COLUMN.get(table.name, 1)
        if table.name == "subscriptions-over-time":
            charts[table.name] = bar_chart(table.name, table.caption,
                                           [[row[0], row[1] + row[2]] for row in table.rows[-15:]])
        elif column is not None:
            charts[table.name] = bar_chart(table.name, table.caption, table.rows, value_column=column)
    error_summary = [{"text": message, "href": f"#{name}-{wrong[name][0]}"} for name, message in errors.items()] or None
    page = render_template("staff/insight.html", tables=tables, charts=charts, start=start, end=end, errors=errors,
                           error_summary=error_summary, wrong=wrong, date_parts=DATE_PARTS)
    return page, 400 if errors else 200


@staff.get("/insight/<name>.csv")
@role_required(Role.MANAGER)
def insight_csv(name: str) -> Response:
    start, end, errors, _wrong = _date_range()
    if errors:
        abort(400)
    tables = (response_insight.response_tables(start, end, only=name) if name in response_insight.TABLE_NAMES
              else insight_data.insight_tables(start, end, only=name))
    table = next((t for t in tables if t.name == name), None)
    if table is None:
        abort(404)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headings)
    for row in table.rows:
        writer.writerow([_safe_cell(cell) for cell in row])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="insight-{name}-{start}-to-{end}.csv"'})


# A cell starting with one of these would run as a formula in a spreadsheet (CSV injection): it gets a leading "'".
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(cell: object) -> object:
    """The cell as written to the CSV; an empty cell stays empty (`"" in "=+-@"` is true, so test the start)."""
    return f"'{cell}" if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS) else cell
