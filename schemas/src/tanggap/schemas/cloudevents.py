"""CloudEvents 1.0 in Kafka binary mode: a message <-> a Kafka record.

The record value is the message's compact JSON; the CloudEvents attributes are
headers (``ce_specversion``, ``ce_id``, ``ce_type``, ``ce_source``, ``ce_time``,
``ce_subject``), the data content type is ``content-type`` and the W3C trace
context travels as ``traceparent``. The record key is ``key_for(message)``.

``decode`` raises a ``CodecError`` with a stable ``code`` for every malformed
record, for the consumer to dead-letter it. Error messages name the header or
the field path, never the offending value: ``reports.submitted`` carries
personal data and error messages end up in logs and DLQ headers.

A malformed ``traceparent`` does not make a record malformed: as W3C Trace
Context says, it is ignored (``Envelope.traceparent`` is None) and the consumer
starts a new trace. ``encode`` refuses one, since the caller has a bug.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar, Generic, TypeVar

from pydantic import ValidationError

from tanggap.schemas.common import Message, uuid7
from tanggap.schemas.keys import key_for
from tanggap.schemas.registry import EVENT_TYPES

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"

H_SPECVERSION = "ce_specversion"
H_ID = "ce_id"
H_TYPE = "ce_type"
H_SOURCE = "ce_source"
H_TIME = "ce_time"
H_SUBJECT = "ce_subject"
H_CONTENT_TYPE = "content-type"
H_TRACEPARENT = "traceparent"

M = TypeVar("M", bound=Message)


@dataclass(frozen=True, slots=True)
class KafkaRecord:
    """What to hand to the producer (the topic is ``topic_for(message)``)."""

    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class Envelope(Generic[M]):
    """A decoded record: the CloudEvents attributes and the validated message."""

    id: str
    type: str
    source: str
    time: datetime
    subject: str | None
    traceparent: str | None
    data: M


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class CodecError(Exception):
    """A record that is not a valid Tanggap CloudEvent. ``code`` is stable."""

    code: ClassVar[str] = "codec_error"


class EmptyValueError(CodecError):
    code = "empty_value"


class MissingHeaderError(CodecError):
    code = "missing_header"

    def __init__(self, header: str) -> None:
        super().__init__(f"header {header!r} is missing")
        self.header = header


class InvalidHeaderError(CodecError):
    code = "invalid_header"

    def __init__(self, header: str, problem: str) -> None:
        super().__init__(f"header {header!r}: {problem}")
        self.header = header


class UnsupportedSpecVersionError(CodecError):
    code = "unsupported_specversion"


class UnknownTypeError(CodecError):
    code = "unknown_type"


class BadContentTypeError(CodecError):
    code = "bad_content_type"


class InvalidJsonError(CodecError):
    code = "invalid_json"


class InvalidDataError(CodecError):
    """The JSON does not fit the model; ``fields`` lists (path, problem)."""

    code = "invalid_data"

    def __init__(self, ce_type: str, fields: list[tuple[str, str]]) -> None:
        shown = "; ".join(f"{path}: {problem}" for path, problem in fields[:5])
        more = f" (+{len(fields) - 5} more)" if len(fields) > 5 else ""
        super().__init__(f"invalid {ce_type}: {shown}{more}")
        self.ce_type = ce_type
        self.fields = fields


# ---------------------------------------------------------------------------
# Encode
# ---------------------------------------------------------------------------


def encode(
    message: Message,
    *,
    source: str,
    subject: str | None = None,
    event_id: str | None = None,
    time: datetime | None = None,
    traceparent: str | None = None,
) -> KafkaRecord:
    """Encode a message as a Kafka record.

    ``source`` names the producer, e.g. ``/tanggap/intake``. ``event_id`` defaults
    to a new UUIDv7; pass a stable one when re-producing the same fact. ``time``
    defaults to now.
    """
    if not source:
        raise ValueError("source must not be empty")
    when = datetime.now(UTC) if time is None else time
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("time must be timezone-aware")
    if traceparent is not None and not is_valid_traceparent(traceparent):
        raise ValueError(f"not a W3C traceparent: {traceparent!r}")
    if subject == "" or event_id == "":
        raise ValueError("subject and event_id are None or non-empty")
    headers = [
        (H_SPECVERSION, SPECVERSION.encode()),
        (H_ID, (event_id or uuid7()).encode()),
        (H_TYPE, message.ce_type.encode()),
        (H_SOURCE, source.encode()),
        (H_TIME, format_time(when).encode()),
        (H_CONTENT_TYPE, CONTENT_TYPE.encode()),
    ]
    if subject is not None:
        headers.append((H_SUBJECT, subject.encode()))
    if traceparent is not None:
        headers.append((H_TRACEPARENT, traceparent.encode()))
    # The model's own serializer writes compact JSON bytes directly.
    value = message.__pydantic_serializer__.to_json(message)
    return KafkaRecord(key=key_for(message).encode(), value=value, headers=headers)


def format_time(when: datetime) -> str:
    """RFC 3339 in UTC with ``Z``, as CloudEvents' ``time``."""
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------------------
# Decode
# ---------------------------------------------------------------------------


