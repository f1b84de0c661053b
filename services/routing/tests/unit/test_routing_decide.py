from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import shape

from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.decide import (
    Answer,
    Rejection,
    RejectionReason,
    ReportFacts,
    RoutingDecision,
    route,
)
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.geography import OutsideJurisdiction
from tanggap.routing.domain.sla import WIB
from tanggap.routing.domain.units import UnitType

M_PER_DEG = 110_600.0
MERAK_PORT = Point(105.994333, -5.92975)  # facilities.json pelabuhan_merak (id.wikipedia)
BANTEN_PORT = Point(105.963444, -6.014139)  # facilities.json pelabuhan_banten_ciwandan


def decide(
    catalog: Catalog,
    category: str,
    point: Point | None,
    answers: dict[str, Answer] | None = None,
    now: datetime | None = None,
    reported_at: datetime | None = None,
) -> RoutingDecision | Rejection:
    return route(
        ReportFacts(category, point, answers or {}, reported_at),
        geography=catalog.geography,
        roads=catalog.roads,
        rulebook=catalog.rulebook,
        now=now or datetime(2026, 11, 30, 10, 0, tzinfo=WIB),
    )


def decided(*args: Any, **kwargs: Any) -> RoutingDecision:
    result = decide(*args, **kwargs)
    assert isinstance(result, RoutingDecision), result
    return result


def road_point(catalog: Catalog, raw_roads: list[dict[str, Any]], status: str) -> Point:
    """5 m off a real segment of ``status``, inside a kelurahan, no other road within 25 m.

    (The layer is clipped to the city + 200 m, so some segments lie outside it.)
    """
    lines = [shape(f["geometry"]) for f in raw_roads]
    tree = shapely.STRtree(lines)
    for index, feature in enumerate(raw_roads):
        if feature["properties"]["status"] != status:
            continue
        coords = list(lines[index].coords)
        for (x1, y1), (x2, y2) in itertools.pairwise(coords):
            length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
            if length * M_PER_DEG < 15:
                continue
            px = (x1 + x2) / 2 - (y2 - y1) / length * 5 / M_PER_DEG
            py = (y1 + y2) / 2 + (x2 - x1) / length * 5 / M_PER_DEG
            near = tree.query(shapely.Point(px, py), predicate="dwithin", distance=25 / M_PER_DEG)
            point = Point(px, py)
            located = catalog.geography.locate(point, coastal_margin_m=0)
            if [int(i) for i in near] == [index] and not isinstance(located, OutsideJurisdiction):
                return point
    raise AssertionError(f"no clear {status} road")


@pytest.fixture(scope="module")
def roadless_point(catalog: Catalog, interior_points: dict[str, list[Point]]) -> Point:
    for kode in sorted(interior_points):
        for point in interior_points[kode]:
            if catalog.roads.nearest(point, max_distance_m=60) is None:
                return point
    raise AssertionError("every sample point is near a road")


EXPECTED_ROAD_HANDLER = {
    "nasional": "bpjn:banten",
    "provinsi": "pupr-banten:uptd-serang-cilegon",
    "tol": "tol:tangerang-merak",
    "kota": "dpupr",
    "lingkungan": "disperkim",
}


@pytest.mark.parametrize("status", list(EXPECTED_ROAD_HANDLER))
def test_jalan_rusak_follows_the_road_status(
    catalog: Catalog, raw_roads: list[dict[str, Any]], status: str
) -> None:
    point = road_point(catalog, raw_roads, status)
    decision = decided(catalog, "jalan-rusak", point, {"status_jalan": "kota"})
    assert decision.rule_id == f"jalan-rusak/road-{status}"
    assert decision.handler.id == EXPECTED_ROAD_HANDLER[status]
    assert decision.road is not None
    assert decision.road.status.value == status
    assert decision.area is not None
    assert decision.owner.id == f"kecamatan:{decision.area.kecamatan_kode}"
    assert any(r.startswith(f"jalan terdekat: {status}") for r in decision.reasons)
    assert any(EXPECTED_ROAD_HANDLER[status] in r for r in decision.reasons)
    if status in ("nasional", "provinsi", "tol"):
        assert decision.deadlines.resolve_by is None  # forwarding only (catalogue sla.note)
    else:
        assert decision.deadlines.resolve_by is not None


@pytest.mark.parametrize(
    ("category", "status", "handler"),
    [
        ("lampu-lalu-lintas", "nasional", "bptd:banten"),
        ("penerangan-jalan", "provinsi", "pupr-banten:uptd-serang-cilegon"),
        ("kemacetan", "tol", "tol:tangerang-merak"),
        ("kecelakaan-lalu-lintas", "tol", "polres:cilegon"),
        ("banjir", "nasional", "bpbd"),
    ],
)
def test_other_categories_with_road_rules(
    catalog: Catalog, raw_roads: list[dict[str, Any]], category: str, status: str, handler: str
) -> None:
    decision = decided(catalog, category, road_point(catalog, raw_roads, status))
    assert decision.rule_id == f"{category}/road-{status}"
    assert decision.handler.id == handler
    if category == "banjir":
        assert "bpjn:banten" in {u.id for u in decision.copied}


