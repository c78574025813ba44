"""Reading a text in Welsh or English: the Welsh beside a text when there is one, else its English."""

from types import SimpleNamespace

import pytest

from alerts.languages import ENGLISH, LANGUAGES, WELSH, lines_in, text_in
from config.council import load_council


def test_the_languages_are_welsh_and_english() -> None:
    assert (WELSH, ENGLISH) == ("cy", "en") and LANGUAGES == ("cy", "en")


def test_welsh_reads_the_welsh_beside_the_text() -> None:
    notice = SimpleNamespace(title="Road closed", title_cy="Ffordd ar gau")
    assert text_in(notice, "title", WELSH) == "Ffordd ar gau"


def test_english_reads_the_text_itself() -> None:
    notice = SimpleNamespace(title="Road closed", title_cy="Ffordd ar gau")
    assert text_in(notice, "title", ENGLISH) == "Road closed"


@pytest.mark.parametrize("welsh", [None, ""])
def test_welsh_falls_back_to_english_where_there_is_no_welsh(welsh: str | None) -> None:
    area = SimpleNamespace(name="Lampeter", name_cy=welsh)
    assert text_in(area, "name", WELSH) == "Lampeter"


def test_a_thing_with_no_welsh_field_reads_its_english_in_welsh() -> None:
    assert text_in(SimpleNamespace(name="Other"), "name", WELSH) == "Other"


def test_an_address_reads_its_lines_in_each_language() -> None:
    contact = load_council("ceredigion").contact
    assert lines_in(contact, "postal_address", WELSH)[0] == "Cyngor Sir Ceredigion"
    assert lines_in(contact, "postal_address", ENGLISH)[0] == "Ceredigion County Council"
    assert lines_in(load_council("bcp").contact, "postal_address", WELSH)[-1] == "BH2 6DY"


def test_the_profile_reads_in_each_language() -> None:
    council = load_council("ceredigion")
    assert text_in(council, "name", WELSH) == "Cyngor Sir Ceredigion"
    assert text_in(council.contact, "phone_hours", ENGLISH).startswith("Monday to Friday")
