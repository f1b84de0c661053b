"""Fixtures of intake's integration tests: one migrated schema and one set of
topics per test module, the app running in-process against the real broker
and database (the test kit is importable by name: ../conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from intake_testkit import (
    Topics,
    drop_schema,
    new_schema,
    new_topics,
    remove_topics,
    settings_for,
)

from tanggap.intake.settings import Settings


@pytest.fixture(scope="module")
async def schema(database_url: str) -> AsyncIterator[str]:
    name = await new_schema(database_url)
    yield name
    await drop_schema(database_url, name)


@pytest.fixture(scope="module")
async def topics(kafka_bootstrap: str) -> AsyncIterator[Topics]:
    created = await new_topics(kafka_bootstrap)
    yield created
    await remove_topics(kafka_bootstrap, created)


@pytest.fixture(scope="module")
def settings(
    database_url: str,
    kafka_bootstrap: str,
    schema: str,
    topics: Topics,
    tmp_path_factory: pytest.TempPathFactory,
) -> Settings:
    return settings_for(
        database_url=database_url,
        schema=schema,
        kafka_bootstrap=kafka_bootstrap,
        topics=topics,
        media_dir=tmp_path_factory.mktemp("media"),
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that stop the shared broker run after everything else, so that
    they interrupt no other test of the same run."""
    items.sort(key=lambda item: item.get_closest_marker("kafka_restart") is not None)