def test_reporter_answer_decides_when_no_road_is_near(
    catalog: Catalog, roadless_point: Point
) -> None:
    decision = decided(catalog, "jalan-rusak", roadless_point, {"status_jalan": "nasional"})
    assert decision.road is None
    assert decision.rule_id == "jalan-rusak/answer-nasional"
    assert decision.handler.id == "bpjn:banten"
    assert "tidak ada jalan dalam 30 m" in decision.reasons
    assert any("jawaban status_jalan = nasional" in r for r in decision.reasons)
    for answers in ({"status_jalan": "tidak_tahu"}, {}):
        fallback = decided(catalog, "jalan-rusak", roadless_point, answers)
        assert fallback.rule_id == "jalan-rusak/default"
        assert fallback.handler.id == "dpupr"


def test_every_category_is_routable_in_every_kecamatan(
    catalog: Catalog, kecamatan_points: dict[str, Point]
) -> None:
    assert len(kecamatan_points) == 8
    owner_types = {
        "kelurahan": {UnitType.KELURAHAN},
        "kecamatan": {UnitType.KECAMATAN},
        "police": {UnitType.POLSEK, UnitType.POLRES},
        "command-center": {UnitType.COMMAND_CENTER},
    }
    for kode, point in kecamatan_points.items():
        for code, category in catalog.rulebook.categories.items():
            decision = decided(catalog, code, point)
            assert decision.area is not None
            assert decision.area.kecamatan_kode == kode
            assert decision.rule_id.startswith(f"{code}/")
            assert decision.owner.type in owner_types[category.owner.value], (code, kode)
            assert decision.handler.id in catalog.units
            assert decision.deadlines.acknowledge_by is not None
            assert decision.rules_version == catalog.rulebook.version
            assert decision.owner.id not in {u.id for u in decision.copied}
            assert decision.escalation_chain[-1:] in ((), ("command-center",))


def test_police_categories_go_to_the_polsek_of_police_json(
    catalog: Catalog, kecamatan_points: dict[str, Point], data_dir: Path
) -> None:
    police = json.loads((data_dir / "police.json").read_text())
    expected = {e["kecamatan_kode"]: e["unit"] for e in police["kecamatan"]}
    for kode, point in kecamatan_points.items():
        decision = decided(catalog, "kriminalitas", point)
        assert decision.owner.id == decision.handler.id == expected[kode]
        assert decision.escalation_chain == ("polres:cilegon", "command-center")
        threat = decided(catalog, "ancaman", point)
        assert threat.owner.id == "polres:cilegon"
        assert expected[kode] in {u.id for u in threat.copied}


def test_merak_port_area_takes_offshore_reports_and_goes_to_kskp(catalog: Catalog) -> None:
    # a point of the port circle (500 m) that is more than the coastal margin out at sea
    candidates = [
        Point(MERAK_PORT.lon + dx * 450 / M_PER_DEG, MERAK_PORT.lat + dy * 450 / M_PER_DEG)
        for dx, dy in [(-1, 0), (-0.7, 0.7), (-0.7, -0.7), (0, 1), (0, -1)]
    ]
    at_pier = next(
        p for p in candidates if isinstance(catalog.geography.locate(p), OutsideJurisdiction)
    )
    decision = decided(catalog, "kriminalitas", at_pier)
    assert decision.rule_id == "kriminalitas/area-merak-port"
    assert decision.owner.id == decision.handler.id == "polsek:kskp-merak"
    assert decision.area is not None
    assert decision.area.kelurahan_name == "Tamansari"
    assert decision.coastal_snap_m is not None
    assert decision.coastal_snap_m > 150
    assert decision.special_areas == ("merak-port",)
    queue = decided(catalog, "antrean-pelabuhan", at_pier)
    assert queue.handler.id == "asdp:merak"
    assert queue.owner.id == "kelurahan:36.72.03.1001"


def test_banten_port_area_goes_to_kskp_banten(catalog: Catalog) -> None:
    decision = decided(catalog, "kriminalitas", BANTEN_PORT)
    assert decision.rule_id == "kriminalitas/area-banten-port"
    assert decision.handler.id == "polsek:kskp-banten"


def test_unknown_category_and_outside_jurisdiction(catalog: Catalog) -> None:
    unknown = decide(catalog, "jalan-berlubang", MERAK_PORT)
    assert isinstance(unknown, Rejection)
    assert unknown.reason is RejectionReason.UNKNOWN_CATEGORY
    outside = decide(catalog, "banjir", Point(105.88, -5.93))
    assert isinstance(outside, Rejection)
    assert outside.reason is RejectionReason.OUTSIDE_JURISDICTION
    assert outside.nearest is not None
    assert outside.distance_m is not None
    assert outside.distance_m > 5000
    assert outside.nearest.kecamatan_name


