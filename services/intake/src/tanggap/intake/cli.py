"""Command line of the intake service.

tanggap-intake serve                 the HTTP service (native API and Open311)
tanggap-intake project               the projection worker (docs/adr/0011)
tanggap-intake migrate               create/upgrade the `intake` schema (run before serve)
tanggap-intake api-key create NAME   issue an Open311 key (printed once, stored hashed)
tanggap-intake api-key revoke ID     revoke a client's key
tanggap-intake purge-keys [--days N] drop Idempotency-Key records older than N days
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime, timedelta

import uvicorn

from tanggap.intake import worker
from tanggap.intake.adapters.api_clients_repo import ApiClientRepository
from tanggap.intake.adapters.database import create_pool
from tanggap.intake.adapters.idempotency_repo import IdempotencyRepository
from tanggap.intake.adapters.migrate import migrate
from tanggap.intake.main import create_app
from tanggap.intake.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tanggap-intake")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP service")
    commands.add_parser("project", help="run the projection worker")
    commands.add_parser("migrate", help="create or upgrade the database schema")
    keys = commands.add_parser("api-key", help="Open311 API keys").add_subparsers(
        dest="action", required=True
    )
    keys.add_parser("create", help="issue a key for a client").add_argument("name")
    keys.add_parser("revoke", help="revoke a client's key").add_argument("client_id")
    purge = commands.add_parser("purge-keys", help="drop old Idempotency-Key records")
    purge.add_argument("--days", type=int, default=7)
    args = parser.parse_args(argv)

    settings = Settings()
    if args.command == "serve":
        uvicorn.run(
            create_app(settings),
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
            proxy_headers=True,
        )
    elif args.command == "project":
        worker.main(settings)
    elif args.command == "migrate":
        asyncio.run(
            migrate(
                settings.database_url,
                settings.database_schema,
                migrations_dir=settings.migrations_dir,
            )
        )
        _say(f"schema {settings.database_schema} is up to date")
    elif args.command == "api-key":
        asyncio.run(
            _api_key(
                settings, args.action, args.name if args.action == "create" else args.client_id
            )
        )
    elif args.command == "purge-keys":
        asyncio.run(_purge(settings, args.days))


async def _api_key(settings: Settings, action: str, subject: str) -> None:
    pool = await create_pool(settings.database_url, settings.database_schema, size=1)
    try:
        repository = ApiClientRepository(pool)
        if action == "create":
            client, api_key = await repository.create(subject)
            _say(f"client_id: {client.client_id}")
            _say(f"api_key:   {api_key}")
            sys.stderr.write("The key is shown once; only its SHA-256 is stored.\n")
        elif not await repository.revoke(subject):
            raise SystemExit(f"no active client {subject!r}")
    finally:
        await pool.close()


async def _purge(settings: Settings, days: int) -> None:
    pool = await create_pool(settings.database_url, settings.database_schema, size=1)
    try:
        removed = await IdempotencyRepository(pool).purge(datetime.now(UTC) - timedelta(days=days))
        _say(f"removed {removed} idempotency records older than {days} days")
    finally:
        await pool.close()


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
