"""SLA timers survive a restart: a routing worker started with its clock past an
incident's acknowledge deadline -- the incident known only from the changelog
the previous worker wrote -- escalates it once, to the next level."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from routing_testkit import (
    Sender,
    Topics,
    envelopes,
    interior_points,
    report,
    running_worker,
    wait_for,
)

import tanggap.schemas.events as ce
from tanggap.routing.processor import Clock

pytestmark = pytest.mark.integration


def shifted(hours: float) -> Clock:
    return lambda: datetime.now(UTC) + timedelta(hours=hours)


async def test_escalation_fires_after_a_restart_once_the_deadline_passed(
    topics: Topics, kafka_bootstrap: str
) -> None:
    settings = topics.settings(kafka_bootstrap)
    filed = report("jalan-rusak", interior_points(1)[0])
    async with running_worker(settings), Sender(kafka_bootstrap) as sender:
        await sender.send(topics.names["reports_submitted"], filed)
        found = await wait_for(kafka_bootstrap, topics.names["reports_routed"], lambda es: es)
    decision = found[0].data
    assert isinstance(decision, ce.ReportRouted)
    incident_id = decision.incident_id

    def escalated(es: list[Any]) -> bool:
        return any(isinstance(e.data, ce.IncidentEscalated) for e in es)

    # jalan-rusak: acknowledge within PT24H, first action within P3D.
    async with running_worker(settings, clock=shifted(25)) as worker:
        assert worker.store.get(incident_id) is not None  # rebuilt from the changelog
        await wait_for(kafka_bootstrap, topics.names["incidents"], escalated)
        after_first = worker.store.get(incident_id)
        await _settle(worker)
        assert worker.store.get(incident_id) == after_first

    events = [e.data for e in await envelopes(kafka_bootstrap, topics.names["incidents"])]
    escalations = [e for e in events if isinstance(e, ce.IncidentEscalated)]
    assert len(escalations) == 1
    [up] = escalations
    assert (up.incident_id, up.clock, up.level) == (incident_id, ce.EscalationClock.ACKNOWLEDGE, 1)
    assert up.from_unit == decision.owner
    assert up.to_unit.id == "command-center"  # a kecamatan's parent
    assert up.by.role == "sla_timer"
    assert up.sla.acknowledge_by > datetime.now(UTC) + timedelta(hours=25)
    states = [
        e.data
        for e in await envelopes(kafka_bootstrap, topics.names["incidents_state"])
        if e.data.incident_id == incident_id
    ]
    assert (states[-1].escalation_level, states[-1].owner.id) == (1, "command-center")


async def _settle(worker: Any) -> None:
    """Let several timer polls pass: a deadline escalates once, however often it is seen."""
    await asyncio.sleep(10 * worker.settings.timer_poll_s)
