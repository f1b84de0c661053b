"""A transactional consume-produce step killed between produce and commit
leaves no duplicate visible to a read_committed consumer after restart."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from tanggap.streaming.testing import create_topic, read_all, unique_name

pytestmark = pytest.mark.integration
COPIER = Path(__file__).with_name("txn_copier.py")


async def run_copier(*args: str) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(COPIER),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    except TimeoutError:
        # Say what the copier was doing (it prints its assignment and commits).
        process.kill()
        output, _ = await process.communicate()
        pytest.fail(f"copier still running after 120 s:\n{output.decode()[-3000:]}")
    assert process.returncode is not None
    if process.returncode not in (0, -signal.SIGKILL):
        pytest.fail(f"copier failed ({process.returncode}):\n{output.decode()[-3000:]}")
    return process.returncode


async def test_killed_transaction_leaves_no_duplicate(kafka_bootstrap: str) -> None:
    source = await create_topic(kafka_bootstrap, unique_name("test.txn.in"))
    sink = await create_topic(kafka_bootstrap, unique_name("test.txn.out"))
    await create_topic(kafka_bootstrap, f"deadletter.{source}")
    values = [f"report-{i:03d}".encode() for i in range(50)]
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True
    )
    await producer.start()
    for value in values:
        await producer.send(source, value=value)
    await producer.stop()

    common = [
        "--bootstrap",
        kafka_bootstrap,
        "--input",
        source,
        "--output",
        sink,
        "--group",
        unique_name("copier"),
        "--transactional-id",
        unique_name("copier-txn"),
        "--expect",
        str(len(values)),
    ]
    assert await run_copier(*common, "--crash-at", "report-025") == -signal.SIGKILL
    assert await run_copier(*common) == 0

    uncommitted = await read_all(kafka_bootstrap, sink, isolation_level="read_uncommitted")
    committed = await read_all(kafka_bootstrap, sink)
    # The crash really happened after produce: the aborted copies are in the log ...
    assert len(uncommitted) > len(values)
    # ... but a read_committed reader sees every record exactly once, in order.
    assert [m.value for m in committed] == values
