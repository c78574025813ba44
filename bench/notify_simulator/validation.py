"""Request-body validation that mirrors Notify's v2 JSON schemas and recipient checks (notify.md §2.4, §2.6, §6)."""

from __future__ import annotations

import functools
import re
import uuid
from typing import Any

import phonenumbers

SMS_CHAR_COUNT_LIMIT = 918
REFERENCE_MAX_LENGTH = 1000

_COMMON_PROPERTIES = ("template_id", "personalisation", "reference", "scheduled_for")
SMS_PROPERTIES = frozenset((*_COMMON_PROPERTIES, "phone_number", "sms_sender_id"))
EMAIL_PROPERTIES = frozenset(
    (*_COMMON_PROPERTIES, "email_address", "email_reply_to_id", "one_click_unsubscribe_url", "sanitise_content_for")
)

_PHONE_ALLOWED = re.compile(r"^[\d\s()+\-]*$")
_PHONE_STRIP = re.compile(r"[\s()\-]")
# Ofcom's TV/drama range, which phonenumbers calls invalid but Notify accepts as UK mobiles.
_UK_NATIONAL = re.compile(r"^0[1-9]")
# Notify's check is a prefix (PhoneNumber._is_tv_number) after the length check, so "07700 90012", one digit short
# but a possible length for a UK number, is accepted, and "077009001234" has too many digits.
_TV_NUMBER = re.compile(r"^(?:440?)?7700900\d*$")
_EMAIL = re.compile(r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\-]+@([^.@][^@\s]+)$")
_HOSTNAME_LABEL = re.compile(r"^(xn|[a-z0-9]+)(-?-[a-z0-9]+)*$", re.IGNORECASE)
_TLD = re.compile(r"^([a-z]{2,63}|xn--([a-z0-9]+-)*[a-z0-9]+)$", re.IGNORECASE)
_OBSCURE_WHITESPACE = "\u180e\u200b\u200c\u200d\u2060\ufeff\u00a0"
_REMOVE_OBSCURE_WHITESPACE = str.maketrans(dict.fromkeys(_OBSCURE_WHITESPACE))
_ALLOWED_PHONE_TYPES = frozenset(
    (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        phonenumbers.PhoneNumberType.UAN,
        phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
    )
)
_INVALID_NUMBER = "Number is not valid – double check the phone number you entered"


class ApiError(Exception):
    """A v2 error: rendered as {"status_code": N, "errors": [{"error": ..., "message": ...}, ...]}."""

    def __init__(self, status_code: int, errors: tuple[tuple[str, str], ...]) -> None:
        super().__init__(status_code, errors)
        self.status_code = status_code
        self.errors = errors

    @classmethod
    def one(cls, status_code: int, error: str, message: str) -> ApiError:
        return cls(status_code, ((error, message),))

    def body(self) -> dict[str, Any]:
        return {"status_code": self.status_code, "errors": [{"error": e, "message": m} for e, m in self.errors]}


def is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def validate_send_body(body: object, channel: str) -> None:
    """Raise a 400 ValidationError listing every schema problem, in the wording Notify's schemas produce."""
    if not isinstance(body, dict):
        raise ApiError.one(400, "ValidationError", f"{_plain(body)} is not of type object")
    recipient_field = "phone_number" if channel == "sms" else "email_address"
    allowed = SMS_PROPERTIES if channel == "sms" else EMAIL_PROPERTIES
    messages: list[str] = []
    for required in (recipient_field, "template_id"):
        if required not in body:
            messages.append(f"{required} is a required property")
    for uuid_field in ("template_id", "sms_sender_id", "email_reply_to_id"):
        if uuid_field in body and uuid_field in allowed and not is_uuid(body[uuid_field]):
            messages.append(f"{uuid_field} is not a valid UUID")
    if "personalisation" in body and not isinstance(body["personalisation"], dict):
        messages.append(f"personalisation {_plain(body['personalisation'])} is not of type object")
    if "reference" in body:
        reference = body["reference"]
        if not isinstance(reference, str):
            messages.append(f"reference {_plain(reference)} is not of type string")
        elif len(reference) > REFERENCE_MAX_LENGTH:
            messages.append(f"reference {reference} is too long")
    if recipient_field in body:
        recipient = body[recipient_field]
        if not isinstance(recipient, str):
            messages.append(f"{recipient_field} {_plain(recipient)} is not of type string")
        elif channel == "sms":
            problem = phone_number_problem(recipient)
            if problem is not None and problem[0] == "ValidationError":
                messages.append(f"phone_number {problem[1]}")
        elif not is_valid_email_address(recipient):
            messages.append("email_address Not a valid email address")
    unsubscribe = body.get("one_click_unsubscribe_url")
    if channel == "email" and unsubscribe is not None and not str(unsubscribe).startswith("https://"):
        messages.append("one_click_unsubscribe_url is not a valid https url")
    unexpected = [name for name in body if name not in allowed]
    if unexpected:
        verb = "was" if len(unexpected) == 1 else "were"
        messages.append(f"Additional properties are not allowed ({', '.join(unexpected)} {verb} unexpected)")
    if messages:
        unique = tuple(dict.fromkeys(messages))
        raise ApiError(400, tuple(("ValidationError", m) for m in unique))


