"""Reading Open311 POST bodies: fields, attributes, locations, media URLs."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tanggap.intake.api.open311.forms import first_values, form_pairs, parse_request
from tanggap.intake.domain.errors import Open311BadRequest
from tanggap.intake.open311_service import Open311Request


def _parse(fields: list[tuple[str, str]]) -> Open311Request:
    return parse_request(form_pairs(urlencode(fields).encode()))


def test_a_full_request() -> None:
    body = urlencode(
        [
            ("api_key", "K"),
            ("service_code", "pohon-tumbang"),
            ("lat", "-6.0176"),
            ("long", "106.0538"),
            ("description", "Pohon tumbang\nmenutup jalan"),
            ("attribute[menimpa][]", "jalan"),
            ("attribute[menimpa][]", "kabel"),
            ("attribute[info_darurat]", "diabaikan"),
            ("first_name", "Siti"),
            ("media_url", "https://fixmystreet.example/photo/1.jpeg"),
        ]
    ).encode()
    pairs = form_pairs(body)
    assert first_values(pairs)["api_key"] == "K"
    request = parse_request(pairs)
    assert (request.lat, request.long) == (-6.0176, 106.0538)
    assert request.attributes == {"menimpa": ["jalan", "kabel"]}
    assert request.description == "Pohon tumbang\nmenutup jalan"
    assert request.external_media_url == "https://fixmystreet.example/photo/1.jpeg"
    assert request.media_ids == ()


def test_a_photo_uploaded_here_becomes_a_media_id() -> None:
    sha = "a" * 64
    request = _parse([("service_code", "x"), ("media_url", f"https://api.example/v1/media/{sha}")])
    assert request.media_ids == (sha,)
    assert request.external_media_url is None


def test_blank_optional_fields_are_absent() -> None:
    request = _parse([("service_code", "x"), ("lat", ""), ("long", ""), ("address_string", " ")])
    assert request.lat is None
    assert request.address_string is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ([("lat", "-6.0")], {("service_code", "required"), ("long", "required")}),
        (
            [("service_code", "x"), ("lat", "utara"), ("long", "200")],
            {("lat", "not_a_number"), ("long", "out_of_range")},
        ),
        ([("service_code", "x"), ("description", "x" * 4001)], {("description", "too_long")}),
        ([("service_code", "x"), ("media_url", "ftp://x/y.jpg")], {("media_url", "invalid_url")}),
        ([("service_code", "x"), ("first_name", "a\x00b")], {("first_name", "invalid_characters")}),
        (
            [("service_code", "x"), ("attribute[Bad Code]", "v")],
            {("attribute[Bad Code]", "unknown_question")},
        ),
    ],
)
def test_every_problem_is_a_400(
    fields: list[tuple[str, str]], expected: set[tuple[str, str]]
) -> None:
    with pytest.raises(Open311BadRequest) as raised:
        _parse(fields)
    assert {(p.path, p.code) for p in raised.value.problems} == expected


def test_a_body_that_is_not_utf8() -> None:
    with pytest.raises(Open311BadRequest):
        form_pairs(b"description=%FF%FE&service_code=x\xff")