def test_time_of_day_rule_for_parks(
    catalog: Catalog, interior_points: dict[str, list[Point]]
) -> None:
    point = interior_points["36.72.07.1001"][0]
    answers: dict[str, Answer] = {"masalah": "disalahgunakan"}
    night = datetime(2026, 11, 30, 22, 30, tzinfo=WIB)
    day = datetime(2026, 11, 30, 10, 0, tzinfo=WIB)
    at_night = decided(catalog, "taman", point, answers, now=night)
    assert at_night.rule_id == "taman/night-disalahgunakan"
    assert "satpolpp" in {u.id for u in at_night.copied}
    by_day = decided(catalog, "taman", point, answers, now=day)
    assert by_day.rule_id == "taman/default"
    # the report's own time counts, not the routing time
    late = decided(catalog, "taman", point, answers, now=day, reported_at=night - timedelta(days=1))
    assert late.rule_id == "taman/night-disalahgunakan"


def test_answer_rules_change_owner_when_the_police_test_changes(
    catalog: Catalog, interior_points: dict[str, list[Point]]
) -> None:
    point = interior_points["36.72.05.1001"][0]
    body = decided(catalog, "pmks", point, {"jenis": "jenazah"})
    assert body.owner.id == body.handler.id == "polres:cilegon"
    noise = decided(catalog, "keributan", point, {"jenis": "bising"})
    assert noise.handler.id == "satpolpp"
    assert noise.owner.id == "kelurahan:36.72.05.1001"
    fight = decided(catalog, "keributan", point, {"jenis": "tawuran"})
    assert fight.owner.type is UnitType.POLSEK


def test_modifiers_raise_priority_and_tighten_sla(
    catalog: Catalog, interior_points: dict[str, list[Point]]
) -> None:
    point = interior_points["36.72.02.1001"][0]
    now = datetime(2026, 11, 30, 10, 0, tzinfo=WIB)
    crime = decided(catalog, "kriminalitas", point, {"sedang_terjadi": "ya"}, now=now)
    assert crime.modifier_ids == ("kriminalitas/sedang-terjadi",)
    assert crime.deadlines.acknowledge_by == now + timedelta(minutes=15)
    drain = decided(catalog, "drainase", point, {"jenis": "tutup_hilang"})
    assert drain.priority.value == "high"
    many = decided(catalog, "pohon-tumbang", point, {"menimpa": ["kabel", "jalan"]})
    assert many.rule_id == "pohon-tumbang/answer-menimpa-jalan"


def test_reports_without_a_point(catalog: Catalog) -> None:
    adminduk = decided(catalog, "pelayanan-publik", None, {"layanan": "adminduk"})
    assert adminduk.owner.id == "command-center"
    assert adminduk.handler.id == "disdukcapil"
    assert adminduk.area is None
    assert adminduk.border_distance_m is None
    road = decided(catalog, "jalan-rusak", None)
    assert road.owner.id == "command-center"
    assert road.handler.id == "dpupr"
    crime = decided(catalog, "kriminalitas", None)
    assert crime.owner.id == crime.handler.id == "polres:cilegon"


def test_border_distance_is_reported_and_flagged(
    catalog: Catalog, raw_kelurahan: list[dict[str, Any]]
) -> None:
    ramanuju = next(
        shape(f["geometry"]) for f in raw_kelurahan if f["properties"]["kode"] == "36.72.07.1001"
    )
    citangkil = next(
        shape(f["geometry"]) for f in raw_kelurahan if f["properties"]["kode"] == "36.72.08.1007"
    )
    border = ramanuju.boundary.intersection(citangkil.boundary)
    on_border = border.interpolate(0.5, normalized=True)
    inside = shapely.Point(on_border.x, on_border.y)
    # step 40 m into Ramanuju, towards its representative point
    target = ramanuju.representative_point()
    dx, dy = target.x - inside.x, target.y - inside.y
    norm = (dx**2 + dy**2) ** 0.5
    point = Point(inside.x + dx / norm * 40 / M_PER_DEG, inside.y + dy / norm * 40 / M_PER_DEG)
    decision = decided(catalog, "sampah", point)
    assert decision.area is not None
    assert decision.area.kelurahan_kode == "36.72.07.1001"
    assert decision.border_distance_m is not None
    assert decision.border_distance_m < 45
    assert decision.border_ambiguous
    assert any("wilayah bisa ambigu" in r for r in decision.reasons)
    assert any(r.startswith("titik di Kelurahan Ramanuju") for r in decision.reasons)


def test_decisions_are_deterministic_and_need_an_aware_now(
    catalog: Catalog, interior_points: dict[str, list[Point]]
) -> None:
    point = interior_points["36.72.04.1003"][2]
    assert decided(catalog, "sampah", point) == decided(catalog, "sampah", point)
    with pytest.raises(ValueError, match="timezone-aware"):
        route(
            ReportFacts("sampah", point),
            geography=catalog.geography,
            roads=catalog.roads,
            rulebook=catalog.rulebook,
            now=datetime(2026, 11, 30, 10, 0),
        )
