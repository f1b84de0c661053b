"""The generic adapters: HMAC-signed webhooks both ways, and the Open311 client."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from agency_testkit import (
    drop_topics,
    eventually,
    fast_settings,
    make_topics,
    of_type,
    producer,
    running,
    snapshot,
    valid_messages,
)
from simulators.open311 import Open311Simulator
from simulators.server import Fault
from simulators.webhook_receiver import WebhookReceiver

from tanggap.agency_adapters.adapters.open311.config import Open311Settings
from tanggap.agency_adapters.adapters.webhook.config import WebhookAgency, WebhookSettings
from tanggap.agency_adapters.domain.signing import signed_headers
from tanggap.agency_adapters.settings import TopicNames
from tanggap.schemas.commands import LinkExternalReference, ResolveIncident, StartIncident

pytestmark = pytest.mark.integration
SECRET = "s3cr3t-shared-with-bpbd-" + "x" * 16


@pytest.fixture
async def topics(kafka_bootstrap: str) -> AsyncIterator[TopicNames]:
    names = await make_topics(kafka_bootstrap)
    yield names
    await drop_topics(kafka_bootstrap, names)


def callback(
    body: dict[str, Any], *, secret: str = SECRET, at: int | None = None
) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    headers = signed_headers(secret.encode(), at or int(time.time()), secrets.token_hex(8), raw)
    return raw, {**headers, "Content-Type": "application/json"}


async def test_signed_webhooks_deliver_once_and_signed_callbacks_become_commands(
    kafka_bootstrap: str, topics: TopicNames
) -> None:
    receiver = WebhookReceiver(SECRET)
    await receiver.server.start()
    receiver.faults.add(Fault.ERROR_500, Fault.TIMEOUT)
    receiver.faults.hang_s = 2.0
    hook = WebhookAgency(
        name="bpbd", units=("bpbd",), url=receiver.url, secret=SECRET, total_timeout_s=1.0
    )
    settings = fast_settings(kafka_bootstrap, topics, webhook=WebhookSettings(agencies=(hook,)))
    disaster = snapshot(
        category="bencana", owner="kelurahan:36.72.07.1001", handler="bpbd", place="ramanuju"
    )
    try:
        async with running(settings) as app, producer(kafka_bootstrap) as routing:
            await routing.send(topics.incidents_state, disaster)

            async def linked() -> list[LinkExternalReference]:
                return of_type(
                    await valid_messages(kafka_bootstrap, topics.incident_commands),
                    LinkExternalReference,
                )

            [link] = await eventually(linked)
            assert link.reference == "BPBD-CLG-0001"
            assert link.agency_unit_id == "bpbd"
            assert list(receiver.received) == [f"{disaster.incident_id}:1"]
            assert receiver.refused == []

            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://adapters"
            )
            status = {
                "incident_id": disaster.incident_id,
                "reference": link.reference,
                "status": "in_progress",
                "note": "Tim reaksi cepat menuju lokasi",
            }
            body, headers = callback(status)
            accepted = await client.post("/webhooks/bpbd", content=body, headers=headers)
            assert accepted.status_code == 202, accepted.text
            replayed = await client.post("/webhooks/bpbd", content=body, headers=headers)
            assert (replayed.status_code, replayed.json()["code"]) == (409, "signature_replayed")
            forged = callback(status, secret="not-the-secret-at-all")
            refused = await client.post("/webhooks/bpbd", content=forged[0], headers=forged[1])
            assert (refused.status_code, refused.json()["code"]) == (401, "signature_invalid")
            stale = callback(status, at=int(time.time()) - 3600)
            expired = await client.post("/webhooks/bpbd", content=stale[0], headers=stale[1])
            assert expired.json()["code"] == "signature_expired"
            nonsense = callback({**status, "status": "terbang"})
            invalid = await client.post("/webhooks/bpbd", content=nonsense[0], headers=nonsense[1])
            assert (invalid.status_code, invalid.json()["code"]) == (422, "invalid_callback")
            stranger = callback({**status, "incident_id": str(uuid.uuid4()), "reference": "X-1"})
            unknown = await client.post("/webhooks/bpbd", content=stranger[0], headers=stranger[1])
            assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_case")
            metrics = (await client.get("/metrics")).text
            assert 'tanggap_adapter_deliveries_total{agency="bpbd",outcome="delivered"}' in metrics
            assert (
                'tanggap_adapter_webhooks_total{agency="bpbd",result="signature_replayed"}'
                in metrics
            )
            assert 'tanggap_adapter_circuit_open{agency="bpbd"} 0.0' in metrics
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).json()["checks"] == {"kafka": True}
            nobody = await client.post("/webhooks/dinas-x", content=body, headers=headers)
            assert (nobody.status_code, nobody.json()["code"]) == (404, "unknown_agency")
            await client.aclose()

            async def started() -> list[StartIncident]:
                return of_type(
                    await valid_messages(kafka_bootstrap, topics.incident_commands), StartIncident
                )

            [start] = await eventually(started)
            assert start.actor.unit_id == "bpbd"
            assert start.note == "Tim reaksi cepat menuju lokasi"
        sent = await valid_messages(kafka_bootstrap, topics.incident_commands)
        assert [type(c).__name__ for c in sent] == ["LinkExternalReference", "StartIncident"]
    finally:
        await receiver.server.stop()


async def test_open311_forwards_once_without_an_idempotency_key_and_follows_the_status(
    kafka_bootstrap: str, topics: TopicNames
) -> None:
    remote = Open311Simulator()
    await remote.server.start()
    # The first search finds nothing; the POST's answer is lost after the request was made.
    remote.faults.add(None, Fault.TIMEOUT)
    remote.faults.hang_s = 2.0
    open311 = Open311Settings(
        enabled=True,
        name="open311",
        base_url=remote.url,
        api_key=remote.api_key,
        service_codes={"jalan-rusak": "JALAN-RUSAK"},
        poll_interval_s=0.2,
        total_timeout_s=1.0,
    )
    settings = fast_settings(kafka_bootstrap, topics, open311=open311)
    pothole = snapshot(
        category="jalan-rusak",
        owner="kelurahan:36.72.07.1001",
        handler="dpupr",
        place="ramanuju",
        description="Lubang besar di lajur kiri Jl. Jend. Sudirman dekat Simpang Tiga",
    )
    other = snapshot(
        category="sampah", owner="kelurahan:36.72.07.1001", handler="dpupr", place="ramanuju"
    )
    try:
        async with running(settings), producer(kafka_bootstrap) as routing:
            await routing.send(topics.incidents_state, other)
            await routing.send(topics.incidents_state, pothole)

            async def linked() -> list[LinkExternalReference]:
                return of_type(
                    await valid_messages(kafka_bootstrap, topics.incident_commands),
                    LinkExternalReference,
                )

            [link] = await eventually(linked)
            [request] = remote.requests.values()
            assert link.reference == request.service_request_id
            assert request.description.startswith(f"[tanggap:{pothole.incident_id}] Lubang besar")
            assert remote.posts == 1
            remote.set_status(request.service_request_id, "closed", "Lubang sudah ditambal DPUPR")

            async def resolved() -> list[ResolveIncident]:
                return of_type(
                    await valid_messages(kafka_bootstrap, topics.incident_commands), ResolveIncident
                )

            [resolve] = await eventually(resolved)
            assert resolve.note == "Lubang sudah ditambal DPUPR"
            assert resolve.actor.unit_id == "dpupr"
        assert len(remote.requests) == 1
    finally:
        await remote.server.stop()
