from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest
from shapely.geometry import shape
from shapely.ops import nearest_points

from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.geo import CILEGON, LocalProjection, Point
from tanggap.routing.domain.geography import Location, OutsideJurisdiction

M_PER_DEG_LAT = 110_574.0  # at 6 degrees south, for test geometry only


def _vincenty_m(p1: Point, p2: Point) -> float:
    """WGS84 ellipsoidal distance (Vincenty's inverse formula), an independent reference."""
    a, f = 6_378_137.0, 1 / 298.257_223_563
    b = (1 - f) * a
    u1 = math.atan((1 - f) * math.tan(math.radians(p1.lat)))
    u2 = math.atan((1 - f) * math.tan(math.radians(p2.lat)))
    lon = lam = math.radians(p2.lon - p1.lon)
    for _ in range(200):
        sin_s = math.hypot(
            math.cos(u2) * math.sin(lam),
            math.cos(u1) * math.sin(u2) - math.sin(u1) * math.cos(u2) * math.cos(lam),
        )
        cos_s = math.sin(u1) * math.sin(u2) + math.cos(u1) * math.cos(u2) * math.cos(lam)
        sigma = math.atan2(sin_s, cos_s)
        sin_a = math.cos(u1) * math.cos(u2) * math.sin(lam) / sin_s
        cos2_a = 1 - sin_a**2
        cos_2sm = cos_s - 2 * math.sin(u1) * math.sin(u2) / cos2_a if cos2_a else 0.0
        c = f / 16 * cos2_a * (4 + f * (4 - 3 * cos2_a))
        previous = lam
        lam = lon + (1 - c) * f * sin_a * (
            sigma + c * sin_s * (cos_2sm + c * cos_s * (-1 + 2 * cos_2sm**2))
        )
        if abs(lam - previous) < 1e-12:
            break
    u_sq = cos2_a * (a**2 - b**2) / b**2
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta = (
        big_b
        * sin_s
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_s * (-1 + 2 * cos_2sm**2)
                - big_b / 6 * cos_2sm * (-3 + 4 * sin_s**2) * (-3 + 4 * cos_2sm**2)
            )
        )
    )
    return b * big_a * (sigma - delta)


def test_counts_and_names(catalog: Catalog, raw_kelurahan: list[dict[str, Any]]) -> None:
    geography = catalog.geography
    assert len(geography.kelurahan_list) == 43
    assert len(geography.kecamatan_list) == 8
    per_kecamatan = Counter(k.kecamatan_kode for k in geography.kelurahan_list)
    assert per_kecamatan == Counter(f["properties"]["kecamatan_kode"] for f in raw_kelurahan)
    assert geography.kelurahan("36.72.08.1007").display_name == "Kelurahan Citangkil"
    assert geography.kecamatan("36.72.06").display_name == "Kecamatan Gerogol"


def test_interior_points_land_in_the_sampled_kelurahan(
    catalog: Catalog,
    raw_kelurahan: list[dict[str, Any]],
    interior_points: dict[str, list[Point]],
) -> None:
    kecamatan_of = {
        f["properties"]["kode"]: f["properties"]["kecamatan_kode"] for f in raw_kelurahan
    }
    assert len(interior_points) == 43
    for kode, points in interior_points.items():
        assert len(points) >= 5
        for point in points:
            located = catalog.geography.locate(point)
            assert isinstance(located, Location), (kode, point)
            assert located.kelurahan.kode == kode, point
            assert located.kecamatan.kode == kecamatan_of[kode]
            assert not located.snapped
            assert located.snap_distance_m == 0
            # sampled >= ~110 m from the polygon's boundary, so from any shared border too
            assert located.border_distance_m is not None
            assert located.border_distance_m >= 100


def _shared_vertices(raw_kelurahan: list[dict[str, Any]]) -> dict[tuple[float, float], set[str]]:
    owners: dict[tuple[float, float], set[str]] = {}
    for feature in raw_kelurahan:
        geom = shape(feature["geometry"])
        polygons = getattr(geom, "geoms", [geom])
        for polygon in polygons:
            for x, y in polygon.exterior.coords:
                owners.setdefault((x, y), set()).add(feature["properties"]["kode"])
    return {xy: kodes for xy, kodes in owners.items() if len(kodes) > 1}


def test_point_on_a_shared_border_goes_to_the_lowest_kode(
    catalog: Catalog, raw_kelurahan: list[dict[str, Any]]
) -> None:
    shared = _shared_vertices(raw_kelurahan)
    assert shared
    triple = [xy for xy, kodes in shared.items() if len(kodes) >= 3]
    assert triple, "the coverage has triple points"
    checked = 0
    for (lon, lat), kodes in [*sorted(shared.items())[::25], (triple[0], shared[triple[0]])]:
        located = catalog.geography.locate(Point(lon, lat))
        assert isinstance(located, Location)
        assert located.kelurahan.kode == min(kodes)
        assert located.border_distance_m == pytest.approx(0, abs=0.01)
        # deterministic: the same answer every time
        assert catalog.geography.locate(Point(lon, lat)) == located
        checked += 1
    assert checked > 20


