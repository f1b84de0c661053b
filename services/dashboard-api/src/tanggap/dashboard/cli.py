"""Command line of the dashboard-api service.

    tanggap-dashboard serve                     the API (and the projector, unless disabled)
    tanggap-dashboard project                   the projector alone
    tanggap-dashboard migrate                   upgrade the schema
    tanggap-dashboard rebuild [--keep-old]      replay every topic into a fresh schema, swap it in
    tanggap-dashboard user create|reset-password|list
    tanggap-dashboard seed-demo [--password-stdin]   demo operators for `make run`, with logins

Passwords are never taken from the command line (other users can read it):
they are prompted for, or read from stdin with --password-stdin.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import getpass
import secrets
import signal
import sys
from datetime import timedelta
from typing import TextIO

import uvicorn
from pydantic import ValidationError
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from tanggap.dashboard.adapters.db import create_engine
from tanggap.dashboard.adapters.migrate import migrate
from tanggap.dashboard.adapters.rebuild import RebuildPlan, rebuild
from tanggap.dashboard.domain.errors import DashboardError, UserExists
from tanggap.dashboard.domain.roles import Role
from tanggap.dashboard.main import access_tokens, create_app, password_hashing
from tanggap.dashboard.service.auth import AuthService
from tanggap.dashboard.settings import Settings
from tanggap.dashboard.worker import ProjectorWorker
from tanggap.streaming.logging import configure_logging

DEMO_OPERATORS: tuple[tuple[str, str, Role, str], ...] = (
    ("cc.operator", "Operator Command Center", Role.COMMAND_CENTER, "command-center"),
    ("camat.cibeber", "Camat Cibeber", Role.CAMAT, "kecamatan:36.72.01"),
    ("lurah.cibeber", "Lurah Cibeber", Role.LURAH, "kelurahan:36.72.01.1001"),
    ("lurah.kedaleman", "Lurah Kedaleman", Role.LURAH, "kelurahan:36.72.01.1002"),
    ("camat.citangkil", "Camat Citangkil", Role.CAMAT, "kecamatan:36.72.08"),
    ("polsek.cibeber", "Polsek Cibeber", Role.POLICE, "polsek:cibeber"),
    ("polres.cilegon", "Polres Cilegon", Role.POLICE, "polres:cilegon"),
    ("dishub.operator", "Operator Dishub", Role.AGENCY, "dishub"),
    ("dlh.operator", "Operator DLH", Role.AGENCY, "dlh"),
    ("viewer.walikota", "Staf Walikota (lihat saja)", Role.VIEWER, "command-center"),
)
"""Real units of Kota Cilegon (Kemendagri codes; polsek from police.json)."""


def main(
    argv: list[str] | None = None,
    *,
    settings: Settings | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> None:
    """The console script; settings and streams can be given (tests, embedding)."""
    args = _parser().parse_args(argv)
    try:
        settings = settings or Settings()
    except ValidationError as exc:
        problems = "; ".join(str(e["msg"]) for e in exc.errors())
        sys.exit(f"tanggap-dashboard: refusing to start: {problems}")
    _io.stdin = stdin or sys.stdin
    _io.stdout = stdout or sys.stdout
    try:
        if args.command == "serve":
            # A factory: uvicorn builds the app inside its event loop, where the
            # Kafka clients must be created.
            uvicorn.run(
                functools.partial(create_app, settings),
                factory=True,
                host=settings.http_host,
                port=settings.http_port,
                log_config=None,
            )
        else:
            asyncio.run(_run(args, settings))
    except DashboardError as exc:
        sys.exit(f"{exc.code}: {exc.detail}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tanggap-dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP service (and the projector)")
    commands.add_parser("project", help="run the projector alone")
    commands.add_parser("migrate", help="upgrade the database schema")
    rebuild_cmd = commands.add_parser("rebuild", help="rebuild the read model from the topics")
    rebuild_cmd.add_argument("--keep-old", action="store_true", help="keep the replaced schema")
    rebuild_cmd.add_argument("--batch", type=int, default=500, help="records per transaction")

    user = commands.add_parser("user", help="operators").add_subparsers(
        dest="action", required=True
    )
    create = user.add_parser("create", help="create an operator")
    create.add_argument("--username", required=True)
    create.add_argument("--display-name")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--unit", required=True, help="e.g. kelurahan:36.72.01.1001, dishub")
    create.add_argument("--password-stdin", action="store_true")
    reset = user.add_parser("reset-password", help="set a new password, end all sessions")
    reset.add_argument("--username", required=True)
    reset.add_argument("--password-stdin", action="store_true")
    user.add_parser("list", help="list operators")

    seed = commands.add_parser("seed-demo", help="create the demo operators, print their logins")
    seed.add_argument(
        "--password-stdin", action="store_true", help="one password for all (else random each)"
    )
    return parser


async def _run(args: argparse.Namespace, settings: Settings) -> None:
    configure_logging(settings.service_name, level=settings.log_level)
    if args.command == "project":
        await _project(settings)
        return
    await migrate(
        settings.database_url,
        settings.database_schema,
        migrations_path=settings.migrations_path,
        data_path=settings.data_path,
    )
    if args.command == "rebuild":
        await _rebuild(settings, keep_old=args.keep_old, batch=args.batch)
    elif args.command in ("user", "seed-demo"):
        engine = create_engine(settings.database_url, settings.database_schema, pool_size=2)
        auth = AuthService(
            engine,
            hashing=password_hashing(settings),
            access_tokens=access_tokens(settings),
            refresh_ttl=timedelta(days=settings.refresh_token_days),
        )
        try:
            await _operators(args, auth)
        finally:
            await engine.dispose()


async def _project(settings: Settings) -> None:
    engine = create_engine(settings.database_url, settings.database_schema)
    await migrate(
        settings.database_url,
        settings.database_schema,
        migrations_path=settings.migrations_path,
        data_path=settings.data_path,
    )
    worker = ProjectorWorker(settings, engine)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, worker.stop)
    try:
        await worker.run()
    finally:
        await engine.dispose()


async def _rebuild(settings: Settings, *, keep_old: bool, batch: int) -> None:
    plan = RebuildPlan(
        database_url=settings.database_url,
        bootstrap_servers=settings.kafka_bootstrap,
        live_schema=settings.database_schema,
        topics=settings.projected_topics,
        migrations_path=settings.migrations_path,
        data_path=settings.data_path,
        batch=batch,
        keep_old=keep_old,
    )
    columns = (
        TextColumn("replaying topics"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} records"),
        TimeRemainingColumn(),
    )
    with Progress(*columns) as bar:
        task = bar.add_task("replay", total=0)
        report = await rebuild(
            plan, lambda done, total: bar.update(task, completed=done, total=total)
        )
    _say(
        f"rebuilt {report.new_schema}: {report.replayed:,} records replayed, "
        f"{report.applied:,} events applied, {report.delta:,} arrived during the rebuild"
    )
    if report.old_schema:
        _say(f"the replaced schema is kept as {report.old_schema}")


class _Streams:
    stdin: TextIO = sys.stdin
    stdout: TextIO = sys.stdout


_io = _Streams()


def _say(line: str) -> None:
    """The CLI's output is for people (the logs are structured, on stderr)."""
    _io.stdout.write(line + "\n")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return _io.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        sys.exit("the passwords differ")
    return first


