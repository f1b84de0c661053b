"""The CloudEvents Kafka binary-mode codec: round trips and every malformed record."""

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanggap.schemas.cloudevents import (
    BadContentTypeError,
    CodecError,
    EmptyValueError,
    InvalidDataError,
    InvalidHeaderError,
    InvalidJsonError,
    KafkaRecord,
    MissingHeaderError,
    UnknownTypeError,
    UnsupportedSpecVersionError,
    decode,
    encode,
    is_valid_traceparent,
)
from tanggap.schemas.common import GeoPoint, Location, Message, Privacy, uuid7
from tanggap.schemas.events import (
    Channel,
    ReportSubmitted,
    TrafficConditionObserved,
    TrafficLevel,
    TrafficPlaceKind,
)
from tanggap.schemas.keys import area_key, key_for
from tanggap.schemas.registry import EVENT_TYPES

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*/*.json"))
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
WHEN = datetime(2026, 11, 30, 2, 14, 5, 183000, tzinfo=UTC)


def _example(path: Path) -> Message:
    return EVENT_TYPES[path.parent.name].model_validate_json(path.read_bytes())


def _record(name_part: str = "report.submitted/jalan-rusak") -> KafkaRecord:
    path = next(p for p in EXAMPLES if name_part in f"{p.parent.name}/{p.stem}")
    return encode(_example(path), source="/tanggap/test", time=WHEN, subject="s-1")


def _headers(record: KafkaRecord, **replace: bytes | None) -> list[tuple[str, bytes]]:
    headers = [(k, v) for k, v in record.headers if k not in replace]
    return headers + [(k, v) for k, v in replace.items() if v is not None]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_example_round_trips(path: Path) -> None:
    message = _example(path)
    record = encode(
        message,
        source="/tanggap/routing",
        subject="incident/1",
        event_id="evt-1",
        time=WHEN,
        traceparent=TRACEPARENT,
    )
    envelope = decode(record.value, record.headers)
    assert envelope.data == message
    assert type(envelope.data) is type(message)
    assert (envelope.id, envelope.type, envelope.source) == (
        "evt-1",
        message.ce_type,
        "/tanggap/routing",
    )
    assert (envelope.time, envelope.subject, envelope.traceparent) == (
        WHEN,
        "incident/1",
        TRACEPARENT,
    )
    assert record.key == key_for(message).encode()
    assert json.loads(record.value) == json.loads(path.read_bytes())


def test_headers_are_cloudevents_binary_mode() -> None:
    record = _record()
    headers = dict(record.headers)
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_type"] == b"id.cilegon.tanggap.report.submitted"
    assert headers["ce_source"] == b"/tanggap/test"
    assert headers["ce_time"] == b"2026-11-30T02:14:05.183000Z"
    assert headers["ce_subject"] == b"s-1"
    assert headers["content-type"] == b"application/json"
    assert "traceparent" not in headers
    assert b" " not in record.value.split(b'"description"')[0], "compact JSON"


def test_defaults_give_a_fresh_id_and_time() -> None:
    path = next(p for p in EXAMPLES if "incident.commented" in p.parent.name)
    first = decode(*_value_headers(encode(_example(path), source="/tanggap/routing")))
    second = decode(*_value_headers(encode(_example(path), source="/tanggap/routing")))
    assert first.id != second.id
    assert first.subject is None
    assert datetime.now(UTC) - first.time < timedelta(seconds=5)


def _value_headers(record: KafkaRecord) -> tuple[bytes, list[tuple[str, bytes]]]:
    return record.value, record.headers


def test_encode_refuses_caller_mistakes() -> None:
    message = _example(EXAMPLES[0])
    with pytest.raises(ValueError, match="timezone-aware"):
        encode(message, source="/x", time=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="traceparent"):
        encode(message, source="/x", traceparent="00-abc")
    with pytest.raises(ValueError, match="source"):
        encode(message, source="")


@pytest.mark.parametrize(
    ("value", "replace", "error", "needle"),
    [
        (None, {}, EmptyValueError, "empty"),
        (b"", {}, EmptyValueError, "empty"),
        (..., {"ce_specversion": None}, MissingHeaderError, "'ce_specversion'"),
        (..., {"ce_type": None}, MissingHeaderError, "'ce_type'"),
        (..., {"ce_id": None}, MissingHeaderError, "'ce_id'"),
        (..., {"ce_source": None}, MissingHeaderError, "'ce_source'"),
        (..., {"ce_time": None}, MissingHeaderError, "'ce_time'"),
        (..., {"content-type": None}, MissingHeaderError, "'content-type'"),
        (..., {"ce_specversion": b"0.3"}, UnsupportedSpecVersionError, "'0.3'"),
        (..., {"ce_type": b"id.cilegon.tanggap.report.lost"}, UnknownTypeError, "report.lost"),
        (..., {"content-type": b"application/avro"}, BadContentTypeError, "application/avro"),
        (..., {"ce_time": b"2026-11-30T02:14:05"}, InvalidHeaderError, "'ce_time'"),
        (..., {"ce_time": b"2026-02-30T02:14:05Z"}, InvalidHeaderError, "'ce_time'"),
        (..., {"ce_id": b""}, InvalidHeaderError, "'ce_id': empty"),
        (..., {"ce_source": b"\xff\xfe"}, InvalidHeaderError, "UTF-8"),
        (b'{"report_id": ', {}, InvalidJsonError, "not valid JSON"),
        (b"[1, 2]", {}, InvalidDataError, "(root)"),
    ],
)
def test_malformed_records_raise_typed_errors(
    value: object, replace: dict[str, bytes | None], error: type[CodecError], needle: str
) -> None:
    record = _record()
    raw = record.value if value is ... else value
    assert isinstance(raw, bytes | None)
    with pytest.raises(error) as caught:
        decode(raw, _headers(record, **replace))
    assert needle in str(caught.value)
    assert caught.value.code == error.code
    assert isinstance(caught.value, CodecError)


def test_error_codes_are_stable() -> None:
    codes = {
        cls.code
        for cls in (
            MissingHeaderError,
            UnsupportedSpecVersionError,
            UnknownTypeError,
            BadContentTypeError,
            InvalidJsonError,
            InvalidDataError,
            EmptyValueError,
            InvalidHeaderError,
        )
    }
    assert codes == {
        "missing_header",
        "unsupported_specversion",
        "unknown_type",
        "bad_content_type",
        "invalid_json",
        "invalid_data",
        "empty_value",
        "invalid_header",
    }


def test_invalid_data_names_field_paths_but_not_values() -> None:
    record = _record()
    payload = json.loads(record.value)
    payload["reporter"]["phone"] = "0812-SECRET-99"
    payload["location"]["lat"] = -95
    payload["media"][0]["width"] = 0
    with pytest.raises(InvalidDataError) as caught:
        decode(json.dumps(payload).encode(), record.headers)
    paths = [path for path, _ in caught.value.fields]
    assert paths == ["location.lat", "media[0].width", "reporter.phone"]
    assert "SECRET" not in str(caught.value)
    assert caught.value.ce_type == "id.cilegon.tanggap.report.submitted"


def test_events_ignore_unknown_fields_commands_refuse_them() -> None:
    event = _record("incident.commented")
    newer = json.loads(event.value) | {"added_in_v2": "x"}
    assert decode(json.dumps(newer).encode(), event.headers).data
    command = _record("command.comment")
    stray = json.loads(command.value) | {"priority": "urgent"}
    with pytest.raises(InvalidDataError, match="priority"):
        decode(json.dumps(stray).encode(), command.headers)


def test_content_type_parameters_and_duplicate_headers() -> None:
    record = _record()
    headers = [*record.headers, ("content-type", b"application/json; charset=utf-8")]
    assert decode(record.value, headers).type == "id.cilegon.tanggap.report.submitted"
    later_wins = [*record.headers, ("ce_id", b"second")]
    assert decode(record.value, later_wins).id == "second"


def test_ce_time_accepts_rfc3339_variants() -> None:
    record = _record()
    for text, expected in [
        (b"2026-11-30T09:14:05+07:00", datetime(2026, 11, 30, 2, 14, 5, tzinfo=UTC)),
        (b"2026-11-30t02:14:05.123456789z", datetime(2026, 11, 30, 2, 14, 5, 123456, tzinfo=UTC)),
    ]:
        assert decode(record.value, _headers(record, ce_time=text)).time == expected


def test_invalid_traceparent_is_dropped_not_fatal() -> None:
    record = _record()
    envelope = decode(record.value, _headers(record, traceparent=b"00-zz-yy-01"))
    assert envelope.traceparent is None


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (TRACEPARENT, True),
        ("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future", True),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", False),
        ("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", False),
        ("00-00000000000000000000000000000000-00f067aa0ba902b7-01", False),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", False),
        ("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", False),
        ("", False),
    ],
)
def test_traceparent_format(value: str, valid: bool) -> None:
    assert is_valid_traceparent(value) is valid


# --------------------------------------------------------------------------- properties

_offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=_offsets
)
_points = st.builds(
    GeoPoint,
    lat=st.floats(min_value=-90, max_value=90, allow_nan=False),
    lon=st.floats(min_value=-180, max_value=180, allow_nan=False),
)
_slugs = st.from_regex(r"\A[a-z0-9][a-z0-9_.:-]{0,40}\Z")


@given(
    segment_id=_slugs,
    name=st.text(min_size=1, max_size=80),
    kind=st.sampled_from(TrafficPlaceKind),
    level=st.sampled_from(TrafficLevel),
    speed=st.none() | st.floats(min_value=0, max_value=300, allow_nan=False),
    location=_points,
    observed_at=_instants,
)
def test_traffic_round_trips(
    segment_id: str,
    name: str,
    kind: TrafficPlaceKind,
    level: TrafficLevel,
    speed: float | None,
    location: GeoPoint,
    observed_at: datetime,
) -> None:
    event = TrafficConditionObserved(
        segment_id=segment_id,
        name=name,
        kind=kind,
        level=level,
        speed_kmh=speed,
        location=location,
        observed_at=observed_at,
    )
    record = encode(event, source="/tanggap/agency-adapters", time=observed_at)
    envelope = decode(record.value, record.headers)
    assert envelope.data == event
    assert envelope.time == observed_at
    assert record.key == segment_id.encode()


@given(
    description=st.text(max_size=400),
    category=st.sampled_from(["jalan-rusak", "banjir", "sampah", "kebakaran"]),
    lat=st.floats(min_value=-6.09, max_value=-5.87, allow_nan=False),
    lon=st.floats(min_value=105.92, max_value=106.09, allow_nan=False),
    answers=st.dictionaries(
        st.from_regex(r"\A[a-z][a-z0-9_]{0,20}\Z"),
        st.text(max_size=20)
        | st.lists(st.text(max_size=10), max_size=3)
        | st.floats(allow_nan=False, allow_infinity=False),
        max_size=4,
    ),
    submitted_at=_instants,
)
def test_report_round_trips_any_text(
    description: str,
    category: str,
    lat: float,
    lon: float,
    answers: dict[str, str | list[str] | float],
    submitted_at: datetime,
) -> None:
    report = ReportSubmitted(
        report_id=uuid7(),
        submitted_at=submitted_at,
        category=category,
        description=description,
        location=Location(lat=lat, lon=lon),
        area_key=area_key(category, lat, lon),
        answers=answers,
        privacy=Privacy.PUBLIC,
        channel=Channel.NATIVE,
    )
    record = encode(report, source="/tanggap/intake")
    assert decode(record.value, record.headers).data == report
    assert record.key == category.encode()
