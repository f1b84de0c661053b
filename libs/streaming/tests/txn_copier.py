"""A consume-transform-produce process for the kill test: copies every input
record to the output topic inside transactions, and with --crash-at VALUE
kills itself with SIGKILL right after that record's output reached the broker
but before the transaction (and its input offsets) could commit."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal

from tanggap.streaming import DeadLetterPolicy, Message, TransactionalOutput, TransactionalRunner
from tanggap.streaming.transactional import TransactionalProcessor


class Copier(TransactionalProcessor):
    def __init__(self, output: str, crash_at: bytes | None) -> None:
        self.output = output
        self.crash_at = crash_at

    async def process(self, message: Message, out: TransactionalOutput) -> None:
        out.raw(self.output, key=message.key, value=message.value, headers=message.headers)
        if message.value == self.crash_at:
            await out.flush()  # the copies are on the broker, inside the open transaction
            os.kill(os.getpid(), signal.SIGKILL)

    def on_commit(self) -> None:
        print("committed", flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("bootstrap", "input", "output", "group", "transactional-id"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--crash-at")
    parser.add_argument("--expect", type=int, required=True)
    args = parser.parse_args()
    copier = Copier(args.output, args.crash_at.encode() if args.crash_at else None)
    runner = TransactionalRunner(
        bootstrap_servers=args.bootstrap,
        group_id=args.group,
        topics=[args.input],
        transactional_id=args.transactional_id,
        processor=copier,
        service="txn-copier",
        dead_letters=DeadLetterPolicy(topic=f"deadletter.{args.input}"),
        max_batch=10,
    )
    task = asyncio.create_task(runner.run())
    # Stop once the group's committed position reaches the end of the input.
    started = asyncio.get_running_loop().time()
    last_said = ""
    while not task.done():
        await asyncio.sleep(0.2)
        tps = runner.consumer.assignment()
        positions = [await runner.consumer.committed(tp) or 0 for tp in tps]
        loop_time = asyncio.get_running_loop().time()
        said = f"assigned {sorted(tp.partition for tp in tps)} committed {positions}"
        if said != last_said:  # what the test prints if this run never ends
            print(f"{loop_time - started:6.1f}s {said}", flush=True)
            last_said = said
        if tps and sum(positions) >= args.expect:
            runner.stop()
    await task


if __name__ == "__main__":
    asyncio.run(main())
