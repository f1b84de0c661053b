"""The latest state of one incident: the value on the compacted ``incidents.state``.

Agency adapters read this topic to deliver incidents into agencies' systems, so
it carries no personal data and no citizen-written text: no reporter, and no
report descriptions or addresses (citizens write names, phone numbers and house
details into them). A handler who needs the citizen's words asks through the
dashboard, where access is per role and logged. ``description_public`` is only
the text the command center or an adapter wrote for the public.
"""

from typing import Annotated, ClassVar, Self

from pydantic import Field, StringConstraints, model_validator

from tanggap.schemas.common import (
    CE_TYPE_PREFIX,
    AreaRef,
    CategoryCode,
    Event,
    GeoPoint,
    IncidentId,
    IncidentStatus,
    LongText,
    Priority,
    ReportId,
    SlaDeadlines,
    Timestamp,
    UnitId,
    UnitRef,
)
from tanggap.schemas.topic_names import Topic


class IncidentSnapshot(Event):
    """The whole incident after its event number ``sequence``."""

    ce_type: ClassVar[str] = CE_TYPE_PREFIX + "incident.state"
    topic: ClassVar[Topic] = Topic.INCIDENTS_STATE

    incident_id: IncidentId
    category: CategoryCode
    status: IncidentStatus
    priority: Priority
    location: GeoPoint
    area: AreaRef
    owner: UnitRef
    handler: UnitRef
    copied: list[UnitRef]
    report_count: int = Field(ge=0, description="0 for an incident opened by command")
    report_ids: list[ReportId]
    opened_at: Timestamp
    acknowledged_at: Timestamp | None = None
    first_action_at: Timestamp | None = None
    resolved_at: Timestamp | None = None
    closed_at: Timestamp | None = None
    sla: SlaDeadlines
    handler_sla: SlaDeadlines | None = None
    escalation_level: int = Field(ge=0)
    reassign_count: int = Field(ge=0)
    external_refs: dict[UnitId, Annotated[str, StringConstraints(min_length=1, max_length=128)]]
    description_public: LongText | None = None
    sequence: int = Field(ge=1)
    updated_at: Timestamp

    @model_validator(mode="after")
    def _counts_agree(self) -> Self:
        if self.report_count != len(self.report_ids):
            raise ValueError(
                f"report_count {self.report_count} != {len(self.report_ids)} report_ids"
            )
        return self

    def partition_key(self) -> str:
        return self.incident_id
