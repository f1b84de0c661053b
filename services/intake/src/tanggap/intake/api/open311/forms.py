"""Reading an Open311 POST body (application/x-www-form-urlencoded, UTF-8).

Parsed by hand rather than by a form model: attribute fields are named by
the service's questions (``attribute[CODE]``, ``attribute[CODE][]`` for a
multivaluelist), and every problem is collected so the client learns them
all in one 400."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlsplit

from tanggap.intake.api.open311.rows import INFO_ATTRIBUTE
from tanggap.intake.domain.errors import FieldProblem, Open311BadRequest
from tanggap.intake.open311_service import Open311Request

MAX_FIELDS = 300
_ATTRIBUTE = re.compile(r"attribute\[([^\[\]]*)\](\[\])?")
_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_OWN_MEDIA = re.compile(r"/v1/media/([0-9a-f]{64})")

# field: (max length, one line)
_TEXT_FIELDS = {
    "api_key": (200, True),
    "jurisdiction_id": (200, True),
    "service_code": (64, True),
    "address_string": (500, True),
    "address_id": (100, True),
    "description": (4000, False),
    "email": (254, True),
    "phone": (32, True),
    "first_name": (100, True),
    "last_name": (100, True),
    "media_url": (2000, True),
    "device_id": (200, True),
    "account_id": (200, True),
    "lat": (40, True),
    "long": (40, True),
}


def form_pairs(body: bytes) -> list[tuple[str, str]]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Open311BadRequest(
            [FieldProblem("(body)", "invalid_encoding", "isi permintaan harus UTF-8")]
        ) from None
    try:
        return parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        raise Open311BadRequest(
            [FieldProblem("(body)", "too_many_fields", f"paling banyak {MAX_FIELDS} kolom")]
        ) from None


def first_values(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Plain fields: the first occurrence counts; blank is the same as absent
    (the spec's rule for optional arguments)."""
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in _TEXT_FIELDS and name not in fields:
            fields[name] = value.strip()
    return {name: value for name, value in fields.items() if value}


def parse_request(pairs: Sequence[tuple[str, str]]) -> Open311Request:
    """The request, or a 400 listing every problem."""
    fields = first_values(pairs)
    problems = _text_problems(fields)
    attributes = _attributes(pairs, problems)
    service_code = fields.get("service_code")
    if not service_code:
        problems.append(FieldProblem("service_code", "required", "service_code wajib"))
    lat, long = _coordinates(fields, problems)
    media_ids, external = _media(fields.get("media_url"), problems)
    if problems:
        raise Open311BadRequest(problems)
    return Open311Request(
        service_code=service_code or "",
        lat=lat,
        long=long,
        address_string=fields.get("address_string"),
        address_id=fields.get("address_id"),
        description=fields.get("description", ""),
        attributes=attributes,
        media_ids=media_ids,
        external_media_url=external,
        first_name=fields.get("first_name"),
        last_name=fields.get("last_name"),
        email=fields.get("email"),
        phone=fields.get("phone"),
    )


def _text_problems(fields: dict[str, str]) -> list[FieldProblem]:
    problems = []
    for name, value in fields.items():
        limit, one_line = _TEXT_FIELDS[name]
        if len(value) > limit:
            problems.append(FieldProblem(name, "too_long", f"paling banyak {limit} karakter"))
        elif _CONTROL.search(value) or (one_line and ("\n" in value or "\r" in value)):
            problems.append(FieldProblem(name, "invalid_characters", "karakter tidak diizinkan"))
    return problems


def _attributes(
    pairs: Sequence[tuple[str, str]], problems: list[FieldProblem]
) -> dict[str, object]:
    attributes: dict[str, object] = {}
    for name, value in pairs:
        match = _ATTRIBUTE.fullmatch(name)
        if match is None:
            continue
        code, is_list = match.group(1), match.group(2) is not None
        if code == INFO_ATTRIBUTE:
            continue
        if not _CODE.fullmatch(code):
            problems.append(FieldProblem(name, "unknown_question", "kode atribut tidak sah"))
            continue
        if len(value) > 2000 or _CONTROL.search(value):
            problems.append(FieldProblem(name, "invalid", "nilai terlalu panjang atau tidak sah"))
            continue
        if is_list:
            existing = attributes.setdefault(code, [])
            if isinstance(existing, list):
                existing.append(value)
        else:
            attributes.setdefault(code, value)
    return attributes


def _coordinates(
    fields: dict[str, str], problems: list[FieldProblem]
) -> tuple[float | None, float | None]:
    raw_lat, raw_long = fields.get("lat"), fields.get("long")
    if (raw_lat is None) != (raw_long is None):
        missing = "long" if raw_long is None else "lat"
        problems.append(FieldProblem(missing, "required", "lat dan long harus dikirim bersama"))
        return None, None
    if raw_lat is None or raw_long is None:
        return None, None
    lat = _number(raw_lat, "lat", -90, 90, problems)
    long = _number(raw_long, "long", -180, 180, problems)
    return lat, long


def _number(
    raw: str, name: str, low: float, high: float, problems: list[FieldProblem]
) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        problems.append(FieldProblem(name, "not_a_number", "harus berupa angka desimal WGS84"))
        return None
    if not math.isfinite(value) or not low <= value <= high:
        problems.append(FieldProblem(name, "out_of_range", f"harus antara {low} dan {high}"))
        return None
    return value


def _media(url: str | None, problems: list[FieldProblem]) -> tuple[tuple[str, ...], str | None]:
    """A photo uploaded here first (POST /v1/media) becomes a media id; any
    other http(s) URL is the client's own photo, kept as a URL."""
    if url is None:
        return (), None
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(FieldProblem("media_url", "invalid_url", "harus URL http(s)"))
        return (), None
    own = _OWN_MEDIA.fullmatch(parts.path)
    if own is not None:
        return (own.group(1),), None
    return (), url
