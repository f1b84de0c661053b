from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
import shapely
from shapely.geometry import shape

from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.roads import RoadNetwork, RoadStatus

M_PER_DEG = 110_600.0  # rough metres per degree here; the tests' own geometry only


def offset_points(
    raw_roads: list[dict[str, Any]], status: str, metres: float, clear_m: float = 25.0
) -> list[tuple[Point, dict[str, Any]]]:
    """Points ``metres`` to the side of real segments of ``status``.

    A point is kept only when no other road line lies within ``clear_m`` of it
    (checked on the raw file, independently of the domain).
    """
    lines = [shape(f["geometry"]) for f in raw_roads]
    tree = shapely.STRtree(lines)
    found: list[tuple[Point, dict[str, Any]]] = []
    for index, (feature, line) in enumerate(zip(raw_roads, lines, strict=True)):
        if feature["properties"]["status"] != status:
            continue
        coords = list(line.coords)
        for (x1, y1), (x2, y2) in itertools.pairwise(coords):
            length = math.dist((x1, y1), (x2, y2))
            if length * M_PER_DEG < 15:
                continue
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            nx, ny = -(y2 - y1) / length, (x2 - x1) / length
            px, py = mx + nx * metres / M_PER_DEG, my + ny * metres / M_PER_DEG
            near = tree.query(
                shapely.Point(px, py), predicate="dwithin", distance=clear_m / M_PER_DEG
            )
            if [int(i) for i in near] == [index]:
                found.append((Point(px, py), feature))
                break  # one point per feature
        if len(found) == 3:
            break
    return found


@pytest.mark.parametrize("status", [s.value for s in RoadStatus])
def test_nearest_road_status_and_owner_5_m_off_real_segments(
    catalog: Catalog, raw_roads: list[dict[str, Any]], status: str
) -> None:
    samples = offset_points(raw_roads, status, 5.0)
    assert samples, f"no clear {status} segment found"
    for point, feature in samples:
        nearest = catalog.roads.nearest(point)
        assert nearest is not None
        assert nearest.status.value == status
        assert nearest.owner == feature["properties"]["owner"]
        assert 4.0 < nearest.distance_m < 6.0


def test_threshold_is_configurable(catalog: Catalog, raw_roads: list[dict[str, Any]]) -> None:
    samples = offset_points(raw_roads, "nasional", 45.0, clear_m=80.0)
    assert samples
    point, _ = samples[0]
    assert catalog.roads.nearest(point) is None  # default 30 m
    found = catalog.roads.nearest(point, max_distance_m=60)
    assert found is not None
    assert found.status is RoadStatus.NASIONAL
    assert 40 < found.distance_m < 50


def test_the_layer_has_every_status_and_known_owners(catalog: Catalog) -> None:
    assert len(catalog.roads) == 3986
    assert catalog.roads.owners == {
        "bpjn:banten",
        "tol:tangerang-merak",
        "pupr-banten:uptd-serang-cilegon",
        "dpupr",
        "disperkim",
    }


def test_a_junction_goes_to_the_higher_class() -> None:
    line = {"type": "LineString", "coordinates": [[106.0, -6.0], [106.01, -6.0]]}
    features = {
        "features": [
            {"geometry": line, "properties": {"status": "kota", "owner": "dpupr"}},
            {"geometry": line, "properties": {"status": "nasional", "owner": "bpjn:banten"}},
        ]
    }
    roads = RoadNetwork.from_geojson(features)
    nearest = roads.nearest(Point(106.005, -6.0001))
    assert nearest is not None
    assert nearest.status is RoadStatus.NASIONAL
    assert nearest.feature_index == 1


def test_bad_status_is_refused() -> None:
    bad = {
        "features": [
            {
                "geometry": {"type": "LineString", "coordinates": [[106, -6], [106.1, -6]]},
                "properties": {"status": "desa", "owner": "dpupr"},
            }
        ]
    }
    with pytest.raises(ValueError, match="bad status 'desa'"):
        RoadNetwork.from_geojson(bad)
