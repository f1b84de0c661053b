"""Which model each CloudEvents type names, and back.

The registry is the one list of every message of the contract: the codec, the
generators, the compatibility check and the topic files all start from it.
"""

from tanggap.schemas.commands import (
    AcknowledgeIncident,
    CommentIncident,
    LinkExternalReference,
    OpenIncident,
    ReassignIncident,
    RejectIncident,
    ReopenIncident,
    ResolveIncident,
    StartIncident,
)
from tanggap.schemas.common import Message
from tanggap.schemas.events import (
    CommandRejected,
    DeadLetterReplayed,
    DeliveryStateRecorded,
    DeliveryUpdated,
    EarthquakeIncidentRecorded,
    EarthquakeObserved,
    FeedStatusChanged,
    IncidentAcknowledged,
    IncidentAssigned,
    IncidentClosed,
    IncidentCommented,
    IncidentEscalated,
    IncidentOpened,
    IncidentReferenceLinked,
    IncidentRejected,
    IncidentReopened,
    IncidentReportAttached,
    IncidentResolved,
    IncidentSnapshot,
    IncidentStatusChanged,
    PortStatusObserved,
    ReportRejected,
    ReportRouted,
    ReportSubmitted,
    TrafficConditionObserved,
)
from tanggap.schemas.topic_names import Topic

MODELS: tuple[type[Message], ...] = (
    ReportSubmitted,
    ReportRouted,
    ReportRejected,
    IncidentOpened,
    IncidentReportAttached,
    IncidentAssigned,
    IncidentAcknowledged,
    IncidentStatusChanged,
    IncidentEscalated,
    IncidentResolved,
    IncidentClosed,
    IncidentReopened,
    IncidentCommented,
    IncidentRejected,
    IncidentReferenceLinked,
    CommandRejected,
    IncidentSnapshot,
    AcknowledgeIncident,
    StartIncident,
    ResolveIncident,
    RejectIncident,
    ReassignIncident,
    CommentIncident,
    ReopenIncident,
    LinkExternalReference,
    OpenIncident,
    DeliveryUpdated,
    FeedStatusChanged,
    TrafficConditionObserved,
    PortStatusObserved,
    EarthquakeObserved,
    DeliveryStateRecorded,
    EarthquakeIncidentRecorded,
    DeadLetterReplayed,
)

EVENT_TYPES: dict[str, type[Message]] = {model.ce_type: model for model in MODELS}
"""CloudEvents type -> model, for every event and command."""

TYPE_OF_MODEL: dict[type[Message], str] = {model: model.ce_type for model in MODELS}
"""Model -> CloudEvents type."""

MODELS_BY_TOPIC: dict[Topic, tuple[type[Message], ...]] = {
    topic: tuple(model for model in MODELS if model.topic is topic) for topic in Topic
}
"""The message types each topic carries (empty for dead-letter topics)."""

if len(EVENT_TYPES) != len(MODELS):  # pragma: no cover - guards a copy-paste slip
    raise RuntimeError("two models share one CloudEvents type")
