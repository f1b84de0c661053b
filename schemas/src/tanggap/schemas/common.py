"""Base classes and the value types that events and commands share.

Strictness, and why it differs between events and commands
-----------------------------------------------------------
Every model is frozen and built with ``extra="forbid"``: code that *produces*
a message with a misspelt or unknown field fails at once, in the producer.

On *read* the two kinds differ (see ``Message.extra_on_read``, which the
CloudEvents decoder passes to pydantic):

* events are read with ``extra="ignore"``. An event is a fact that has already
  happened; a consumer deployed before a producer added an optional field must
  keep reading the topic, not dead-letter the new records. The committed JSON
  Schema of an event therefore allows additional properties too.
* commands are read with ``extra="forbid"``. A command asks routing to change
  an incident; a field routing does not understand may carry intent it would
  silently drop, so the command is rejected (``invalid_command``) instead.

Other rules every model follows: datetimes carry a UTC offset (naive ones and
numeric epoch values are refused: a bare number hides its unit and its zone),
floats are finite, ids are lower-case canonical strings.
"""

import re
import secrets
import time
from abc import abstractmethod
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from tanggap.schemas.topic_names import Topic

CE_TYPE_PREFIX = "id.cilegon.tanggap."

# ---------------------------------------------------------------------------
# Scalar types
# ---------------------------------------------------------------------------

_RFC3339 = r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"


def _refuse_epoch_numbers(value: Any) -> Any:
    # pydantic would read 1764470045 as a UTC datetime; a contract field must say
    # its zone explicitly, and other languages would not agree on the unit.
    if isinstance(value, int | float):
        raise ValueError("a timestamp must be an RFC 3339 string with a UTC offset")
    return value


Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(_refuse_epoch_numbers),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": _RFC3339}),
]
"""A timezone-aware instant; serialized as RFC 3339 (``Z`` for UTC)."""

_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
_UUID7 = r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"

Uuid = Annotated[str, StringConstraints(pattern=_UUID)]
"""A UUID in canonical lower-case text form (any version)."""

Uuid7 = Annotated[str, StringConstraints(pattern=_UUID7)]
"""A time-ordered UUIDv7 in canonical lower-case text form (report ids)."""

IncidentId = Uuid
CommandId = Uuid
ReportId = Uuid7

CategoryCode = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=64)
]
"""A catalogue category code, e.g. ``jalan-rusak``, ``banjir``."""

UnitId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9-]*(:[a-z0-9][a-z0-9.-]*)?$", max_length=80),
]
"""A unit id: ``kelurahan:36.72.01.1001``, ``kecamatan:36.72.01``, ``polsek:cibeber``,
``polres:cilegon``, ``command-center``, ``dpupr``, ``pdam:cilegon-mandiri``, ``asdp:merak``."""

KelurahanKode = Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")]
KecamatanKode = Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}\.\d{2}$")]

MediaId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
"""The id intake gave a stored media file."""

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.:-]{0,127}$")]
"""A stable machine identifier (rule ids, feed names, segment ids, ports...)."""

