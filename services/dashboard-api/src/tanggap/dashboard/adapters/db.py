"""Engines bound to one schema: every connection's search_path is the schema
then ``public`` (where PostGIS lives), so tables are never schema-qualified in
queries and the same code serves the live schema and a rebuild."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def asyncpg_url(database_url: str) -> str:
    """``postgresql://`` as libpq and asyncpg write it -> SQLAlchemy's asyncpg dialect."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql+asyncpg://" + database_url[len(prefix) :]
    raise ValueError("database_url must be a postgresql:// URL")


def raw_url(database_url: str) -> str:
    """The URL asyncpg itself takes (for LISTEN and COPY connections)."""
    return "postgresql://" + asyncpg_url(database_url).split("://", 1)[1]


def create_engine(database_url: str, schema: str, *, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        asyncpg_url(database_url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        connect_args={
            "server_settings": {
                "search_path": f'"{schema}", public',
                "application_name": "tanggap-dashboard",
                "timezone": "UTC",
                # The read model's queries are short; JIT compiling them costs more
                # than it saves, and stalls a request for up to a second.
                "jit": "off",
                # asyncpg prepares every statement, and after five runs PostgreSQL
                # may keep a generic plan that cannot see how selective this bbox
                # or that status is (a 1.5 km box: 90 ms generic, 9 ms custom).
                "plan_cache_mode": "force_custom_plan",
            }
        },
    )


async def database_answers(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        return bool(await connection.scalar(text("SELECT 1")))
