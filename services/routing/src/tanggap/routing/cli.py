"""Command line of the routing service.

    tanggap-routing serve                 HTTP API and worker in one process (make up)
    tanggap-routing worker                the worker alone (/metrics etc. need `serve`)
    tanggap-routing replay --rules NEW.yaml [--since 2026-11-01] [--json]
    tanggap-routing check-rules FILE      validate a rules file; exit 1 with its problems

Settings come from the environment (``TANGGAP_ROUTING_*``, see settings.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import uvicorn
from aiokafka.errors import KafkaError

from tanggap.routing.domain.sla import WIB
from tanggap.routing.main import create_app
from tanggap.routing.replay import Unreadable, as_json, compare, read_reports, render
from tanggap.routing.rulesource import RuleSource, RulesRefused, load_settings_catalog
from tanggap.routing.settings import Settings
from tanggap.routing.worker import RoutingWorker
from tanggap.streaming.logging import configure_logging


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tanggap-routing")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP API and the worker")
    commands.add_parser("worker", help="run the worker only")
    replay = commands.add_parser("replay", help="re-route past reports under new rules, purely")
    replay.add_argument("--rules", type=Path, required=True, help="the new rules.yaml")
    replay.add_argument("--since", type=_day_or_time, help="date (WIB midnight) or ISO time")
    replay.add_argument("--current", type=Path, help="rules to compare with (default: in use)")
    replay.add_argument("--examples", type=int, default=10)
    replay.add_argument("--json", action="store_true", help="print JSON instead of a table")
    check = commands.add_parser("check-rules", help="validate a rules file")
    check.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "serve":
        sys.exit(serve(settings))
    if args.command == "worker":
        sys.exit(asyncio.run(run_worker(settings)))
    if args.command == "replay":
        sys.exit(asyncio.run(run_replay(settings, args)))
    sys.exit(check_rules(settings, args.file))


def serve(settings: Settings) -> int:
    app = create_app(settings, process_signals=True)
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None)
    return 1 if app.state.worker_error is not None else 0


async def run_worker(settings: Settings) -> int:
    configure_logging(settings.service_name, level=settings.log_level)
    rules = RuleSource.from_settings(settings)
    worker = RoutingWorker(settings, rules)
    loop = asyncio.get_running_loop()
    for stop in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop, worker.stop)
    loop.add_signal_handler(signal.SIGHUP, _reload, rules)
    await worker.run()
    return 0


def _reload(rules: RuleSource) -> None:
    with contextlib.suppress(RulesRefused):  # logged by reload(); the rules in use stay
        rules.reload()


async def run_replay(settings: Settings, args: argparse.Namespace) -> int:
    configure_logging(settings.service_name, level="WARNING")
    source = RuleSource.from_settings(settings)
    try:
        new = source.check(args.rules)
        current = source.check(args.current) if args.current else source.rulebook
    except RulesRefused as exc:
        _err("\n".join(exc.problems))
        return 1
    unreadable = Unreadable()
    try:
        reports = [
            r
            async for r in read_reports(
                settings.kafka_bootstrap,
                settings.topic_reports_submitted,
                since=args.since,
                unreadable=unreadable,
            )
        ]
    except (LookupError, KafkaError) as exc:
        _err(f"cannot read {settings.topic_reports_submitted}: {exc}")
        return 1
    result = compare(
        reports, catalog=source.catalog, current=current, new=new, max_examples=args.examples
    )
    result.unreadable = unreadable.count
    since = f" since {args.since.isoformat()}" if args.since else ""
    source_name = f"{settings.topic_reports_submitted}{since}"
    _out(as_json(result) if args.json else render(result, source=source_name))
    return 0


def check_rules(settings: Settings, path: Path) -> int:
    catalog = load_settings_catalog(settings)
    source = RuleSource(
        catalog,
        rules_path=settings.rules_file,
        units_path=settings.units_path or settings.data_dir / "units.yaml",
    )
    try:
        rulebook = source.check(path)
    except RulesRefused as exc:
        _err("\n".join(exc.problems))
        return 1
    _out(f"{path}: rules {rulebook.version}, {len(rulebook.categories)} categories: OK")
    return 0


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _day_or_time(text: str) -> datetime:
    """``2026-11-01`` (midnight WIB) or an ISO time with its offset."""
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time(0), tzinfo=WIB)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time with its offset, e.g. +07:00")
    return moment.astimezone(UTC)


if __name__ == "__main__":
    main()
