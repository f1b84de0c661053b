from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.dedup import (
    DedupMatch,
    IncidentIndex,
    OpenIncidentRef,
    find_attachment,
)
from tanggap.routing.domain.geo import CILEGON, Point
from tanggap.routing.domain.priority import DEFAULT_BOOSTS, Priority, boosted
from tanggap.routing.domain.sla import WIB

ORIGIN = Point(106.02, -6.0)
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=WIB)


def east(metres: float, of: Point = ORIGIN) -> Point:
    return CILEGON.lonlat(CILEGON.xy(of)[0] + metres, CILEGON.xy(of)[1])


def incident(
    incident_id: str,
    point: Point,
    category: str = "sampah",
    last_report_ago: timedelta = timedelta(hours=1),
    status: str = "open",
) -> OpenIncidentRef:
    return OpenIncidentRef(
        id=incident_id,
        category=category,
        point=point,
        opened_at=NOW - last_report_ago - timedelta(hours=1),
        last_report_at=NOW - last_report_ago,
        status=status,
        report_count=1,
    )


def match(catalog: Catalog, index: IncidentIndex, category: str, point: Point) -> DedupMatch | None:
    return find_attachment(
        index,
        category=category,
        point=point,
        reported_at=NOW,
        policy=catalog.rulebook.categories[category].dedup,
    )


def test_radius(catalog: Catalog) -> None:
    index = IncidentIndex()
    index.upsert(incident("a", ORIGIN))
    found = match(catalog, index, "sampah", east(149))
    assert found is not None
    assert found.incident.id == "a"
    assert found.distance_m == pytest.approx(149, abs=0.01)
    assert match(catalog, index, "sampah", east(151)) is None


def test_banjir_has_a_500_m_radius(catalog: Catalog) -> None:
    index = IncidentIndex()
    index.upsert(incident("flood", ORIGIN, category="banjir"))
    assert match(catalog, index, "banjir", east(480)) is not None
    assert match(catalog, index, "banjir", east(520)) is None


def test_window_counts_from_the_last_report(catalog: Catalog) -> None:
    index = IncidentIndex()
    index.upsert(incident("recent", ORIGIN, last_report_ago=timedelta(hours=5, minutes=59)))
    index.upsert(incident("stale", east(10), last_report_ago=timedelta(hours=6, minutes=1)))
    found = match(catalog, index, "sampah", east(12))
    assert found is not None
    assert found.incident.id == "recent"
    index.remove("recent")
    assert match(catalog, index, "sampah", east(12)) is None


def test_only_the_same_category_and_open_incidents(catalog: Catalog) -> None:
    index = IncidentIndex()
    index.upsert(incident("road", ORIGIN, category="jalan-rusak"))
    index.upsert(incident("done", east(5), status="resolved"))
    assert "done" not in index
    assert match(catalog, index, "sampah", east(3)) is None
    index.upsert(incident("road", ORIGIN, category="jalan-rusak", status="closed"))
    assert len(index) == 0


def test_nearest_wins_and_ties_go_to_the_earliest_id(catalog: Catalog) -> None:
    index = IncidentIndex()
    index.upsert(incident("0192-b", east(100)))
    index.upsert(incident("0192-c", east(30)))
    found = match(catalog, index, "sampah", east(50))
    assert found is not None
    assert found.incident.id == "0192-c"
    index.upsert(incident("0192-a", east(70)))  # also 20 m away
    found = match(catalog, index, "sampah", east(50))
    assert found is not None
    assert found.incident.id == "0192-a"


def test_lookup_reads_only_nearby_cells() -> None:
    index = IncidentIndex(cell_m=250)
    for i in range(2000):  # a row of incidents 100 m apart, 200 km long
        index.upsert(incident(f"i{i:05d}", east(100 * i)))
    nearby = list(index.near("sampah", east(50_000), 150))
    # cells reach 1 cell each side: at most 3 x 250 m of the row = 8 incidents
    assert 1 <= len(nearby) <= 8
    assert list(index.near("banjir", east(50_000), 150)) == []


@pytest.mark.parametrize(
    ("base", "count", "expected"),
    [
        (Priority.NORMAL, 1, Priority.NORMAL),
        (Priority.NORMAL, 3, Priority.HIGH),
        (Priority.NORMAL, 9, Priority.HIGH),
        (Priority.NORMAL, 10, Priority.URGENT),
        (Priority.HIGH, 3, Priority.URGENT),
        (Priority.URGENT, 50, Priority.URGENT),
        (Priority.LOW, 10, Priority.HIGH),
    ],
)
def test_priority_rises_with_the_report_count(
    base: Priority, count: int, expected: Priority
) -> None:
    assert boosted(base, count, DEFAULT_BOOSTS) is expected


def test_rule_file_boosts_are_the_documented_ones(catalog: Catalog) -> None:
    assert catalog.rulebook.settings.priority_boost == DEFAULT_BOOSTS