async def _operators(args: argparse.Namespace, auth: AuthService) -> None:
    if args.command == "seed-demo":
        await _seed_demo(auth, _password(True) if args.password_stdin else None)
    elif args.action == "create":
        role = Role(args.role)
        principal = await auth.create_user(
            username=args.username,
            display_name=args.display_name or args.username,
            role=role,
            unit_id=args.unit,
            password=_password(args.password_stdin),
        )
        _say(f"created {principal.username} ({role.value}, {principal.unit_id})")
    elif args.action == "reset-password":
        await auth.reset_password(args.username, _password(args.password_stdin))
        _say(f"password of {args.username} reset; its sessions are ended")
    else:
        for row in await auth.list_users():
            state = "disabled" if row.disabled else "active"
            _say(f"{row.username:20} {row.role:15} {row.unit_id:28} {state}")


async def _seed_demo(auth: AuthService, password: str | None) -> None:
    """Create the demo operators. With one password given (--password-stdin)
    every demo operator gets it, existing ones too, so a demo script can log in;
    without, new ones get a random password each and existing ones keep theirs."""
    _say("demo operators (username / password / role / unit):")
    for username, name, role, unit in DEMO_OPERATORS:
        chosen = password or secrets.token_urlsafe(9)
        try:
            await auth.create_user(
                username=username, display_name=name, role=role, unit_id=unit, password=chosen
            )
        except UserExists:
            if password is None:
                _say(f"  {username:18} (exists, password unchanged)  {role.value:15} {unit}")
                continue
            await auth.reset_password(username, password)
        _say(f"  {username:18} {chosen:28} {role.value:15} {unit}")
