"""Alembic environment of the dashboard schema.

In the service, tanggap.dashboard.adapters.migrate runs the upgrade on a
connection whose search_path is the target schema (the live ``dashboard``, a
rebuild schema, a test schema), and passes that connection, the schema name and
the data folder in ``config.attributes``. Run by hand (`alembic ...` in
services/dashboard-api), it connects with the service's settings.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context

from tanggap.dashboard.adapters.tables import metadata

config = context.config


def run_with(connection: Any, schema: str) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table_schema=schema,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_standalone() -> None:
    from tanggap.dashboard.adapters.db import create_engine
    from tanggap.dashboard.settings import Settings

    settings = Settings()
    config.attributes["schema"] = settings.database_schema
    config.attributes["data_path"] = settings.data_path

    async def run() -> None:
        engine = create_engine(settings.database_url, settings.database_schema, pool_size=1)
        async with engine.begin() as connection:
            await connection.run_sync(run_with, settings.database_schema)
        await engine.dispose()

    asyncio.run(run())


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run against a database")
if "connection" in config.attributes:
    run_with(config.attributes["connection"], config.attributes["schema"])
else:
    run_standalone()