ShortText = Annotated[str, StringConstraints(min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


def uuid7(unix_ms: int | None = None) -> str:
    """A new UUIDv7 (RFC 9562) as text; the standard library has none before 3.14.

    ``unix_ms`` fixes the timestamp part (tests, replays); the rest is random.
    """
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    value = (ms & (2**48 - 1)) << 80 | secrets.randbits(80)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # RFC 9562 variant
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# ---------------------------------------------------------------------------
# Enumerations shared by several messages
# ---------------------------------------------------------------------------


class IncidentStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Privacy(StrEnum):
    """What the reporter allowed: ``anonymous`` hides who reported from the units
    handling it; ``confidential`` also keeps the report off public listings."""

    PUBLIC = "public"
    ANONYMOUS = "anonymous"
    CONFIDENTIAL = "confidential"


class UnitType(StrEnum):
    KELURAHAN = "kelurahan"
    KECAMATAN = "kecamatan"
    POLSEK = "polsek"
    POLRES = "polres"
    COMMAND_CENTER = "command-center"
    OPD = "opd"
    UTILITY = "utility"
    EXTERNAL = "external"


class ActorKind(StrEnum):
    OPERATOR = "operator"
    AGENCY = "agency"
    CITIZEN = "citizen"
    SYSTEM = "system"


class RejectionReasonCode(StrEnum):
    """Why a unit refuses an incident (command ``reject``, event ``incident.rejected``)."""

    DUPLICATE = "duplicate"
    NOT_OUR_AUTHORITY = "not_our_authority"
    INVALID = "invalid"


def check_rejection_details(
    reason: RejectionReasonCode, duplicate_of: str | None, has_suggestion: bool
) -> None:
    """The pairing rules the reject command and the rejected event share."""
    if (reason is RejectionReasonCode.DUPLICATE) != (duplicate_of is not None):
        raise ValueError("duplicate_of is set if and only if reason_code is 'duplicate'")
    if has_suggestion and reason is not RejectionReasonCode.NOT_OUR_AUTHORITY:
        raise ValueError("a suggested unit only goes with reason_code 'not_our_authority'")


# ---------------------------------------------------------------------------
# Value objects
# ---------------------------------------------------------------------------


class Value(BaseModel):
    """Base of every contract model: immutable, no unknown fields, finite floats."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


Latitude = Annotated[float, Field(ge=-90, le=90, description="WGS84 latitude, degrees")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="WGS84 longitude, degrees")]


class GeoPoint(Value):
    """A WGS84 point."""

    lat: Latitude
    lon: Longitude


class Location(Value):
    """Where a citizen says the problem is, with the device's accuracy if known."""

    lat: Latitude
    lon: Longitude
    accuracy_m: float | None = Field(default=None, ge=0)

    @property
    def point(self) -> GeoPoint:
        return GeoPoint(lat=self.lat, lon=self.lon)


class KelurahanRef(Value):
    kode: KelurahanKode
    name: ShortText


class KecamatanRef(Value):
    kode: KecamatanKode
    name: ShortText


class AreaRef(Value):
    """The kelurahan and kecamatan a point lies in (Kemendagri codes)."""

    kelurahan: KelurahanRef
    kecamatan: KecamatanRef

    @model_validator(mode="after")
    def _kelurahan_in_kecamatan(self) -> Self:
        if not self.kelurahan.kode.startswith(self.kecamatan.kode + "."):
            raise ValueError(
                f"kelurahan {self.kelurahan.kode} is not in kecamatan {self.kecamatan.kode}"
            )
        return self


# Utilities and outside bodies are "<org>:<branch>", never under a prefix of ours.
_ORG_BRANCH = re.compile(r"(?!(kelurahan|kecamatan|polsek|polres):)[a-z][a-z0-9-]*:[a-z0-9-]+")
_UNIT_ID_SHAPES: dict[UnitType, re.Pattern[str]] = {
    UnitType.KELURAHAN: re.compile(r"kelurahan:\d{2}\.\d{2}\.\d{2}\.\d{4}"),
    UnitType.KECAMATAN: re.compile(r"kecamatan:\d{2}\.\d{2}\.\d{2}"),
    UnitType.POLSEK: re.compile(r"polsek:[a-z0-9-]+"),
    UnitType.POLRES: re.compile(r"polres:[a-z0-9-]+"),
    UnitType.COMMAND_CENTER: re.compile(r"command-center"),
    UnitType.OPD: re.compile(r"(?!command-center$)[a-z][a-z0-9-]*"),
    UnitType.UTILITY: _ORG_BRANCH,
    UnitType.EXTERNAL: _ORG_BRANCH,
}


class UnitRef(Value):
    """A unit that can hold an incident, with the name shown to people."""

    id: UnitId
    type: UnitType
    name: ShortText

    @model_validator(mode="after")
    def _id_matches_type(self) -> Self:
        # A mismatch (type "opd" with id "kelurahan:...") is always a bug upstream.
        if not _UNIT_ID_SHAPES[self.type].fullmatch(self.id):
            raise ValueError(f"unit id {self.id!r} does not fit unit type {self.type.value!r}")
        return self


class Actor(Value):
    """Who did something.

    ``id`` is pseudonymous: an operator's account id, an agency system's id, the
    report id a citizen acts through, or a service name (``routing``) for the
    system. Never a name, phone number, e-mail address or tracking token, because
    incident events reach every unit involved.
    """

    kind: ActorKind
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
    unit_id: UnitId | None = None
    role: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")] | None = None

    @model_validator(mode="after")
    def _unit_when_acting_for_one(self) -> Self:
        if self.kind in (ActorKind.OPERATOR, ActorKind.AGENCY) and self.unit_id is None:
            raise ValueError(f"an actor of kind {self.kind.value!r} acts for a unit: set unit_id")
        if self.kind is ActorKind.CITIZEN and (self.unit_id or self.role):
            raise ValueError("a citizen actor has no unit_id and no role")
        return self


class SlaDeadlines(Value):
    """When the next steps are due. ``resolve_by`` is None where the catalogue gives
    no resolution time (resolution outside the platform: PLN, PDAM, responders)."""

    acknowledge_by: Timestamp
    first_action_by: Timestamp
    resolve_by: Timestamp | None = None


# ---------------------------------------------------------------------------
# Messages: what travels on Kafka as a CloudEvent
# ---------------------------------------------------------------------------


class Message(Value):
    """An event or a command: one CloudEvents type, one topic, one partition key."""

    ce_type: ClassVar[str]
    topic: ClassVar[Topic]
    extra_on_read: ClassVar[Literal["ignore", "forbid"]]

    @abstractmethod
    def partition_key(self) -> str:
        """The Kafka record key: records with the same key stay in order."""


class Event(Message):
    """Something that happened. Read leniently: unknown fields are ignored."""

    extra_on_read: ClassVar[Literal["ignore", "forbid"]] = "ignore"


class Command(Message):
    """A request to routing to change an incident. Read strictly."""

    extra_on_read: ClassVar[Literal["ignore", "forbid"]] = "forbid"
    topic: ClassVar[Topic] = Topic.INCIDENT_COMMANDS

    command_id: CommandId = Field(description="Chosen by the sender; the idempotency key")
    incident_id: IncidentId
    actor: Actor
    issued_at: Timestamp

    def partition_key(self) -> str:
        return self.incident_id
