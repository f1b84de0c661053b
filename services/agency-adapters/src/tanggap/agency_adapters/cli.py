"""Command line of the agency-adapters service.

tanggap-agency-adapters serve
tanggap-agency-adapters deadletters list   [--agency polres]
tanggap-agency-adapters deadletters replay [--agency polres]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TextIO

import uvicorn

from tanggap.agency_adapters.adapters.dead_letters import read_dead_letters
from tanggap.agency_adapters.adapters.registry import build_registry
from tanggap.agency_adapters.main import create_app
from tanggap.agency_adapters.service.deadletters import DeadLetterDesk, LetterView, ReplayResult
from tanggap.agency_adapters.settings import Settings
from tanggap.agency_adapters.worker import Worker
from tanggap.streaming import EventProducer
from tanggap.streaming.logging import configure_logging


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tanggap-agency-adapters")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP service and its workers")
    letters = commands.add_parser("deadletters", help="dead-lettered deliveries")
    actions = letters.add_subparsers(dest="action", required=True)
    for action, text in (("list", "show them"), ("replay", "deliver the pending ones again")):
        sub = actions.add_parser(action, help=text)
        sub.add_argument("--agency", help="only this adapter's (e.g. polres)")
    return parser


def main(
    argv: list[str] | None = None, *, settings: Settings | None = None, out: TextIO | None = None
) -> int:
    args = _parser().parse_args(argv)
    config = settings or Settings()
    if args.command == "serve":
        uvicorn.run(
            create_app(config), host=config.http_host, port=config.http_port, log_config=None
        )
        return 0
    configure_logging(config.service_name, level="WARNING")
    return asyncio.run(deadletters(config, args.action, args.agency, out or sys.stdout))


async def deadletters(settings: Settings, action: str, agency: str | None, out: TextIO) -> int:
    """``list`` prints every dead letter; ``replay`` delivers the pending ones
    and exits 1 when any of them failed again."""
    producer = EventProducer(
        bootstrap_servers=settings.kafka_bootstrap, service=f"{settings.service_name}-cli"
    )
    registry = build_registry(settings)
    worker = Worker(settings, registry, producer)
    await producer.start()
    try:
        await worker.state.load()
        desk = DeadLetterDesk(
            deliveries={d.agency: d for d in worker.deliveries},
            state=worker.state,
            clock=worker.clock,
        )
        letters = await read_dead_letters(settings.kafka_bootstrap, settings.topics.deadletter)
        if action == "list":
            views = desk.view(letters, agency)
            for view in views:
                out.write(_list_line(view) + "\n")
            out.write(f"{len(views)} dead letter(s)\n")
            return 0
        results = await desk.replay(letters, agency)
        for result in results:
            out.write(_replay_line(result) + "\n")
        failed = sum(r.outcome == "failed" for r in results)
        out.write(f"{len(results)} replayed, {failed} failed\n")
        return 1 if failed else 0
    finally:
        await worker.state.close()
        await registry.aclose()
        await producer.stop()


def _list_line(view: LetterView) -> str:
    letter = view.letter
    partition, offset = letter.position
    return "\t".join(
        [
            f"{partition}:{offset}",
            letter.agency or "-",
            view.incident_id or "-",
            view.status.value,
            letter.code,
            str(letter.attempts or "-"),
            letter.failed_at,
            letter.reason[:120],
        ]
    )


def _replay_line(result: ReplayResult) -> str:
    partition, offset = result.letter.position
    return f"{partition}:{offset}\t{result.letter.agency or '-'}\t{result.outcome}\t{result.detail}"


if __name__ == "__main__":
    sys.exit(main())
