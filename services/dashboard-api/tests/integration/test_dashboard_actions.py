"""Operator actions end to end: HTTP -> command on the real broker -> routing's
answer (played by the test kit's stand-in) -> projected -> the HTTP answer.
Routing's refusal comes back as an error with its reason code; no answer in
time comes back as 'pending', never as success."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from dashboard_testkit import Routing, Scenario, count, load_areas, login, produce, settings_for
from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard.domain.roles import Role
from tanggap.dashboard.main import create_app
from tanggap.dashboard.service.actions import ActionService
from tanggap.streaming import EventProducer

pytestmark = pytest.mark.integration

PASSWORD = "kata-sandi-uji-123"


@dataclass
class City:
    client: httpx.AsyncClient
    scenario: Scenario
    routing: Routing
    producer: EventProducer
    prefix: str
    engine: AsyncEngine
    actions: ActionService


@pytest.fixture(scope="module")
async def city(
    database_url: str,
    kafka_bootstrap: str,
    schema: str,
    engine: AsyncEngine,
    prefix: str,
    producer: EventProducer,
) -> AsyncIterator[City]:
    app = create_app(settings_for(database_url, kafka_bootstrap, schema, prefix))
    scenario = Scenario(await load_areas(engine))
    routing = Routing(kafka_bootstrap, prefix, scenario, producer)
    async with app.router.lifespan_context(app):
        auth = app.state.use_cases.auth
        for username, role, unit in (
            ("lurah.cibeber", Role.LURAH, "kelurahan:36.72.01.1001"),
            ("viewer.cc", Role.VIEWER, "command-center"),
        ):
            await auth.create_user(
                username=username, display_name=username, role=role, unit_id=unit, password=PASSWORD
            )
        task = asyncio.create_task(routing.runner.run())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://dashboard") as client:
            actions = app.state.use_cases.actions
            yield City(client, scenario, routing, producer, prefix, engine, actions)
        routing.runner.stop()
        await asyncio.wait_for(task, 30)


async def new_incident(city: City) -> str:
    incident_id, events = city.scenario.report("36.72.01.1001")
    await produce(city.producer, city.prefix, events)
    for _ in range(200):
        if await count(
            city.engine, "SELECT count(*) FROM incidents WHERE incident_id = :i", i=incident_id
        ):
            return incident_id
        await asyncio.sleep(0.05)
    raise AssertionError("the incident was not projected")


async def test_an_applied_command_answers_with_its_event(city: City) -> None:
    incident_id = await new_incident(city)
    headers = await login(city.client, "lurah.cibeber", PASSWORD)
    response = await city.client.post(
        f"/v1/incidents/{incident_id}/acknowledge", json={"note": "Segera dicek"}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outcome"] == "applied"
    assert body["event"]["type"] == "acknowledged"
    assert body["event"]["sequence"] == 2
    assert body["incident"]["status"] == "acknowledged"
    detail = (await city.client.get(f"/v1/incidents/{incident_id}", headers=headers)).json()
    assert [e["type"] for e in detail["timeline"]] == ["opened", "acknowledged"]
    assert detail["timeline"][1]["command_id"] == body["command_id"]
    assert detail["timeline"][1]["note"] == "Segera dicek"
    audited = await count(
        city.engine,
        "SELECT count(*) FROM audit_log WHERE action = 'incident.acknowledge' "
        "AND outcome = 'applied' AND command_id = :c",
        c=body["command_id"],
    )
    assert audited == 1


async def test_a_command_routing_refuses_comes_back_with_its_reason_code(city: City) -> None:
    incident_id = await new_incident(city)
    headers = await login(city.client, "lurah.cibeber", PASSWORD)
    # Resolving an incident nobody acknowledged or started: routing refuses the transition.
    response = await city.client.post(
        f"/v1/incidents/{incident_id}/resolve", json={"note": "Sudah beres"}, headers=headers
    )
    assert response.status_code == 409, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["code"] == "invalid_transition"
    assert "open" in problem["detail"]
    assert city.routing.seen[-1].command_id == problem["command_id"]
    incident = (await city.client.get(f"/v1/incidents/{incident_id}", headers=headers)).json()
    assert incident["status"] == "open"
    assert len(incident["timeline"]) == 1
    refused = await count(
        city.engine,
        "SELECT count(*) FROM audit_log WHERE outcome = 'rejected' AND command_id = :c",
        c=problem["command_id"],
    )
    assert refused == 1


async def test_no_answer_in_time_is_pending_not_success(city: City) -> None:
    incident_id = await new_incident(city)
    headers = await login(city.client, "lurah.cibeber", PASSWORD)
    city.routing.paused = True  # routing is slow: the command waits on the bus
    city.actions.wait_s = 0.5
    try:
        response = await city.client.post(
            f"/v1/incidents/{incident_id}/comment", json={"text": "Ada kabar?"}, headers=headers
        )
    finally:
        city.actions.wait_s = 5.0
        await city.routing.resume()
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["outcome"] == "pending"
    assert body["event"] is None
    assert body["incident"]["sequence"] == 1
    # Routing answers later; the command's outcome shows under its id.
    for _ in range(200):
        timeline = (await city.client.get(f"/v1/incidents/{incident_id}", headers=headers)).json()
        if any(e["command_id"] == body["command_id"] for e in timeline["timeline"]):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the pending command was never applied")


async def test_a_retry_with_the_same_idempotency_key_sends_once(city: City) -> None:
    incident_id = await new_incident(city)
    headers = {**await login(city.client, "lurah.cibeber", PASSWORD), "Idempotency-Key": "k-1"}
    first = await city.client.post(
        f"/v1/incidents/{incident_id}/comment", json={"text": "Kami cek besok"}, headers=headers
    )
    sent = len(city.routing.seen)
    again = await city.client.post(
        f"/v1/incidents/{incident_id}/comment", json={"text": "Kami cek besok"}, headers=headers
    )
    assert first.status_code == again.status_code == 200
    assert first.json()["command_id"] == again.json()["command_id"]
    assert first.json()["event"] == again.json()["event"]
    assert len(city.routing.seen) == sent


async def test_a_viewer_never_puts_a_command_on_the_bus(city: City) -> None:
    incident_id = await new_incident(city)
    headers = await login(city.client, "viewer.cc", PASSWORD)
    sent = len(city.routing.seen)
    response = await city.client.post(
        f"/v1/incidents/{incident_id}/acknowledge", json={}, headers=headers
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    await asyncio.sleep(0.3)
    assert len(city.routing.seen) == sent
