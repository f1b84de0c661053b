"""Two routing instances in one consumer group, the second joining in the middle
of the stream: reports that should merge still merge into one incident each,
and a command reaches its incident's single writer whichever instance reads it."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import pytest
from routing_testkit import (
    Sender,
    Topics,
    acknowledge,
    envelopes,
    interior_points,
    moved,
    report,
    running_worker,
    wait_for,
)

import tanggap.schemas.events as ce
from tanggap.routing.adapters.topics import partition_for
from tanggap.routing.worker import RoutingWorker
from tanggap.schemas.events import ReportSubmitted

pytestmark = pytest.mark.integration
CATEGORIES = ("jalan-rusak", "sampah", "banjir", "penerangan-jalan", "pohon-tumbang")


async def both_own_partitions(a: RoutingWorker, b: RoutingWorker) -> None:
    """The rebalance is over: the instances split the partitions between them."""
    for _ in range(200):
        mine, theirs = a.processor.owned, b.processor.owned
        if mine and theirs and not mine & theirs and len(mine | theirs) == 3:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"partitions not split: {a.processor.owned} / {b.processor.owned}")


def routed_count(n: int) -> Any:
    return lambda es: len(es) >= n


async def test_two_instances_dedup_and_single_writer(topics: Topics, kafka_bootstrap: str) -> None:
    clusters = [(c, p) for c in CATEGORIES for p in interior_points(3)]
    cluster_of: dict[str, int] = {}

    def wave(offset: tuple[float, float]) -> list[ReportSubmitted]:
        reports = []
        for i, (category, point) in enumerate(clusters):
            filed = report(category, moved(point, *offset))
            cluster_of[filed.report_id] = i
            reports.append(filed)
        return reports

    submitted, routed = topics.names["reports_submitted"], topics.names["reports_routed"]
    first = topics.settings(kafka_bootstrap, instance_id="two-a")
    second = topics.settings(kafka_bootstrap, instance_id="two-b")
    async with Sender(kafka_bootstrap) as sender, running_worker(first) as a:
        for filed in wave((0, 0)):
            await sender.send(submitted, filed)
        await wait_for(kafka_bootstrap, routed, routed_count(len(clusters)))
        async with running_worker(second) as b:
            await both_own_partitions(a, b)
            owned_by_a = set(a.processor.owned)
            for offset in ((30, 20), (-20, 35)):
                for filed in wave(offset):
                    await sender.send(submitted, filed)
            found = await wait_for(kafka_bootstrap, routed, routed_count(len(cluster_of)))
            incidents = {e.data.incident_id for e in found}
            owners = {e.data.incident_id: e.data.owner.id for e in found if not e.data.merged}
            acks = [acknowledge(i, owners[i]) for i in sorted(incidents)]
            for ack in acks:
                await sender.send(topics.names["incident_commands"], ack)
            wanted = {a.command_id for a in acks}
            await wait_for(
                kafka_bootstrap,
                topics.names["incidents"],
                lambda es: wanted <= {getattr(e.data, "command_id", None) for e in es},
            )

    decisions = [e.data for e in found]
    assert len(decisions) == len(cluster_of)
    per_cluster: dict[int, set[str]] = defaultdict(set)
    for decision in decisions:
        assert isinstance(decision, ce.ReportRouted)
        per_cluster[cluster_of[decision.report_id]].add(decision.incident_id)
    assert all(len(ids) == 1 for ids in per_cluster.values())
    assert len(incidents) == len(clusters)

    events = [e.data for e in await envelopes(kafka_bootstrap, topics.names["incidents"])]
    acknowledged = [e for e in events if isinstance(e, ce.IncidentAcknowledged)]
    assert sorted(e.command_id for e in acknowledged) == sorted(wanted)
    assert all(e.sequence == 4 for e in acknowledged)  # opened, two reports attached, ack
    assert not [e for e in events if isinstance(e, ce.CommandRejected)]
    # Some commands were read by the instance that does not write their incident.
    category = {e.incident_id: e.category for e in events if isinstance(e, ce.IncidentOpened)}
    crossed = [
        i
        for i in incidents
        if (partition_for(i, 3) in owned_by_a) != (partition_for(category[i], 3) in owned_by_a)
    ]
    assert crossed
