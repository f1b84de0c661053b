"""Fixtures of the dashboard-api tests: a migrated schema of its own, topics of
its own, the app in-process. The tests folder goes on sys.path so that the test
kit imports by name (pytest runs with --import-mode=importlib)."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from tanggap.dashboard.adapters.db import create_engine  # noqa: E402
from tanggap.dashboard.adapters.migrate import migrate  # noqa: E402
from tanggap.dashboard.settings import PROJECTED_TOPICS, SERVICE_ROOT  # noqa: E402
from tanggap.schemas.topic_names import Topic  # noqa: E402
from tanggap.streaming import EventProducer  # noqa: E402
from tanggap.streaming.admin import TopicSpec, delete_topics, ensure_topics  # noqa: E402

MIGRATIONS = SERVICE_ROOT / "migrations"
DATA = SERVICE_ROOT / "data"


async def new_schema(database_url: str) -> str:
    schema = f"dash_{uuid.uuid4().hex[:10]}"
    await migrate(database_url, schema, migrations_path=MIGRATIONS, data_path=DATA)
    return schema


async def drop_schemas(database_url: str, prefix: str) -> None:
    engine = create_engine(database_url, "public", pool_size=1)
    async with engine.begin() as connection:
        names = (
            await connection.execute(
                text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"), {"p": prefix + "%"}
            )
        ).scalars()
        for name in list(names):
            await connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    await engine.dispose()


@pytest.fixture(scope="module")
async def schema(database_url: str) -> AsyncIterator[str]:
    """A migrated schema of this test module (with every schema a rebuild derives from it)."""
    name = await new_schema(database_url)
    yield name
    await drop_schemas(database_url, name)


@pytest.fixture(scope="module")
async def engine(database_url: str, schema: str) -> AsyncIterator[AsyncEngine]:
    found = create_engine(database_url, schema, pool_size=4)
    yield found
    await found.dispose()


@pytest.fixture(scope="module")
async def prefix(kafka_bootstrap: str) -> AsyncIterator[str]:
    """Topics of this test module: every projected topic, the commands, the dead letters."""
    value = f"t{uuid.uuid4().hex[:8]}."
    names = [value + t.value for t in (*PROJECTED_TOPICS, Topic.INCIDENT_COMMANDS)]
    names += [value + Topic.DEADLETTER_DASHBOARD_API.value, value + "deadletter.routing-standin"]
    await ensure_topics(kafka_bootstrap, [TopicSpec(name, partitions=2) for name in names])
    yield value
    await delete_topics(kafka_bootstrap, names)


@pytest.fixture(scope="module")
async def producer(kafka_bootstrap: str) -> AsyncIterator[EventProducer]:
    found = EventProducer(bootstrap_servers=kafka_bootstrap, service="test-upstream")
    await found.start()
    yield found
    await found.stop()
