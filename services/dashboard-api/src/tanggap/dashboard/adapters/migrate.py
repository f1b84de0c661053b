"""Running the Alembic migrations of one schema, in-process.

Several instances may start at once: an advisory lock per schema lets one
migrate while the others wait, and then find nothing left to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard.adapters.db import create_engine


def _config(migrations_path: Path, schema: str, data_path: Path, connection: Any) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_path))
    config.attributes.update(connection=connection, schema=schema, data_path=data_path)
    return config


async def migrate(
    database_url: str, schema: str, *, migrations_path: Path, data_path: Path
) -> None:
    """Create the schema if needed and upgrade it to the newest revision."""
    engine = create_engine(database_url, schema, pool_size=1)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                {"key": f"tanggap-dashboard-migrate:{schema}"},
            )
            await connection.execute(text("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public"))
            await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))

            def upgrade(sync_connection: Any) -> None:
                config = _config(migrations_path, schema, data_path, sync_connection)
                command.upgrade(config, "head")

            await connection.run_sync(upgrade)
    finally:
        await engine.dispose()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


def head_revision(migrations_path: Path) -> str | None:
    config = Config()
    config.set_main_option("script_location", str(migrations_path))
    return ScriptDirectory.from_config(config).get_current_head()
