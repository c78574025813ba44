"""Validate and normalise recipients, and mask them for logs."""

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

ENTER_MOBILE = "Enter a UK mobile number"
INVALID_MOBILE = "Enter a UK mobile number, like 07700 900 982"
ENTER_EMAIL = "Enter your email address"
INVALID_EMAIL = "Enter an email address in the correct format, like name@example.com"

MAX_EMAIL_LENGTH = 320

# The characters GOV.UK Notify allows in a phone number. Checked before parsing because phonenumbers would
# otherwise read letters as a keypad vanity number ("0800 FLOWERS").
_PHONE_CHARACTERS = re.compile(r"[0-9()+\-]+")

# Ofcom's drama range, 07700 900000 to 900999. phonenumbers calls these invalid, but Notify accepts them and
# uses them for its test recipients, and GOV.UK hint text shows 07700 900 982.
_DRAMA_RANGE = range(7_700_900_000, 7_700_901_000)


class InvalidRecipient(ValueError):
    """A contact we cannot send to. The message is GOV.UK error-summary wording, safe to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise_uk_mobile(text: str) -> str:
    """Return a UK mobile number in E.164 form (+447700900982), or raise InvalidRecipient."""
    stripped = "".join(text.split())
    if not stripped:
        raise InvalidRecipient(ENTER_MOBILE)
    if not _PHONE_CHARACTERS.fullmatch(stripped):
        raise InvalidRecipient(INVALID_MOBILE)
    try:
        number = phonenumbers.parse(stripped, "GB")
    except phonenumbers.NumberParseException as e:
        raise InvalidRecipient(INVALID_MOBILE) from e
    if not _is_uk_mobile(number):
        raise InvalidRecipient(INVALID_MOBILE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def readable_contact(contact: str | None) -> str:
    """A stored contact as people read it: a UK mobile in national format ("07700 900777"), anything else as it is.
    E.164 (+447700900777) stays the stored form; this is only for showing it."""
    if not contact or not contact.startswith("+44"):
        return contact or ""
    try:
        number = phonenumbers.parse(contact, "GB")
    except phonenumbers.NumberParseException:
        return contact
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _is_uk_mobile(number: phonenumbers.PhoneNumber) -> bool:
    if number.country_code != 44:
        return False
    if number.national_number in _DRAMA_RANGE:
        return True
    # Region GB, not just +44: Jersey, Guernsey and the Isle of Man share +44 but Notify bills them as international.
    return (
        phonenumbers.is_valid_number(number)
        and phonenumbers.region_code_for_number(number) == "GB"
        and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
    )


def normalise_email(text: str) -> str:
    """Return the email address in the lower-case form we store, or raise InvalidRecipient. Never looks up DNS."""
    stripped = text.strip()
    if not stripped:
        raise InvalidRecipient(ENTER_EMAIL)
    if len(stripped) > MAX_EMAIL_LENGTH:
        raise InvalidRecipient(INVALID_EMAIL)
    try:
        # Notify rejects non-ASCII before the @, so SMTPUTF8 addresses would fail at send time.
        validated = validate_email(stripped, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as e:
        raise InvalidRecipient(INVALID_EMAIL) from e
    return validated.normalized.lower()


def mask_email(address: str) -> str:
    """Hide all but the first character of the local part: "j***@example.com"."""
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_phone(e164: str) -> str:
    """Hide the middle of a number: "+44 77** ***982"."""
    digits = e164.removeprefix("+")
    if not digits.isdigit() or len(digits) < 8:
        return "***"
    if digits.startswith("44") and len(digits) == 12:
        return f"+44 {digits[2:4]}** ***{digits[-3:]}"
    return f"+{digits[:2]}** ***{digits[-3:]}"
