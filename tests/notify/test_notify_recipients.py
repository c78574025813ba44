import pytest

from alerts.notify.recipients import (
    InvalidRecipient,
    mask_email,
    mask_phone,
    normalise_email,
    normalise_uk_mobile,
    readable_contact,
)


@pytest.mark.parametrize(
    "typed",
    [
        "07700 900982",
        "07700900982",
        "07700-900-982",
        "+44 7700 900982",
        "+447700900982",
        "0044 7700 900982",
        "(07700) 900982",
        "447700900982",
        "+44 (0)7700 900982",
        "  07700 900 982  ",
        "07700\u00a0900982",
    ],
)
def test_common_ways_of_writing_a_mobile_number_normalise_to_e164(typed: str) -> None:
    assert normalise_uk_mobile(typed) == "+447700900982"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("07400 123456", "+447400123456"),
        ("07123 456789", "+447123456789"),
        ("+44 7812 345678", "+447812345678"),
        ("07700 900000", "+447700900000"),
        ("07700 900002", "+447700900002"),
        ("07700 900999", "+447700900999"),
    ],
)
def test_uk_mobiles_including_the_whole_drama_range_are_accepted(typed: str, expected: str) -> None:
    assert normalise_uk_mobile(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "01305 221000",  # Dorset Council's switchboard: a landline
        "0800 123 4567",  # freephone
        "076 2345 6789",  # pager
        "+33 6 12 34 56 78",  # French mobile
        "+1 202 555 0143",
        "07797 123456",  # Jersey: +44 but not the UK
        "07624 123456",  # Isle of Man
        "07700 901000",  # just past the drama range
        "07700 90098",  # too short
        "07700 9009821",  # too long
        "07700 900 98two",
        "O77OO 9OO982",  # letter O for zero
        "0800 FLOWERS",
        "07700.900.982",
        "+",
        "()",
    ],
)
def test_numbers_that_are_not_uk_mobiles_are_rejected_with_the_hint(typed: str) -> None:
    with pytest.raises(InvalidRecipient) as error:
        normalise_uk_mobile(typed)

    assert error.value.message == "Enter a UK mobile number, like 07700 900 982"


@pytest.mark.parametrize("typed", ["", "   ", "\t\n"])
def test_an_empty_mobile_number_asks_for_one(typed: str) -> None:
    with pytest.raises(InvalidRecipient, match=r"^Enter a UK mobile number$"):
        normalise_uk_mobile(typed)


def test_invalid_recipient_is_a_value_error() -> None:
    assert issubclass(InvalidRecipient, ValueError)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("name@example.com", "name@example.com"),
        ("Jane.Smith@Example.COM", "jane.smith@example.com"),
        ("  jane@example.com\n", "jane@example.com"),
        ("o'brien@example.co.uk", "o'brien@example.co.uk"),
        ("first+alerts@dorsetcouncil.gov.uk", "first+alerts@dorsetcouncil.gov.uk"),
        ("name@MÜNCHEN.de", "name@münchen.de"),
        ("name@xn--mnchen-3ya.de", "name@münchen.de"),
        ("perm-fail@simulator.notify", "perm-fail@simulator.notify"),
    ],
)
def test_email_addresses_are_normalised_to_lower_case(typed: str, expected: str) -> None:
    assert normalise_email(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "name",
        "name@",
        "@example.com",
        "name@example",
        "name@localhost",
        "name@@example.com",
        "name@example..com",
        "first..last@example.com",
        "name @example.com",
        "name@exa_mple.com",
        "name@example.com.",
        '"quoted"@example.com',
        "name@[192.0.2.1]",
        "josé@example.com",  # Notify rejects non-ASCII before the @
        "name@example.123",
        "name@example.com; other@example.com",
        "a" * 310 + "@example.com",
    ],
)
def test_malformed_email_addresses_are_rejected_with_the_hint(typed: str) -> None:
    with pytest.raises(InvalidRecipient) as error:
        normalise_email(typed)

    assert error.value.message == "Enter an email address in the correct format, like name@example.com"


@pytest.mark.parametrize("typed", ["", "  "])
def test_an_empty_email_address_asks_for_one(typed: str) -> None:
    with pytest.raises(InvalidRecipient, match=r"^Enter your email address$"):
        normalise_email(typed)


def test_email_validation_never_looks_up_the_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: object, **kwargs: object) -> None:
        raise AssertionError("DNS was queried")

    monkeypatch.setattr("socket.getaddrinfo", no_dns)
    monkeypatch.setattr("dns.resolver.Resolver.resolve", no_dns)

    assert normalise_email("name@no-such-domain-for-alerts.example.org") == "name@no-such-domain-for-alerts.example.org"


@pytest.mark.parametrize(
    "address, masked",
    [
        ("jane@example.com", "j***@example.com"),
        ("j@example.com", "j***@example.com"),
        ("jane.smith+alerts@dorsetcouncil.gov.uk", "j***@dorsetcouncil.gov.uk"),
        ("not an address", "***"),
        ("@example.com", "***"),
        ("", "***"),
    ],
)
def test_masked_email_addresses_keep_only_the_first_letter_and_domain(address: str, masked: str) -> None:
    assert mask_email(address) == masked


@pytest.mark.parametrize(
    "number, masked",
    [
        ("+447700900982", "+44 77** ***982"),
        ("+447400123456", "+44 74** ***456"),
        ("+33612345678", "+33** ***678"),
        ("07700 900982", "***"),
        ("", "***"),
    ],
)
def test_masked_phone_numbers_keep_only_the_prefix_and_last_three_digits(number: str, masked: str) -> None:
    assert mask_phone(number) == masked


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("+447700900777", "07700 900777"),
        ("+447400123456", "07400 123456"),
        ("someone@example.com", "someone@example.com"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_stored_mobile_number_reads_in_uk_national_format_and_anything_else_as_it_is(
        stored: str | None, shown: str) -> None:
    assert readable_contact(stored) == shown
