"""Topic files: the real ones load; each kind of mistake is refused."""

import shutil
from pathlib import Path

import pytest
import yaml

from tanggap.schemas.topics import (
    CO_PARTITIONED,
    PERSONAL_DATA_READERS,
    Service,
    Topic,
    TopicFileError,
    load_topics,
)

TOPICS_DIR = Path(__file__).resolve().parents[1] / "topics"
YEAR_MS = 365 * 24 * 3600 * 1000
MONTH_MS = 30 * 24 * 3600 * 1000


def test_every_topic_has_a_valid_file() -> None:
    specs = load_topics()
    assert list(specs) == list(Topic)
    for topic in CO_PARTITIONED:
        assert specs[topic].partitions == 6
    assert specs[Topic.REPORTS_ROUTED].partitions == 6
    assert specs[Topic.REPORTS_SUBMITTED].partitions == 6


def test_retention_and_compaction() -> None:
    specs = load_topics()
    assert specs[Topic.REPORTS_SUBMITTED].config.retention_ms == -1
    assert specs[Topic.INCIDENTS].config.retention_ms == YEAR_MS
    assert specs[Topic.AGENCY_DISHUB_TRAFFIC].config.retention_ms == MONTH_MS
    state = specs[Topic.INCIDENTS_STATE].config.as_kafka_config()
    assert state["cleanup.policy"] == "compact"
    assert int(state["segment.ms"]) <= 3_600_000
    assert "min.compaction.lag.ms" in state
    assert all(isinstance(value, str) for value in state.values())


def test_personal_data_stays_with_intake_routing_and_dashboard() -> None:
    specs = load_topics()
    assert specs[Topic.REPORTS_SUBMITTED].personal_data
    assert not specs[Topic.INCIDENTS_STATE].personal_data
    for spec in specs.values():
        if spec.personal_data:
            assert set(spec.consumers) <= PERSONAL_DATA_READERS
    assert Service.AGENCY_ADAPTERS in specs[Topic.INCIDENTS_STATE].consumers


def _broken(tmp_path: Path, topic: str, **changes: object) -> Path:
    shutil.copytree(TOPICS_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / f"{topic}.yaml"
    data = yaml.safe_load(path.read_text())
    for key, value in changes.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data))
    return tmp_path


@pytest.mark.parametrize(
    ("topic", "changes", "message"),
    [
        ("reports.submitted", {"consumers": ["routing", "agency-adapters"]}, "personal data"),
        (
            "incidents.state",
            {"config": {"cleanup.policy": "compact", "retention.ms": -1}},
            "segment.ms",
        ),
        ("incidents", {"events": ["id.cilegon.tanggap.incident.vanished"]}, "unknown event type"),
        (
            "incidents",
            {"events": ["id.cilegon.tanggap.report.routed"]},
            "belongs on reports.routed",
        ),
        ("reports.routed", {"events": ["id.cilegon.tanggap.report.routed"]}, "does not list"),
        ("incidents.state", {"partitions": 12}, "equal partition counts"),
        ("incidents", {"owner": "billing"}, "owner"),
        ("incidents", {"retention": 5}, "Extra inputs"),
        (
            "incidents",
            {"config": {"cleanup.policy": "delete", "retention.ms": 0}},
            "retention.ms 0",
        ),
        ("incidents", {"key": None}, "key: Field required"),
    ],
)
def test_mistakes_are_refused(
    tmp_path: Path, topic: str, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(TopicFileError, match=message):
        load_topics(_broken(tmp_path, topic, **changes))


def test_missing_misnamed_and_unparsable_files(tmp_path: Path) -> None:
    shutil.copytree(TOPICS_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "incidents.yaml").rename(tmp_path / "incident.yaml")
    (tmp_path / "agency.feed_status.yaml").write_text("name: [unclosed")
    with pytest.raises(TopicFileError) as caught:
        load_topics(tmp_path)
    text = str(caught.value)
    assert "incident.yaml: file name must be incidents.yaml" in text
    assert "agency.feed_status.yaml: not YAML" in text
    assert "no topic file for agency.feed_status" in text
