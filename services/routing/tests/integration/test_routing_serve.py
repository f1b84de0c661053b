"""`tanggap-routing serve` as `make up` runs it: one process with the HTTP API and
the worker; ready once the worker is; SIGHUP reloads the rules without a
restart; SIGTERM stops it cleanly. And `replay` reads the topic without a group."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import sys
from pathlib import Path

import httpx
import pytest
from routing_testkit import Sender, Topics, interior_points, report, wait_for

pytestmark = pytest.mark.integration
DATA = Path(__file__).resolve().parents[2] / "data"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def environment(topics: Topics, bootstrap: str, rules: Path, port: int) -> dict[str, str]:
    env = {
        "TANGGAP_ROUTING_KAFKA_BOOTSTRAP": bootstrap,
        "TANGGAP_ROUTING_ENVIRONMENT": "test",
        "TANGGAP_ROUTING_INSTANCE_ID": "serve-test",
        "TANGGAP_ROUTING_GROUP_ID": topics.names["group"],
        "TANGGAP_ROUTING_SESSION_TIMEOUT_MS": "6000",
        "TANGGAP_ROUTING_HTTP_PORT": str(port),
        "TANGGAP_ROUTING_RULES_PATH": str(rules),
        "TANGGAP_ROUTING_LOG_LEVEL": "WARNING",
    }
    for kind, name in topics.names.items():
        if kind != "group":
            env[f"TANGGAP_ROUTING_TOPIC_{kind.upper()}"] = name
    return {**os.environ, **env}


async def until_ready(client: httpx.AsyncClient, process: asyncio.subprocess.Process) -> None:
    for _ in range(300):
        if process.returncode is not None:
            raise AssertionError(f"serve exited with {process.returncode}")
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("serve not ready in 30 s")


async def test_serve_routes_answers_and_reloads_on_sighup(
    topics: Topics, kafka_bootstrap: str, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    shutil.copy(DATA / "rules.yaml", rules)
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tanggap.routing.cli",
        "serve",
        env=environment(topics, kafka_bootstrap, rules, port),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            await until_ready(client, process)
            filed = report("sampah", interior_points(1)[0])
            async with Sender(kafka_bootstrap) as sender:
                await sender.send(topics.names["reports_submitted"], filed)
            await wait_for(kafka_bootstrap, topics.names["reports_routed"], lambda es: es)
            version = (await client.get("/v1/rules")).json()["version"]
            text = rules.read_text().replace(f'version: "{version}"', 'version: "uji-sighup"')
            rules.write_text(text)
            process.send_signal(signal.SIGHUP)
            for _ in range(50):
                if (await client.get("/v1/rules")).json()["version"] == "uji-sighup":
                    break
                await asyncio.sleep(0.1)
            assert (await client.get("/v1/rules")).json()["version"] == "uji-sighup"
            metrics = (await client.get("/metrics")).text
            assert 'tanggap_routing_decisions_total{rule="sampah:' in metrics
    except AssertionError:
        output, _ = await asyncio.wait_for(process.communicate(), 60)
        raise AssertionError(output.decode()[-3000:]) from None
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert process.returncode in (0, -signal.SIGTERM), output.decode()[-3000:]
    assert b"Traceback" not in output, output.decode()[-3000:]


async def test_replay_reads_the_topic_and_counts_changes(
    topics: Topics, kafka_bootstrap: str, tmp_path: Path
) -> None:
    points = interior_points(3)
    async with Sender(kafka_bootstrap) as sender:
        for point in points:
            await sender.send(topics.names["reports_submitted"], report("jalan-rusak", point))
    text = (DATA / "rules.yaml").read_text()
    head, tail = text.split("  jalan-rusak:", 1)
    new = tmp_path / "new.yaml"
    new.write_text(
        head + "  jalan-rusak:" + tail.replace('priority: "normal"', 'priority: "high"', 1)
    )
    env = environment(topics, kafka_bootstrap, DATA / "rules.yaml", free_port())
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tanggap.routing.cli",
        "replay",
        "--rules",
        str(new),
        "--since",
        "2026-01-01",
        "--json",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()[-3000:]
    result = json.loads(out)
    # jalan-rusak has no sub-rule or modifier setting a priority: all three change;
    # the sampah report of the serve test does not.
    assert result["reports"] >= len(points)
    assert result["changed"] == len(points)
    assert {e["category"] for e in result["examples"]} == {"jalan-rusak"}
