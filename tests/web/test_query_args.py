"""The one reading of page numbers and dates from a query string: a value or a message, never an exception."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from alerts.web.query_args import MAX_PAGE, page_number, page_or_first, parse_date

TODAY = dt.date(2026, 11, 27)


def test_a_page_number_is_a_plain_whole_number_within_the_bound() -> None:
    assert page_number(None) == 1
    assert page_number("") is None, "an empty ?page= is not a page: the API refuses it, staff lists show the first"
    assert page_or_first("") == 1
    assert page_number("3") == 3
    assert page_number(str(MAX_PAGE)) == MAX_PAGE
    for bad in ("²", "0", "-1", "1.5", "99999999999999999999", str(MAX_PAGE + 1), "١", "x"):
        assert page_number(bad) is None, bad
        assert page_or_first(bad) == 1


@given(st.text(max_size=40))
def test_any_text_is_a_page_or_none(raw: str) -> None:
    number = page_number(raw)
    assert number is None or 1 <= number <= MAX_PAGE


def test_a_date_outside_a_sane_range_is_a_message_naming_the_field() -> None:
    assert parse_date("2026-11-01", label="The start date", invalid="bad", today=TODAY).value == dt.date(2026, 11, 1)
    assert parse_date("01/11/2026", label="The start date", invalid="bad", today=TODAY).value == dt.date(2026, 11, 1)
    assert parse_date("", label="The start date", invalid="bad", today=TODAY) == parse_date(
        None, label="The start date", invalid="bad", today=TODAY)
    assert parse_date("9999-12-31", label="The end date", invalid="bad", today=TODAY).error == (
        "The end date must be no more than a year from today")
    assert parse_date("0001-01-01", label="The end date", invalid="bad", today=TODAY).error == (
        "The end date must be on or after 1 January 2000")
    assert parse_date("２０２６-01-01", label="The end date", invalid="bad", today=TODAY).error == "bad"


@given(st.text(max_size=30))
def test_any_text_is_a_date_in_range_or_a_message(raw: str) -> None:
    parsed = parse_date(raw, label="The date", invalid="bad", today=TODAY)
    assert (parsed.value is None) or (dt.date(2000, 1, 1) <= parsed.value <= TODAY + dt.timedelta(days=366))