def decode(value: bytes | None, headers: Sequence[tuple[str, bytes]]) -> Envelope[Message]:
    """Decode a Kafka record into an envelope, or raise a ``CodecError``."""
    if not value:
        raise EmptyValueError("record value is empty (a tombstone?)")
    found = _header_map(headers)
    specversion = _required(found, H_SPECVERSION)
    if specversion != SPECVERSION:
        raise UnsupportedSpecVersionError(
            f"{H_SPECVERSION} is {specversion!r}; only {SPECVERSION!r} is supported"
        )
    ce_type = _required(found, H_TYPE)
    model = EVENT_TYPES.get(ce_type)
    if model is None:
        raise UnknownTypeError(f"{H_TYPE} {ce_type!r} is not a Tanggap event or command type")
    content_type = _required(found, H_CONTENT_TYPE)
    if content_type.split(";", 1)[0].strip().lower() != CONTENT_TYPE:
        raise BadContentTypeError(f"{H_CONTENT_TYPE} is {content_type!r}, not {CONTENT_TYPE!r}")
    envelope_id = _required(found, H_ID)
    source = _required(found, H_SOURCE)
    time = _parse_time(_required(found, H_TIME))
    subject = _optional(found, H_SUBJECT)
    traceparent = found.get(H_TRACEPARENT)
    if traceparent is not None and not is_valid_traceparent(traceparent):
        traceparent = None
    try:
        data = model.model_validate_json(value, extra=model.extra_on_read)
    except ValidationError as exc:
        raise _data_error(ce_type, exc) from None
    return Envelope(
        id=envelope_id,
        type=ce_type,
        source=source,
        time=time,
        subject=subject,
        traceparent=traceparent,
        data=data,
    )


def _header_map(headers: Sequence[tuple[str, bytes]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, raw in headers:
        try:
            # Later duplicates win, as with Kafka's Headers.lastHeader().
            found[name] = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidHeaderError(name, "not UTF-8") from None
    return found


def _required(found: dict[str, str], header: str) -> str:
    text = found.get(header)
    if text is None:
        raise MissingHeaderError(header)
    if not text:
        raise InvalidHeaderError(header, "empty")
    return text


def _optional(found: dict[str, str], header: str) -> str | None:
    return None if header not in found else _required(found, header)


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _parse_time(text: str) -> datetime:
    # The regex insists on an offset; fromisoformat alone would accept a naive time.
    if _RFC3339.fullmatch(text) is None:
        raise InvalidHeaderError(H_TIME, "not an RFC 3339 timestamp with offset")
    try:
        return datetime.fromisoformat(text.upper())
    except ValueError:
        raise InvalidHeaderError(H_TIME, "not a valid date or time") from None


def _data_error(ce_type: str, exc: ValidationError) -> CodecError:
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    if any(error["type"] == "json_invalid" for error in errors):
        return InvalidJsonError(f"value of {ce_type} is not valid JSON: {errors[0]['msg']}")
    return InvalidDataError(ce_type, [(_path(error["loc"]), error["msg"]) for error in errors])


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path or "(root)"


_TRACEPARENT = re.compile(
    r"(?P<version>[0-9a-f]{2})-(?P<trace>[0-9a-f]{32})-(?P<parent>[0-9a-f]{16})"
    r"-(?P<flags>[0-9a-f]{2})(?P<rest>-.*)?"
)


def is_valid_traceparent(value: str) -> bool:
    """W3C Trace Context ``traceparent``: version 00 exactly, later versions may
    append fields; ``ff`` and all-zero trace or parent ids are invalid."""
    match = _TRACEPARENT.fullmatch(value)
    if match is None or match["version"] == "ff":
        return False
    if match["version"] == "00" and match["rest"] is not None:
        return False
    return match["trace"] != "0" * 32 and match["parent"] != "0" * 16
