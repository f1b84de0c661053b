"""The live stream through a real HTTP server: changes arrive as they are
projected, only within the caller's scope, and a client that reconnects with
Last-Event-ID gets exactly what it missed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from dashboard_testkit import (
    Scenario,
    count,
    eventually,
    load_areas,
    login,
    produce,
    settings_for,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard.domain.roles import Role
from tanggap.dashboard.main import create_app
from tanggap.dashboard.service.live import prune_change_log
from tanggap.streaming import EventProducer

pytestmark = pytest.mark.integration

PASSWORD = "kata-sandi-langsung-1"
CIBEBER = "36.72.01.1001"
KEDALEMAN = "36.72.01.1002"


def started(server: uvicorn.Server) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return bool(server.started)

    return check


@pytest.fixture(scope="module")
async def server(
    database_url: str, kafka_bootstrap: str, schema: str, prefix: str
) -> AsyncIterator[str]:
    app = create_app(settings_for(database_url, kafka_bootstrap, schema, prefix))
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    await eventually(started(server))
    port = server.servers[0].sockets[0].getsockname()[1]
    await app.state.use_cases.auth.create_user(
        username="lurah.cibeber",
        display_name="Lurah Cibeber",
        role=Role.LURAH,
        unit_id=f"kelurahan:{CIBEBER}",
        password=PASSWORD,
    )
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await asyncio.wait_for(task, 30)


async def sse_events(response: httpx.Response) -> AsyncIterator[dict[str, str]]:
    """Server-sent events as they come: id, event and data, as text."""
    current: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line == "":
            if "event" in current:
                yield current
            current = {}
        elif not line.startswith(":"):
            field, _, value = line.partition(":")
            current[field] = value.strip()


async def read_until(
    response: httpx.Response, done: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """Incident events (their JSON data parsed) until one satisfies ``done``."""
    events: list[dict[str, Any]] = []
    async for event in sse_events(response):
        if event["event"] == "incident":
            parsed: dict[str, Any] = {**event, "data": json.loads(event["data"])}
            events.append(parsed)
            if done(parsed["data"]):
                break
    return events


async def status_is(engine: AsyncEngine, incident_id: str, status: str) -> bool:
    sql = "SELECT count(*) FROM incidents WHERE incident_id = :i AND status = :s"
    return await count(engine, sql, i=incident_id, s=status) == 1


async def test_changes_in_scope_live_and_resumed(
    server: str, engine: AsyncEngine, prefix: str, producer: EventProducer
) -> None:
    scenario = Scenario(await load_areas(engine))
    async with httpx.AsyncClient(base_url=server, timeout=20) as client:
        headers = await login(client, "lurah.cibeber", PASSWORD)
        token = headers["Authorization"][7:]
        async with client.stream(
            "GET", "/v1/live/incidents", params={"access_token": token}
        ) as live:
            assert live.status_code == 200
            assert live.headers["content-type"].startswith("text/event-stream")
            elsewhere, events = scenario.report(KEDALEMAN)
            await produce(producer, prefix, events)
            await eventually(lambda: status_is(engine, elsewhere, "open"))
            mine, events = scenario.report(CIBEBER)
            await produce(producer, prefix, events)
            first = await asyncio.wait_for(
                read_until(live, lambda data: data["incident"]["id"] == mine), 20
            )
        # Only the lurah's own kelurahan: the other one's incident opened first, unseen.
        assert [e["data"]["incident"]["id"] for e in first] == [mine] * len(first)
        assert first[-1]["data"]["kind"] in {"opened", "state"}
        last_seen = first[-1]["id"]

        # Offline, things happen in and out of scope.
        await produce(producer, prefix, scenario.step(elsewhere, "acknowledge"))
        await produce(producer, prefix, scenario.step(mine, "acknowledge"))
        await eventually(lambda: status_is(engine, elsewhere, "acknowledged"))
        await eventually(lambda: status_is(engine, mine, "acknowledged"))

        resumed_headers = {**headers, "Last-Event-ID": last_seen}
        async with client.stream("GET", "/v1/live/incidents", headers=resumed_headers) as live:
            missed = await asyncio.wait_for(
                read_until(live, lambda data: data["incident"]["status"] == "acknowledged"), 20
            )
        assert [e["data"]["incident"]["id"] for e in missed] == [mine] * len(missed)
        assert all(int(e["id"]) > int(last_seen) for e in missed)
        assert missed[-1]["data"]["kind"] in {"acknowledged", "state"}
        assert all("reporter" not in e["data"]["incident"] for e in missed)

        refused = await client.get("/v1/live/incidents", params={"access_token": "not-a-token"})
        assert refused.status_code == 401


async def read_events(response: httpx.Response, wanted: int) -> list[dict[str, str]]:
    """The first ``wanted`` events of any kind."""
    events: list[dict[str, str]] = []
    async for event in sse_events(response):
        events.append(event)
        if len(events) == wanted:
            break
    return events


async def test_old_changes_are_pruned_and_a_client_behind_them_is_told_to_reload(
    server: str, engine: AsyncEngine, prefix: str, producer: EventProducer
) -> None:
    scenario = Scenario(await load_areas(engine))
    mine, events = scenario.report(CIBEBER)
    await produce(producer, prefix, events)
    await eventually(lambda: status_is(engine, mine, "open"))
    async with engine.begin() as connection:
        ids = [row.id for row in await connection.execute(text("SELECT id FROM changes"))]
        # Age every change but the newest past the retention.
        await connection.execute(text("UPDATE changes SET recorded_at = now() - interval '4 days'"))
    assert len(ids) >= 2
    before_first = min(ids) - 1

    pruned = await prune_change_log(engine, timedelta(hours=72), lambda: datetime.now(UTC))

    async with engine.connect() as connection:
        left = [row.id for row in await connection.execute(text("SELECT id FROM changes"))]
    assert left == [max(ids)], "everything old goes, but the newest change stays"
    assert pruned == len(ids) - 1
    assert await prune_change_log(engine, timedelta(hours=72), lambda: datetime.now(UTC)) == 0

    async with httpx.AsyncClient(base_url=server, timeout=20) as client:
        headers = await login(client, "lurah.cibeber", PASSWORD)
        behind = {**headers, "Last-Event-ID": str(before_first)}
        async with client.stream("GET", "/v1/live/incidents", headers=behind) as live:
            await produce(producer, prefix, scenario.step(mine, "acknowledge"))
            reset, after = await asyncio.wait_for(read_events(live, 2), 20)
        assert reset == {"id": str(max(ids)), "event": "reset", "data": "{}"}
        assert after["event"] == "incident"
        assert int(after["id"]) > max(ids)

        # Resuming from the newest change that is left loses nothing: no reset.
        current = {**headers, "Last-Event-ID": str(max(ids))}
        async with client.stream("GET", "/v1/live/incidents", headers=current) as live:
            [first] = await asyncio.wait_for(read_events(live, 1), 20)
        assert first["event"] == "incident"
