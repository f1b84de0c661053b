"""A routing process killed with SIGKILL in the middle of a stream of reports,
between producing a batch's outputs and committing them, and then restarted
with the same instance id: a read_committed reader sees every report routed
exactly once and one incident per cluster of nearby reports -- no duplicate."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from routing_testkit import Sender, Topics, envelopes, interior_points, moved, report

import tanggap.schemas.events as ce
from tanggap.streaming.testing import read_all

pytestmark = pytest.mark.integration
WORKER = Path(__file__).with_name("routing_crash_worker.py")
CATEGORIES = ("jalan-rusak", "sampah", "penerangan-jalan")
OFFSETS_M = ((0, 0), (25, 10), (-15, 30))


def environment(topics: Topics, bootstrap: str) -> dict[str, str]:
    env = {
        "TANGGAP_ROUTING_KAFKA_BOOTSTRAP": bootstrap,
        "TANGGAP_ROUTING_ENVIRONMENT": "test",
        "TANGGAP_ROUTING_INSTANCE_ID": "kill-test",
        "TANGGAP_ROUTING_GROUP_ID": topics.names["group"],
        "TANGGAP_ROUTING_MAX_BATCH": "5",
        "TANGGAP_ROUTING_SESSION_TIMEOUT_MS": "6000",
        "TANGGAP_ROUTING_HEARTBEAT_INTERVAL_MS": "1000",
    }
    for kind, name in topics.names.items():
        if kind != "group":
            env[f"TANGGAP_ROUTING_TOPIC_{kind.upper()}"] = name
    return {**os.environ, **env}


async def start_worker(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(WORKER),
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def test_a_killed_worker_leaves_every_report_routed_exactly_once(
    topics: Topics, kafka_bootstrap: str
) -> None:
    clusters = [(c, p) for c in CATEGORIES for p in interior_points(6)]
    cluster_of: dict[str, int] = {}
    async with Sender(kafka_bootstrap) as sender:
        for east, north in OFFSETS_M:
            for i, (category, point) in enumerate(clusters):
                filed = report(category, moved(point, east, north))
                cluster_of[filed.report_id] = i
                await sender.send(topics.names["reports_submitted"], filed)
    env = environment(topics, kafka_bootstrap)

    crashed = await start_worker(env, "--crash-after", "20")
    output, _ = await asyncio.wait_for(crashed.communicate(), 120)
    assert crashed.returncode == -signal.SIGKILL, output.decode()[-3000:]

    restarted = await start_worker(env)
    try:
        routed = await read_all(
            kafka_bootstrap, topics.names["reports_routed"], expect=len(cluster_of), timeout_s=90
        )
    finally:
        restarted.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(restarted.communicate(), 60)
    assert restarted.returncode == 0, output.decode()[-3000:]

    uncommitted = await read_all(
        kafka_bootstrap, topics.names["reports_routed"], isolation_level="read_uncommitted"
    )
    committed = [e.data for e in await envelopes(kafka_bootstrap, topics.names["reports_routed"])]
    assert len(routed) == len(committed) == len(cluster_of)
    # The kill came after produce: aborted outputs are in the log, unseen by readers.
    assert len(uncommitted) > len(committed)
    assert Counter(e.report_id for e in committed) == Counter(dict.fromkeys(cluster_of, 1))

    incident_of_cluster: dict[int, set[str]] = defaultdict(set)
    for event in committed:
        assert isinstance(event, ce.ReportRouted)
        incident_of_cluster[cluster_of[event.report_id]].add(event.incident_id)
    assert all(len(ids) == 1 for ids in incident_of_cluster.values())
    assert len({i for ids in incident_of_cluster.values() for i in ids}) == len(clusters)

    incidents = [e.data for e in await envelopes(kafka_bootstrap, topics.names["incidents"])]
    opened = [e for e in incidents if isinstance(e, ce.IncidentOpened)]
    attached = [e for e in incidents if isinstance(e, ce.IncidentReportAttached)]
    assert (len(opened), len(attached)) == (len(clusters), len(cluster_of) - len(clusters))
    sequences: dict[str, list[int]] = defaultdict(list)
    for event in incidents:
        sequences[event.incident_id].append(event.sequence)
    assert all(seq == [1, 2, 3] for seq in sequences.values())
