"""The agency adapters' own memory, on the compacted ``agency.adapter_state``:
what was delivered to which agency (and the agency's reference and last
status), which earthquakes already opened an incident, and which dead letters
were replayed. Read back from the start when the service starts, so a restart
neither delivers twice nor opens an earthquake incident twice. Only the
agency adapters read it."""

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints

from tanggap.schemas.common import (
    CE_TYPE_PREFIX,
    Event,
    IncidentId,
    IncidentStatus,
    Latitude,
    Longitude,
    Slug,
    Timestamp,
    UnitId,
)
from tanggap.schemas.topic_names import Topic

_AGENCY = CE_TYPE_PREFIX + "agency."

AgencyReference = Annotated[str, StringConstraints(min_length=1, max_length=128)]
AdapterName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,39}$")]


class AgencyCaseStatus(StrEnum):
    """An agency's case status in Tanggap's words (each adapter maps its own)."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class DeliveryStateRecorded(Event):
    """Where one incident stands at one agency adapter (the latest wins)."""

    ce_type: ClassVar[str] = _AGENCY + "delivery_state_recorded"
    topic: ClassVar[Topic] = Topic.AGENCY_ADAPTER_STATE

    adapter: AdapterName
    incident_id: IncidentId
    unit_id: UnitId = Field(description="The unit the agency acts as for this incident")
    sequence: int = Field(ge=1, description="Last incident snapshot sequence taken into account")
    fingerprint: Annotated[str, StringConstraints(min_length=1, max_length=400)]
    incident_status: IncidentStatus
    delivered_sequence: int | None = Field(default=None, ge=1)
    agency_reference: AgencyReference | None = None
    agency_status: AgencyCaseStatus | None = None
    revision: int = Field(ge=1, description="Grows by one per write of this record")
    at: Timestamp

    def partition_key(self) -> str:
        return f"delivery:{self.adapter}:{self.incident_id}"


class EarthquakeIncidentRecorded(Event):
    """An incident was opened for this earthquake: never open another."""

    ce_type: ClassVar[str] = _AGENCY + "earthquake_incident_recorded"
    topic: ClassVar[Topic] = Topic.AGENCY_ADAPTER_STATE

    event_key: Slug
    incident_id: IncidentId
    origin_time: Timestamp
    lat: Latitude
    lon: Longitude
    magnitude: float = Field(ge=0, le=10)
    reason: Slug
    at: Timestamp

    def partition_key(self) -> str:
        return f"earthquake:{self.event_key}"


class ReplayOutcome(StrEnum):
    DELIVERED = "delivered"
    SUPERSEDED = "superseded"


class DeadLetterReplayed(Event):
    """A dead-lettered delivery was replayed (or found superseded): not again."""

    ce_type: ClassVar[str] = _AGENCY + "dead_letter_replayed"
    topic: ClassVar[Topic] = Topic.AGENCY_ADAPTER_STATE

    partition: int = Field(ge=0)
    offset: int = Field(ge=0)
    adapter: AdapterName
    incident_id: IncidentId
    outcome: ReplayOutcome
    agency_reference: AgencyReference | None = None
    at: Timestamp

    def partition_key(self) -> str:
        return f"deadletter:{self.partition}:{self.offset}"
