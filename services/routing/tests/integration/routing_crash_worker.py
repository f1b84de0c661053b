"""The routing worker as a process for the kill test. Settings come from the
environment (TANGGAP_ROUTING_*), as in production.

With ``--crash-after N`` it kills itself with SIGKILL right after the N-th
report's outputs reached the broker inside the open transaction, before the
transaction (and its input offsets) could commit: the worst moment to die.
SIGTERM stops it cleanly."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal

from tanggap.routing.processor import RoutingProcessor
from tanggap.routing.rulesource import RuleSource
from tanggap.routing.settings import Settings
from tanggap.routing.worker import RoutingWorker
from tanggap.streaming import Message, TransactionalOutput
from tanggap.streaming.logging import configure_logging


def crash_after(reports: int) -> None:
    process = RoutingProcessor.process
    seen = 0

    async def crashing(self: RoutingProcessor, message: Message, out: TransactionalOutput) -> None:
        nonlocal seen
        await process(self, message, out)
        if message.topic == self.settings.topic_reports_submitted:
            seen += 1
            if seen == reports:
                await out.flush()
                os.kill(os.getpid(), signal.SIGKILL)

    RoutingProcessor.process = crashing  # type: ignore[method-assign]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--crash-after", type=int)
    args = parser.parse_args()
    if args.crash_after:
        crash_after(args.crash_after)
    settings = Settings()
    configure_logging(settings.service_name, level="WARNING")
    worker = RoutingWorker(settings, RuleSource.from_settings(settings))
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, worker.stop)
    await worker.run()


if __name__ == "__main__":
    asyncio.run(main())
