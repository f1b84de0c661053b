"""A transactional consume-produce step killed between produce and commit
leaves no duplicate visible to a read_committed consumer after restart."""

from __future__ import annotations

import asyncio
import signal
import sys
import warnings
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from tanggap.streaming.testing import create_topic, read_all, unique_name

pytestmark = pytest.mark.integration
COPIER = Path(__file__).with_name("txn_copier.py")


class CopierHung(Exception):
    def __init__(self, output: str) -> None:
        super().__init__("the copier did not finish")
        self.output = output


async def run_copier(*args: str, timeout_s: float = 90) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(COPIER),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    # Read as it comes, so a hung copier's last words are not lost with it.
    lines: list[bytes] = []

    async def read() -> None:
        assert process.stdout is not None
        while line := await process.stdout.readline():
            lines.append(line)

    reader = asyncio.create_task(read())
    try:
        await asyncio.wait_for(process.wait(), timeout=timeout_s)
    except TimeoutError:
        process.kill()
        await process.wait()
        await reader
        raise CopierHung(b"".join(lines).decode()[-3000:]) from None
    await reader
    output = b"".join(lines).decode()[-3000:]
    if process.returncode not in (0, -signal.SIGKILL):
        pytest.fail(f"copier failed ({process.returncode}):\n{output}")
    return process.returncode


async def restart_copier(*args: str) -> int:
    """The restart after the crash. It takes about 12 s; once in some dozen CI
    runs it has not finished within 90 s, for a reason not yet found (see the
    closing note of session 2). Such a run is killed — a second crash, which
    the exactly-once checks below must survive too — and restarted once more,
    with a warning that carries what the hung copier printed."""
    try:
        return await run_copier(*args)
    except CopierHung as hung:
        warnings.warn(
            f"restarted copier hung and was killed; it printed:\n{hung.output}", stacklevel=2
        )
    try:
        return await run_copier(*args)
    except CopierHung as hung:
        pytest.fail(f"the copier hung twice after the crash; it printed:\n{hung.output}")


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
    assert await restart_copier(*common) == 0

    uncommitted = await read_all(kafka_bootstrap, sink, isolation_level="read_uncommitted")
    committed = await read_all(kafka_bootstrap, sink)
    # The crash really happened after produce: the aborted copies are in the log ...
    assert len(uncommitted) > len(values)
    # ... but a read_committed reader sees every record exactly once, in order.
    assert [m.value for m in committed] == values
