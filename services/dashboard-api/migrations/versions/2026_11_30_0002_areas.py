"""The 8 kecamatan and 43 kelurahan of Kota Cilegon: polygons and population.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Loaded from the service's data/ folder (see data/SOURCE.md); the folder is
passed by the migration runner in ``config.attributes["data_path"]``.
"""

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_INSERT = """
INSERT INTO {table} ({columns}, geom)
VALUES ({values}, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:geometry), 4326)))
"""


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _insert(table: str, row: dict[str, Any]) -> None:
    columns = [c for c in row if c != "geometry"]
    statement = _INSERT.format(
        table=table, columns=", ".join(columns), values=", ".join(f":{c}" for c in columns)
    )
    op.get_bind().execute(sa.text(statement), row)


def upgrade() -> None:
    data = Path(context.config.attributes["data_path"])
    population = _read(data / "population.json")
    kecamatan_people = {row["kode"]: row["population"] for row in population["kecamatan"]}
    kelurahan_people = {row["kode"]: row["population"] for row in population["kelurahan"]}
    for feature in _read(data / "kecamatan.geojson")["features"]:
        props = feature["properties"]
        _insert(
            "kecamatan",
            {
                "kode": props["kode"],
                "name": props["kecamatan"],
                "population": kecamatan_people.get(props["kode"]),
                "area_km2": props["area_km2"],
                "geometry": json.dumps(feature["geometry"]),
            },
        )
    for feature in _read(data / "kelurahan.geojson")["features"]:
        props = feature["properties"]
        _insert(
            "kelurahan",
            {
                "kode": props["kode"],
                "name": props["kelurahan"],
                "kecamatan_kode": props["kecamatan_kode"],
                "population": kelurahan_people.get(props["kode"]),
                "area_km2": props["area_km2"],
                "geometry": json.dumps(feature["geometry"]),
            },
        )


def downgrade() -> None:
    op.execute("DELETE FROM kelurahan")
    op.execute("DELETE FROM kecamatan")
