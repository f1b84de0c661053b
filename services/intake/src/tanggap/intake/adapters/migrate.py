"""Running the Alembic migrations of one schema, in-process.

Several instances may start at once: an advisory lock per schema lets one
migrate while the others wait, and then find nothing left to do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

DEFAULT_MIGRATIONS = Path(__file__).resolve().parents[4] / "migrations"


def sqlalchemy_url(database_url: str) -> str:
    """asyncpg's DSN as SQLAlchemy's asyncpg dialect wants it."""
    scheme, _, rest = database_url.partition("://")
    if scheme not in ("postgresql", "postgres", "postgresql+asyncpg"):
        raise ValueError(f"not a PostgreSQL URL: {scheme}://")
    return f"postgresql+asyncpg://{rest}"


async def migrate(
    database_url: str, schema: str, *, migrations_dir: Path = DEFAULT_MIGRATIONS
) -> None:
    """Create the schema if needed and upgrade it to the newest revision."""
    engine = create_async_engine(sqlalchemy_url(database_url), pool_size=1)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                {"key": f"tanggap-intake-migrate:{schema}"},
            )
            await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            await connection.execute(text(f'SET LOCAL search_path TO "{schema}"'))

            def upgrade(sync_connection: Any) -> None:
                config = Config()
                config.set_main_option("script_location", str(migrations_dir))
                config.attributes.update(connection=sync_connection, schema=schema)
                command.upgrade(config, "head")

            await connection.run_sync(upgrade)
    finally:
        await engine.dispose()
