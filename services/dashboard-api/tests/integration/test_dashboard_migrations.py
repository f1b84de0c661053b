"""The migrations and tables.py describe the same schema, and the areas are
the real ones."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard.adapters.migrate import current_revision, head_revision
from tanggap.dashboard.adapters.tables import metadata
from tanggap.dashboard.settings import SERVICE_ROOT

pytestmark = [
    pytest.mark.integration,
    # Reflection does not know PostGIS's type; the columns are compared by name.
    pytest.mark.filterwarnings("ignore:Did not recognize type 'geometry'"),
]


def ours(name: str | None, type_: str, _parents: Any) -> bool:
    """PostGIS's own tables (spatial_ref_sys) live in public, on the search path."""
    return type_ != "table" or name in metadata.tables


async def test_migrated_schema_matches_the_tables(engine: AsyncEngine, schema: str) -> None:
    assert await current_revision(engine) == head_revision(SERVICE_ROOT / "migrations")

    def differences(connection: Any) -> list[Any]:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "version_table_schema": schema,
                "include_name": ours,
            },
        )
        return list(compare_metadata(context, metadata))

    async with engine.connect() as connection:
        found = await connection.run_sync(differences)
    assert found == []


async def test_the_areas_are_the_citys(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT count(*) AS kelurahan, sum(population) AS people, "
                    "bool_and(ST_IsValid(geom)) AS valid, "
                    "(SELECT count(*) FROM kecamatan) AS kecamatan FROM kelurahan"
                )
            )
        ).one()
        inside = await connection.scalar(
            text(
                "SELECT k.name FROM kelurahan k WHERE ST_Contains(k.geom, "
                "ST_SetSRID(ST_MakePoint(106.0537, -6.0174), 4326))"
            )
        )
    assert (row.kelurahan, row.kecamatan, row.valid) == (43, 8, True)
    assert row.people == 480_378  # population.json, kelurahan level
    assert inside is not None
