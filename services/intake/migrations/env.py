"""Alembic environment of the intake schema.

In the service, tanggap.intake.adapters.migrate runs the upgrade on a
connection whose search_path is the target schema (the live ``intake`` or a
test schema) and passes that connection and the schema name in
``config.attributes``. Run by hand (`alembic upgrade head` in
services/intake), it connects with the service's settings."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context


def run_with(connection: Any, schema: str) -> None:
    context.configure(connection=connection, version_table_schema=schema)
    with context.begin_transaction():
        context.run_migrations()


def run_standalone() -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from tanggap.intake.adapters.migrate import sqlalchemy_url
    from tanggap.intake.settings import Settings

    settings = Settings()
    schema = settings.database_schema

    async def run() -> None:
        engine = create_async_engine(sqlalchemy_url(settings.database_url), pool_size=1)
        try:
            async with engine.begin() as connection:
                await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
                await connection.execute(text(f'SET LOCAL search_path TO "{schema}"'))
                await connection.run_sync(run_with, schema)
        finally:
            await engine.dispose()

    asyncio.run(run())


config = context.config
if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run against a database")
if "connection" in config.attributes:
    run_with(config.attributes["connection"], config.attributes["schema"])
else:
    run_standalone()
