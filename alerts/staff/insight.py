"""/staff/insight for service managers: kept counts as charts, tables and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Response, abort, render_template, request

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
                "calls-and-notices": 2, "calls-by-service": 4, "warning-to-first-notice": None, "warning-kinds": None}


def _date_range() -> tuple[dt.date, dt.date, dict[str, str]]:
    end_default = insight_data.today()
    errors: dict[str, str] = {}
    values: dict[str, dt.date] = {}
    for name, default in (("from", end_default - dt.timedelta(days=DEFAULT_DAYS - 1)), ("to", end_default)):
        label = "start" if name == "from" else "end"
        parsed = parse_date(request.args.get(name), label=f"The {label} date", today=end_default,
                            invalid=f"Enter the {label} date as a year, month and day, for example 2026-11-01")
        if parsed.error:
            errors[name] = parsed.error
        values[name] = parsed.value or default
    if not errors and values["from"] > values["to"]:
        errors["to"] = "The end date must be the same as or after the start date"
    return values["from"], values["to"], errors


@staff.get("/insight")
@role_required(Role.MANAGER)
def insight() -> tuple[str, int]:
    start, end, errors = _date_range()
    tables = insight_data.insight_tables(start, end) + response_insight.response_tables(start, end)
    charts = {}
    for table in tables:
        column = CHART_COLUMN.get(table.name, 1)
        if table.name == "subscriptions-over-time":
            charts[table.name] = bar_chart(table.name, table.caption,
                                           [[row[0], row[1] + row[2]] for row in table.rows[-15:]])
        elif column is not None:
            charts[table.name] = bar_chart(table.name, table.caption, table.rows, value_column=column)
    error_summary = [{"text": message, "href": f"#{name}"} for name, message in errors.items()] or None
    page = render_template("staff/insight.html", tables=tables, charts=charts, start=start, end=end, errors=errors,
                           error_summary=error_summary)
    return page, 400 if errors else 200


@staff.get("/insight/<name>.csv")
@role_required(Role.MANAGER)
def insight_csv(name: str) -> Response:
    start, end, errors = _date_range()
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
