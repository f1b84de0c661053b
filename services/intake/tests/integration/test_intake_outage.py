"""Kafka unreachable: 503 with Retry-After and no trace of the report; the
same request (same Idempotency-Key) succeeds once Kafka is back.

Two versions. The first points intake at a closed port and then at the real
broker: it shares the broker with everyone and runs in every suite. The
second stops and restarts the real broker (``kafka_restart``, moved to the
end of the run by conftest.py, since it interrupts every other test that
uses the broker at that moment)."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import pytest
from intake_testkit import Topics, report_body, running

from tanggap.intake.settings import Settings
from tanggap.streaming import EventProducer, Message
from tanggap.streaming.testing import read_all

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[4]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def rows(settings: Settings, table: str) -> int:
    connection = await asyncpg.connect(
        settings.database_url, server_settings={"search_path": settings.database_schema}
    )
    try:
        return int(await connection.fetchval(f"SELECT count(*) FROM {table}"))
    finally:
        await connection.close()


async def records(kafka_bootstrap: str, topic: str) -> list[Message]:
    return await read_all(kafka_bootstrap, topic, timeout_s=5)


async def test_kafka_unreachable_is_503_and_leaves_no_trace(
    settings: Settings, kafka_bootstrap: str, topics: Topics
) -> None:
    key = {"Idempotency-Key": "pemadaman-1"}
    unreachable = settings.model_copy(
        update={
            "kafka_bootstrap": f"127.0.0.1:{closed_port()}",
            "produce_timeout_s": 2.0,
            "kafka_retry_backoff_s": 0.0,
        }
    )
    async with running(unreachable) as (_, client):
        refused = await client.post("/v1/reports", json=report_body(), headers=key)
        ready = await client.get("/readyz")
    assert refused.status_code == 503
    assert refused.json()["code"] == "broker_unavailable"
    assert int(refused.headers["Retry-After"]) >= 1
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": True, "kafka": False}
    assert await rows(settings, "reports") == 0
    assert await rows(settings, "idempotency_keys") == 0
    assert await records(kafka_bootstrap, topics.submitted) == []

    async with running(settings) as (_, client):
        accepted = await client.post("/v1/reports", json=report_body(), headers=key)
    assert accepted.status_code == 202
    produced = await records(kafka_bootstrap, topics.submitted)
    assert [m.header("ce_id") for m in produced] == [accepted.json()["id"].encode()]
    assert await rows(settings, "reports") == 1


async def test_an_abandoned_producer_never_delivers_what_it_held(
    kafka_bootstrap: str, topics: Topics
) -> None:
    """What makes a 503 final: the record still buffered when intake gave up
    is failed with its producer, not delivered later (ADR 0010)."""
    producer = EventProducer(
        bootstrap_servers=kafka_bootstrap, service="intake-test", linger_ms=60_000
    )
    await producer.start()
    before = len(await records(kafka_bootstrap, topics.routed))
    held = asyncio.create_task(producer.send_raw(topics.routed, key=b"k", value=b"{}", headers=[]))
    await asyncio.sleep(0.2)  # buffered: lingering for a minute
    await producer.abandon(ConnectionError("intake answered 503"))
    with pytest.raises(ConnectionError):
        await held
    assert len(await records(kafka_bootstrap, topics.routed)) == before


def infra(command: str, kafka_bootstrap: str) -> list[str]:
    profile = "dev" if kafka_bootstrap.endswith(":19092") else "test"
    return [sys.executable, str(REPO / "deploy/local/infra.py"), command, "--profile", profile]


async def run(arguments: list[str]) -> None:
    process = await asyncio.create_subprocess_exec(*arguments)
    assert await process.wait() == 0, arguments


async def post_until_accepted(
    client: httpx.AsyncClient, headers: dict[str, str], timeout_s: float = 90.0
) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while True:
        response = await client.post("/v1/reports", json=report_body(), headers=headers)
        if response.status_code == 202 or time.monotonic() > deadline:
            return response
        assert response.status_code in (503, 409), response.text
        await asyncio.sleep(0.5)


@pytest.mark.kafka_restart
async def test_the_broker_stops_and_comes_back(
    settings: Settings, kafka_bootstrap: str, topics: Topics
) -> None:
    before = len(await records(kafka_bootstrap, topics.submitted))
    live = settings.model_copy(update={"produce_timeout_s": 3.0, "kafka_retry_backoff_s": 0.5})
    key = {"Idempotency-Key": "pemadaman-restart-1"}
    async with running(live) as (_, client):
        warm = await client.post("/v1/reports", json=report_body())
        assert warm.status_code == 202
        await run(infra("kafka-stop", kafka_bootstrap))
        try:
            refused = await client.post("/v1/reports", json=report_body(), headers=key)
            assert refused.status_code == 503
            assert "Retry-After" in refused.headers
        finally:
            await run(infra("kafka-start", kafka_bootstrap))
        accepted = await post_until_accepted(client, key)
    assert accepted.status_code == 202, accepted.text
    produced = await records(kafka_bootstrap, topics.submitted)
    ids = [m.header("ce_id") or b"" for m in produced[before:]]
    # The warm-up report and the retried one, once each: the record of the
    # refused attempt was failed with its producer, never delivered later.
    assert sorted(ids) == sorted([warm.json()["id"].encode(), accepted.json()["id"].encode()])
