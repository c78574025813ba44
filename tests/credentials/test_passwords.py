import pytest

from alerts.credentials.passwords import (
    WeakPassword,
    check_password_rules,
    hash_password,
    needs_rehash,
    verify_password,
)


@pytest.mark.parametrize(("password", "message"), [
    ("", "Enter a password"),
    ("short1!", "Password must be 8 characters or more"),
    ("Password1", "Choose a password that is harder to guess: this one is too common"),
    ("x" * 129, "Password must be 128 characters or fewer"),
])
def test_weak_passwords_are_refused_with_a_reason(password: str, message: str) -> None:
    with pytest.raises(WeakPassword, match=message):
        check_password_rules(password)


def test_a_long_passphrase_needs_no_symbols_or_capitals() -> None:
    check_password_rules("snowy morning in weymouth")


def test_a_password_hashes_with_argon2_and_verifies() -> None:
    hashed = hash_password("snowy morning in weymouth")
    assert hashed.startswith("$argon2id$") and not needs_rehash(hashed)
    assert verify_password(hashed, "snowy morning in weymouth")
    assert not verify_password(hashed, "wrong")
    assert not verify_password("garbage", "wrong")


DORSET = ["Dorset Council", "Dorset", "dorsetcouncil.gov.uk", "Weymouth", "Bridport", "Roads and gritting",
          "Bins and recycling"]


@pytest.mark.parametrize("password", ["Dorset2025!", "Summer2025!", "Gritting1", "Weymouth-Weymouth", "Dor5et2025",
                                      "Staff1.DorsetCouncil", "Staff1Dorset!", "December2026", "Bridport99",
                                      "roadsandgritting"])
def test_a_password_built_from_context_words_is_refused(password: str) -> None:
    with pytest.raises(WeakPassword, match="do not build it from the council's or a place's name"):
        check_password_rules(password, email="staff1@dorsetcouncil.example", context_words=DORSET)


@pytest.mark.parametrize("password", ["correct horse battery staple", "Gritting teams 4 Dorset", "s3cure-Kettle-Orbit",
                                      "Winter-is-coming-77"])
def test_a_password_with_more_than_context_words_is_fine(password: str) -> None:
    check_password_rules(password, email="staff1@dorsetcouncil.example", context_words=DORSET)
