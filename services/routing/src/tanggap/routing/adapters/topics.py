"""Routing's own topics, created by routing itself at start (as Kafka Streams
creates its internal topics), and where a key lands.

- the **command inbox** (``routing.command-inbox``): commands re-keyed by their
  incident's area key (its category) and timer ticks, so that they reach the
  instance that owns the category, which is the incident's single writer;
- the **changelog** (``routing.incident-changelog``, compacted): the whole
  incident aggregate after each change, from which every instance rebuilds its
  state (docs/adr/0020).

The inbox must have as many partitions as ``reports.submitted``: with the range
assignor, partition *p* of both topics goes to the same instance, and the default
partitioner puts a key in the same partition number of both.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.partitioner import murmur2

from tanggap.routing.settings import Settings
from tanggap.streaming.admin import TopicSpec, ensure_topics

UNKNOWN_TOPIC_OR_PARTITION = 3
INBOX_RETENTION_MS = 7 * 24 * 3600 * 1000


class TopicLayoutError(RuntimeError):
    """The topics do not have the layout routing's partitioning relies on."""


@dataclass(frozen=True, slots=True)
class Layout:
    #: partitions of reports.submitted and of the command inbox
    partitions: int


def partition_for(key: str, partitions: int) -> int:
    """The partition Kafka's default partitioner (murmur2) gives ``key``."""
    hashed: int = murmur2(key.encode())
    return (hashed & 0x7FFFFFFF) % partitions


async def partition_counts(bootstrap: str, topics: list[str]) -> dict[str, int]:
    """Partitions per existing topic (missing topics are left out)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="routing-admin")
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return {
        t["topic"]: len(t["partitions"])
        for t in described
        if t["error_code"] != UNKNOWN_TOPIC_OR_PARTITION and t["partitions"]
    }


async def ensure_routing_topics(settings: Settings) -> Layout:
    """Create the inbox and the changelog if missing; check the inbox's partitions."""
    reports = settings.topic_reports_submitted
    counts = await partition_counts(settings.kafka_bootstrap, [reports])
    if reports not in counts:
        raise TopicLayoutError(f"{reports} does not exist (deploy/local/topics.py creates it)")
    partitions = counts[reports]
    await ensure_topics(
        settings.kafka_bootstrap,
        [
            TopicSpec(
                name=settings.topic_command_inbox,
                partitions=partitions,
                config={"cleanup.policy": "delete", "retention.ms": str(INBOX_RETENTION_MS)},
            ),
            TopicSpec(
                name=settings.topic_changelog,
                partitions=partitions,
                config={"cleanup.policy": "compact", "min.cleanable.dirty.ratio": "0.1"},
            ),
        ],
    )
    inbox = await partition_counts(settings.kafka_bootstrap, [settings.topic_command_inbox])
    if inbox.get(settings.topic_command_inbox) != partitions:
        raise TopicLayoutError(
            f"{settings.topic_command_inbox} has {inbox.get(settings.topic_command_inbox)} "
            f"partitions, {reports} has {partitions}: they must match (docs/adr/0020)"
        )
    return Layout(partitions=partitions)