def test_midpoint_of_a_shared_edge_is_stable(
    catalog: Catalog, raw_kelurahan: list[dict[str, Any]]
) -> None:
    shared = _shared_vertices(raw_kelurahan)
    by_kode = {f["properties"]["kode"]: shape(f["geometry"]) for f in raw_kelurahan}
    a, b = "36.72.07.1001", "36.72.08.1007"  # Ramanuju / Citangkil
    edge = by_kode[a].boundary.intersection(by_kode[b].boundary)
    coords = [xy for xy in getattr(edge, "geoms", [edge])[0].coords]
    assert all(xy in shared for xy in coords)
    mid = Point((coords[0][0] + coords[1][0]) / 2, (coords[0][1] + coords[1][1]) / 2)
    results = {catalog.geography.locate(mid) for _ in range(3)}
    assert len(results) == 1
    (located,) = results
    assert isinstance(located, Location)
    assert located.kelurahan.kode in (a, b)
    assert located.border_distance_m is not None
    assert located.border_distance_m < 0.01


def _offshore(from_point: tuple[float, float], polygon: Any, metres: float) -> Point:
    """Move ``metres`` from the polygon's nearest point, away from it, through ``from_point``."""
    outside = shape({"type": "Point", "coordinates": from_point})
    nearest = nearest_points(polygon, outside)[0]
    dx, dy = outside.x - nearest.x, outside.y - nearest.y
    kx = M_PER_DEG_LAT * math.cos(math.radians(nearest.y))
    length_m = math.hypot(dx * kx, dy * M_PER_DEG_LAT)
    return Point(nearest.x + dx / length_m * metres, nearest.y + dy / length_m * metres)


def test_coastal_snap_near_the_merak_port(
    catalog: Catalog, raw_kelurahan: list[dict[str, Any]]
) -> None:
    # facilities.json pelabuhan_merak alt_coordinate: en.wikipedia, "~16 m offshore"
    wiki_en = (105.995278, -5.930833)
    tamansari = next(
        shape(f["geometry"]) for f in raw_kelurahan if f["properties"]["kode"] == "36.72.03.1001"
    )
    located = catalog.geography.locate(Point(*wiki_en))
    assert isinstance(located, Location)
    assert located.snapped
    assert located.kelurahan.name == "Tamansari"
    assert 10 < located.snap_distance_m < 25

    hundred = _offshore(wiki_en, tamansari, 100)
    assert not any(
        shape(f["geometry"]).covers(
            shape({"type": "Point", "coordinates": (hundred.lon, hundred.lat)})
        )
        for f in raw_kelurahan
    )
    located = catalog.geography.locate(hundred)
    assert isinstance(located, Location)
    assert located.snapped
    assert located.kelurahan.kode == "36.72.03.1001"
    assert 90 < located.snap_distance_m <= 100.5
    # the margin is configurable
    narrow = catalog.geography.locate(hundred, coastal_margin_m=50)
    assert isinstance(narrow, OutsideJurisdiction)
    assert narrow.nearest.kode == "36.72.03.1001"


def test_far_at_sea_is_outside_with_the_nearest_kelurahan(
    catalog: Catalog, raw_kelurahan: list[dict[str, Any]]
) -> None:
    at_sea = Point(105.88, -5.93)  # Sunda Strait, west of Merak
    located = catalog.geography.locate(at_sea)
    assert isinstance(located, OutsideJurisdiction)
    polygons = {f["properties"]["kode"]: shape(f["geometry"]) for f in raw_kelurahan}
    sea = shape({"type": "Point", "coordinates": (at_sea.lon, at_sea.lat)})
    nearest_kode = min(polygons, key=lambda k: polygons[k].distance(sea))
    assert located.nearest.kode == nearest_kode
    approx_m = polygons[nearest_kode].distance(sea) * M_PER_DEG_LAT
    assert located.distance_m > 5000
    assert located.distance_m == pytest.approx(approx_m, rel=0.02)


def test_projection_distances_match_the_ellipsoid() -> None:
    a = Point(106.0, -5.98)
    for dlon, dlat in [(0.001, 0), (0, 0.001), (0.005, 0.004), (-0.004, 0.006)]:
        b = Point(a.lon + dlon, a.lat + dlat)
        # within 1 km (every routing decision): well under 1 m, in fact under 0.2 m
        assert abs(CILEGON.distance_m(a, b) - _vincenty_m(a, b)) < 0.2
    far = Point(106.08, -6.08)  # corner of the city, ~14 km away
    assert CILEGON.distance_m(a, far) == pytest.approx(_vincenty_m(a, far), rel=5e-4)
    projection = LocalProjection()
    back = projection.lonlat(*projection.xy(far))
    assert (back.lon, back.lat) == pytest.approx((far.lon, far.lat))


def test_invalid_points_are_refused() -> None:
    with pytest.raises(ValueError, match="non-finite"):
        Point(float("nan"), -6.0)
    with pytest.raises(ValueError, match="out of range"):
        Point(106.0, -96.0)