def check_phone_number_permissions(phone_number: str) -> None:
    """Checks Notify makes after the schema, for a service with neither international nor landline permission."""
    problem = phone_number_problem(phone_number)
    if problem is not None:
        raise ApiError.one(400, problem[0], problem[1])


@functools.lru_cache(maxsize=65536)
def phone_number_problem(raw: str) -> tuple[str, str] | None:
    """None for a UK mobile; otherwise (error type, message) as Notify would report it."""
    # Notify drops invisible characters first (strip_and_remove_obscure_whitespace): a trailing U+200B is fine.
    raw = raw.translate(_REMOVE_OBSCURE_WHITESPACE)
    if not _PHONE_ALLOWED.match(raw):
        return ("ValidationError", "Must not contain letters or symbols")
    compact = _PHONE_STRIP.sub("", raw)
    # Notify's "thorough" normalisation: forms like 0+447700900100 or +07700900100 still count.
    digits = compact.replace("+", "").lstrip("0")
    if _TV_NUMBER.match(digits):
        # Notify checks the length first, then takes any possible number in the TV range as a UK mobile.
        tv = _parse("+44" + digits.removeprefix("44").lstrip("0"), None)
        if tv is not None and phonenumbers.is_possible_number(tv):
            return None
    # A leading single 0 is a UK trunk prefix; only other forms may be missing a "+" (Excel strips it).
    attempts = [(compact, "GB")] if _UK_NATIONAL.match(compact) else [(compact, "GB"), ("+" + digits, None)]
    candidates = [n for n in (_parse(text, region) for text, region in attempts) if n is not None]
    for number in candidates:
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in _ALLOWED_PHONE_TYPES:
            return _permission_problem(number)
    return ("ValidationError", _length_problem(digits, candidates))


def _permission_problem(number: phonenumbers.PhoneNumber) -> tuple[str, str] | None:
    if number.country_code != 44:
        return ("BadRequestError", "Cannot send to international mobile numbers")
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return ("InvalidPhoneError", "Not a UK mobile number")
    return None


def _length_problem(digits: str, candidates: list[phonenumbers.PhoneNumber]) -> str:
    if digits.startswith(("7", "447")):
        # UK mobiles have 10 national digits, so say which way this one is wrong.
        national = digits.removeprefix("44")
        if len(national) < 10:
            return "Not enough digits"
        if len(national) > 10:
            return "Too many digits"
    reason = phonenumbers.is_possible_number_with_reason(candidates[0]) if candidates else None
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        return "Too many digits"
    if reason == phonenumbers.ValidationResult.TOO_SHORT:
        return "Not enough digits"
    if reason == phonenumbers.ValidationResult.INVALID_COUNTRY_CODE:
        return "Not a valid country prefix"
    return _INVALID_NUMBER


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


@functools.lru_cache(maxsize=65536)
def is_valid_email_address(raw: str) -> bool:
    address = raw.strip().strip(_OBSCURE_WHITESPACE)
    match = _EMAIL.match(address)
    if match is None or len(address) > 320 or ".." in address:
        return False
    try:
        hostname = match.group(1).encode("idna").decode("ascii")
    except UnicodeError:
        return False
    parts = hostname.split(".")
    if len(hostname) > 253 or len(parts) < 2:
        return False
    if any(not part or len(part) > 63 or not _HOSTNAME_LABEL.match(part) for part in parts):
        return False
    return _TLD.match(parts[-1]) is not None


def _plain(value: object) -> str:
    # Notify strips single quotes from jsonschema's repr-based messages.
    return repr(value).replace("'", "")
