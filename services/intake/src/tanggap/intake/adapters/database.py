"""The PostgreSQL connection pool. Queries are plain SQL on asyncpg: the
request path is the hot path of the service, and SQLAlchemy's async bridge
costs more per statement than the statement itself (docs/adr/0012).
Alembic (SQLAlchemy) only runs the migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from tanggap.intake.domain.errors import DatabaseUnavailable

# What asyncpg raises when the server is gone or refuses us, as opposed to a
# statement that is wrong (which is a bug and must surface as one).
UNAVAILABLE = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,
    TimeoutError,
)


async def create_pool(
    database_url: str, schema: str, *, size: int, synchronous_commit: bool = True
) -> asyncpg.Pool:
    """A pool whose connections all see ``schema`` first. Connections are made
    lazily (min_size 0) so that the service starts while the database is down
    and answers 503 until it is back. ``synchronous_commit=False`` makes a
    pool for writes that may be lost in a database crash (docs/adr/0012)."""
    settings = {"search_path": schema, "application_name": "tanggap-intake"}
    if not synchronous_commit:
        settings["synchronous_commit"] = "off"
    return await asyncpg.create_pool(
        database_url,
        reset=_keep_session,
        min_size=0,
        max_size=size,
        command_timeout=10,
        timeout=5,
        server_settings=settings,
    )


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Intake never changes a session (no SET, LISTEN, session advisory lock
    or cursor outside a transaction): skip the reset query asyncpg sends on
    every release, a round trip per group-committed batch on the report path.
    asyncpg still rolls back a transaction left open before calling this."""


def unavailable(exc: BaseException) -> DatabaseUnavailable:
    return DatabaseUnavailable(f"basis data tidak tersedia ({type(exc).__name__})")


@contextmanager
def database_errors() -> Iterator[None]:
    """Turns "the database is not there" into ``DatabaseUnavailable`` (503);
    any other database error is a bug and propagates as it is."""
    try:
        yield
    except UNAVAILABLE as exc:
        raise unavailable(exc) from exc
