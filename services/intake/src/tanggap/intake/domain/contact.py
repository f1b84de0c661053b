"""The reporter's contact details: a phone number normalised to E.164 (national
numbers are read as Indonesian, +62) and an e-mail address checked for shape.

Both are personal data: error messages never repeat the value."""

from __future__ import annotations

import re

import phonenumbers

from tanggap.intake.domain.errors import FieldProblem

DEFAULT_REGION = "ID"

# Indonesian mobile numbers, as libphonenumber's metadata for ID describes
# them (8[1-35-9] and 7-10 more digits after the trunk 0 or +62): most
# reporters give one, and this rule answers them without the library's
# general parser, which costs about 0.3 ms a number. A property test checks
# that both always agree.
_INDONESIAN_MOBILE = re.compile(r"(?:\+62|62|0)(8[1-35-9]\d{7,10})")
_SEPARATORS = re.compile(r"[\s().-]")

# Local part and domain as RFC 5321 limits them; the domain needs a dot and
# an alphabetic top-level label (no bare hosts, no IP literals).
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TLD = re.compile(r"[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}")


def normalise_phone(
    text: str, path: str = "reporter.phone"
) -> tuple[str | None, FieldProblem | None]:
    """``0812-3456-7890``, ``+62 812 3456 7890`` and ``6281234567890`` all give
    ``+6281234567890``. Numbers of other countries are kept when written with
    their ``+`` prefix."""
    candidate = text.strip()
    digits = _SEPARATORS.sub("", candidate)
    mobile = _INDONESIAN_MOBILE.fullmatch(digits)
    if mobile is not None:
        return "+62" + mobile.group(1), None
    if digits.startswith("62") and digits.isdigit():
        # Indonesians often drop the "+" of the country code; read as national,
        # "62812..." would become +62 62812... .
        candidate = "+" + digits
    try:
        number = phonenumbers.parse(candidate, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None, FieldProblem(path, "invalid_phone", "bukan nomor telepon yang sah")
    if not phonenumbers.is_valid_number(number):
        return None, FieldProblem(path, "invalid_phone", "bukan nomor telepon yang sah")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def normalise_email(
    text: str, path: str = "reporter.email"
) -> tuple[str | None, FieldProblem | None]:
    """The address with its domain lower-cased, or a problem."""
    address = text.strip()
    problem = FieldProblem(path, "invalid_email", "bukan alamat e-mail yang sah")
    if len(address) > 254 or address.count("@") != 1:
        return None, problem
    local, domain = address.split("@")
    if not _LOCAL.fullmatch(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        return None, problem
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > 253:
        return None, problem
    if not all(_LABEL.fullmatch(label) for label in labels[:-1]) or not _TLD.fullmatch(labels[-1]):
        return None, problem
    return f"{local}@{domain.lower()}", None
