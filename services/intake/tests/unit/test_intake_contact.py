"""Reporter contact details: E.164 phone numbers (+62 by default), e-mail shape."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tanggap.intake.domain.contact import normalise_email, normalise_phone


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("(0254) 391234", "+62254391234"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_phone_numbers_become_e164(given: str, expected: str) -> None:
    assert normalise_phone(given) == (expected, None)


@pytest.mark.parametrize("given", ["12345", "0812", "telepon saya", "+62 0000"])
def test_invalid_phone_numbers_are_refused_without_echoing_them(given: str) -> None:
    value, problem = normalise_phone(given, "phone")
    assert value is None
    assert problem is not None
    assert (problem.path, problem.code) == ("phone", "invalid_phone")
    assert given not in problem.message


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Siti@Example.ID", "Siti@example.id"),
        ("warga.cilegon+lapor@mail.co.id", "warga.cilegon+lapor@mail.co.id"),
    ],
)
def test_valid_email_addresses(given: str, expected: str) -> None:
    assert normalise_email(given) == (expected, None)


@pytest.mark.parametrize(
    "given",
    ["siti", "siti@", "@example.id", "siti@example", "si..ti@example.id", "a@b@c.id", "siti@-x.id"],
)
def test_invalid_email_addresses(given: str) -> None:
    value, problem = normalise_email(given)
    assert value is None
    assert problem is not None
    assert problem.code == "invalid_email"


@given(
    prefix=st.sampled_from(["0", "+62", "62", "+62 ", "0-"]),
    number=st.from_regex(r"8[0-9]{7,12}", fullmatch=True),
)
@settings(max_examples=300, deadline=None)
def test_the_mobile_fast_path_agrees_with_libphonenumber(prefix: str, number: str) -> None:
    """Any number after the trunk prefix, mobile or not: the answer is the
    library's own (with "62..." read as the country code, as intake does)."""
    international = prefix.strip(" -") in ("62", "+62")
    parsed = phonenumbers.parse(("+62" + number) if international else prefix + number, "ID")
    expected = (
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        if phonenumbers.is_valid_number(parsed)
        else None
    )
    assert normalise_phone(prefix + number)[0] == expected
