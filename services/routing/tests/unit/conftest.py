"""Fixtures for the routing domain tests: the real data, loaded once.

The raw GeoJSON is read here independently of the domain code, so tests can
compare the domain's answers against the files themselves.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import shape

from tanggap.routing.catalog import Catalog, load_catalog
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.sla import WIB

DATA = Path(__file__).resolve().parents[2] / "data"
SEED = 20261130
#: 0.001 degree is at least 110 m in any direction at 6 degrees south.
INSET_DEG = 0.001


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(DATA)


@pytest.fixture(scope="session")
def raw_kelurahan() -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads((DATA / "kelurahan.geojson").read_text())[
        "features"
    ]
    return features


@pytest.fixture(scope="session")
def raw_roads() -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads((DATA / "roads.geojson").read_text())["features"]
    return features


@pytest.fixture(scope="session")
def raw_holidays() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "holidays.json").read_text())
    return data


@pytest.fixture(scope="session")
def interior_points(raw_kelurahan: list[dict[str, Any]]) -> dict[str, list[Point]]:
    """Five points per kelurahan, each at least ~110 m inside its own polygon.

    Drawn with a fixed seed from the raw polygon shrunk by 0.001 degree; the
    key is the kode of the polygon sampled.
    """
    rng = random.Random(SEED)
    out: dict[str, list[Point]] = {}
    for feature in raw_kelurahan:
        inset = shape(feature["geometry"]).buffer(-INSET_DEG)
        assert not inset.is_empty, feature["properties"]["kode"]
        shapely.prepare(inset)
        minx, miny, maxx, maxy = inset.bounds
        points: list[Point] = []
        while len(points) < 5:
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shapely.contains_xy(inset, lon, lat):
                points.append(Point(round(lon, 7), round(lat, 7)))
        out[feature["properties"]["kode"]] = points
    return out


@pytest.fixture(scope="session")
def kecamatan_points(
    raw_kelurahan: list[dict[str, Any]], interior_points: dict[str, list[Point]]
) -> dict[str, Point]:
    """One interior point per kecamatan (of its lowest-kode kelurahan)."""
    out: dict[str, Point] = {}
    for feature in sorted(raw_kelurahan, key=lambda f: f["properties"]["kode"]):
        props = feature["properties"]
        out.setdefault(props["kecamatan_kode"], interior_points[props["kode"]][0])
    return out


@pytest.fixture
def friday_evening() -> datetime:
    return datetime(2026, 11, 27, 19, 0, tzinfo=WIB)
