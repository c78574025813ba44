import pytest

from alerts.areas.postcodes import InvalidPostcode, normalise_postcode, outward_code, postcode_area


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("DT4 7TA", "DT4 7TA"),
        ("dt4 7ta", "DT4 7TA"),
        ("DT47TA", "DT4 7TA"),
        ("  dt4   7ta ", "DT4 7TA"),
        ("d t 4 7 t a", "DT4 7TA"),
        ("BH1 1AA", "BH1 1AA"),
        ("sp7 8jg", "SP7 8JG"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("M1 1AE", "M1 1AE"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_postcodes_are_normalised_whatever_the_case_and_spacing(typed: str, expected: str) -> None:
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize("typed", ["nonsense", "DT4", "DT4 7T", "12345", "DT4 7TAA", "DT4-7TA", "DT4 7CI",
                                   "DT4 7TA; DROP TABLE", "ＤＴ４ ７ＴＡ"])
def test_anything_but_a_full_postcode_is_refused_with_the_govuk_message(typed: str) -> None:
    with pytest.raises(InvalidPostcode) as refusal:
        normalise_postcode(typed)
    # The example comes from the council profile, filled in where the message is shown.
    assert refusal.value.message("DT1 1XJ") == "Enter a full UK postcode, like DT1 1XJ"


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_an_empty_postcode_asks_for_one(typed: str | None) -> None:
    with pytest.raises(InvalidPostcode, match="Enter a postcode"):
        normalise_postcode(typed)


def test_the_outward_code_and_postcode_area_are_split_off() -> None:
    assert outward_code("DT11 7AB") == "DT11"
    assert postcode_area("DT11 7AB") == "DT"
