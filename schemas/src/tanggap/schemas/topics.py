"""Topic files (``schemas/topics/<name>.yaml``): one per topic, loaded and checked.

A topic file says who writes and reads the topic, what its key is, which event
types it carries, how many partitions it has, whether it holds personal data,
and its Kafka configuration. ``deploy/`` creates topics from them and the
AsyncAPI document is generated from them.

``load_topics`` refuses files that contradict the models or the privacy rule:
only intake, routing and dashboard-api may read a topic with personal data (the
Kafka ACLs are derived from ``consumers``).
"""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from tanggap.schemas._paths import topics_dir
from tanggap.schemas.registry import EVENT_TYPES, MODELS_BY_TOPIC
from tanggap.schemas.topic_names import Topic

__all__ = ["Service", "Topic", "TopicConfig", "TopicFileError", "TopicSpec", "load_topics"]


class Service(StrEnum):
    INTAKE = "intake"
    ROUTING = "routing"
    AGENCY_ADAPTERS = "agency-adapters"
    DASHBOARD_API = "dashboard-api"


PERSONAL_DATA_READERS = frozenset({Service.INTAKE, Service.ROUTING, Service.DASHBOARD_API})

# incident.commands, incidents and incidents.state are all keyed by incident id;
# with equal partition counts one incident's records share a partition number,
# so routing's instance for a command also owns that incident's state.
CO_PARTITIONED = (Topic.INCIDENT_COMMANDS, Topic.INCIDENTS, Topic.INCIDENTS_STATE)


class CleanupPolicy(StrEnum):
    DELETE = "delete"
    COMPACT = "compact"
    COMPACT_DELETE = "compact,delete"


Millis = Annotated[int, Field(ge=-1)]


class TopicConfig(BaseModel):
    """The Kafka topic configuration we set; keys are Kafka's own names."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    cleanup_policy: CleanupPolicy = Field(alias="cleanup.policy")
    retention_ms: Millis = Field(alias="retention.ms", description="-1: keep forever")
    min_compaction_lag_ms: Millis | None = Field(default=None, alias="min.compaction.lag.ms")
    segment_ms: int | None = Field(default=None, gt=0, alias="segment.ms")
    delete_retention_ms: int | None = Field(default=None, ge=0, alias="delete.retention.ms")
    min_cleanable_dirty_ratio: float | None = Field(
        default=None, gt=0, le=1, alias="min.cleanable.dirty.ratio"
    )

    @model_validator(mode="after")
    def _sane(self) -> Self:
        if self.retention_ms == 0:
            raise ValueError("retention.ms 0 would delete everything; -1 keeps forever")
        if self.cleanup_policy is not CleanupPolicy.DELETE and (
            self.min_compaction_lag_ms is None or self.segment_ms is None
        ):
            # Kafka compacts only closed segments: without a short segment.ms a
            # compacted topic keeps every version for the default 7 days.
            raise ValueError("a compacted topic sets min.compaction.lag.ms and segment.ms")
        return self

    def as_kafka_config(self) -> dict[str, str]:
        """For the admin client's ``NewTopic(topic_configs=...)``."""
        values = self.model_dump(by_alias=True, exclude_none=True, mode="json")
        return {key: str(value) for key, value in values.items()}


class TopicSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Topic
    description: Annotated[str, StringConstraints(min_length=1)]
    owner: Service = Field(description="Answers for the topic's contract")
    producers: list[Service] = Field(min_length=1)
    consumers: list[Service]
    key: Annotated[str, StringConstraints(min_length=1)] = Field(description="What the key is")
    events: list[str] = Field(description="CloudEvents types; empty for dead-letter topics")
    partitions: int = Field(ge=1, le=64)
    personal_data: bool
    config: TopicConfig

    @model_validator(mode="after")
    def _privacy(self) -> Self:
        if self.personal_data:
            forbidden = sorted(set(self.consumers) - PERSONAL_DATA_READERS)
            if forbidden:
                raise ValueError(f"personal data may not be read by {', '.join(forbidden)}")
        return self


class TopicFileError(ValueError):
    """One or more topic files are wrong; the message lists every problem."""


def load_topics(directory: Path | None = None) -> dict[Topic, TopicSpec]:
    """Load and check every topic file; raise ``TopicFileError`` listing all problems."""
    folder = topics_dir() if directory is None else directory
    problems: list[str] = []
    specs: dict[Topic, TopicSpec] = {}
    for path in sorted(folder.glob("*.yaml")):
        spec = _load_one(path, problems)
        if spec is not None:
            specs[spec.name] = spec
    problems += [f"no topic file for {topic}" for topic in Topic if topic not in specs]
    for spec in specs.values():
        problems += _event_problems(spec)
    counts = {specs[topic].partitions for topic in CO_PARTITIONED if topic in specs}
    if len(counts) > 1:
        problems.append(f"{', '.join(CO_PARTITIONED)} must have equal partition counts")
    if problems:
        raise TopicFileError("invalid topic files:\n  " + "\n  ".join(problems))
    return {topic: specs[topic] for topic in Topic}


def _load_one(path: Path, problems: list[str]) -> TopicSpec | None:
    try:
        spec = TopicSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: not YAML: {exc}")
        return None
    except ValidationError as exc:
        for error in exc.errors(include_url=False, include_input=False):
            where = ".".join(str(part) for part in error["loc"]) or "(root)"
            problems.append(f"{path.name}: {where}: {error['msg']}")
        return None
    if path.stem != spec.name:
        problems.append(f"{path.name}: file name must be {spec.name}.yaml")
    return spec


def _event_problems(spec: TopicSpec) -> list[str]:
    problems = []
    for ce_type in spec.events:
        model = EVENT_TYPES.get(ce_type)
        if model is None:
            problems.append(f"{spec.name}: unknown event type {ce_type}")
        elif model.topic is not spec.name:
            problems.append(f"{spec.name}: {ce_type} belongs on {model.topic}")
    for model in MODELS_BY_TOPIC[spec.name]:
        if model.ce_type not in spec.events:
            problems.append(f"{spec.name}: does not list {model.ce_type}")
    return problems
