"""Load the routing data files into the immutable domain objects.

This is the only place that reads files; the domain gets parsed data. Build a
:class:`Catalog` once at start-up; to reload the rules, call
:func:`load_rulebook` again and swap the reference (the old object stays valid
for decisions already in flight).

Data layout (``services/routing/data/``, see its SOURCE.md)::

    kelurahan.geojson  kecamatan.geojson  roads.geojson  holidays.json
    units.yaml  rules.yaml  police.json (source notes only)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tanggap.routing.domain.geography import Geography
from tanggap.routing.domain.roads import DEFAULT_ROAD_DISTANCE_M, RoadNetwork
from tanggap.routing.domain.rules import RuleBook, parse_rulebook
from tanggap.routing.domain.sla import WorkingCalendar
from tanggap.routing.domain.units import UnitRegistry, UnitType, parse_units


def default_data_dir() -> Path:
    """``services/routing/data`` of a source checkout; a deployment passes its own."""
    return Path(__file__).resolve().parents[4] / "data"


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def load_geography(data_dir: Path) -> Geography:
    return Geography.from_geojson(
        read_json(data_dir / "kelurahan.geojson"), read_json(data_dir / "kecamatan.geojson")
    )


def load_roads(
    path: Path, *, default_max_distance_m: float = DEFAULT_ROAD_DISTANCE_M
) -> RoadNetwork:
    return RoadNetwork.from_geojson(read_json(path), default_max_distance_m=default_max_distance_m)


def load_calendar(path: Path) -> WorkingCalendar:
    return WorkingCalendar.from_holidays_json(read_json(path))


def load_units(path: Path) -> UnitRegistry:
    return parse_units(path.read_text(encoding="utf-8"), source=path.name)


def load_rulebook(path: Path, *, units: UnitRegistry, calendar: WorkingCalendar) -> RuleBook:
    return parse_rulebook(
        path.read_text(encoding="utf-8"), units=units, calendar=calendar, source=path.name
    )


@dataclass(frozen=True)
class Catalog:
    geography: Geography
    roads: RoadNetwork
    units: UnitRegistry
    calendar: WorkingCalendar
    rulebook: RuleBook


def load_catalog(
    data_dir: Path | None = None,
    *,
    roads_path: Path | None = None,
    units_path: Path | None = None,
    rules_path: Path | None = None,
    holidays_path: Path | None = None,
) -> Catalog:
    """Load everything and check that the files agree with each other."""
    data_dir = data_dir or default_data_dir()
    geography = load_geography(data_dir)
    units = load_units(units_path or data_dir / "units.yaml")
    calendar = load_calendar(holidays_path or data_dir / "holidays.json")
    rulebook = load_rulebook(rules_path or data_dir / "rules.yaml", units=units, calendar=calendar)
    roads = load_roads(
        roads_path or data_dir / "roads.geojson",
        default_max_distance_m=rulebook.settings.road_max_distance_m,
    )
    problems = consistency_problems(geography, units, roads)
    if problems:
        raise ValueError("routing data files disagree:\n" + "\n".join(problems))
    return Catalog(geography, roads, units, calendar, rulebook)


def consistency_problems(
    geography: Geography, units: UnitRegistry, roads: RoadNetwork | None = None
) -> list[str]:
    """Every polygon has its unit and vice versa; every road owner is a unit."""
    problems = []
    polygons = {f"kelurahan:{k.kode}" for k in geography.kelurahan_list} | {
        f"kecamatan:{k.kode}" for k in geography.kecamatan_list
    }
    registered = {u.id for u in units if u.type in (UnitType.KELURAHAN, UnitType.KECAMATAN)}
    problems += [
        f"{u}: polygon without a unit in units.yaml" for u in sorted(polygons - registered)
    ]
    problems += [f"{u}: unit without a polygon" for u in sorted(registered - polygons)]
    for kel in geography.kelurahan_list:
        unit = units.get(f"kelurahan:{kel.kode}")
        if unit is not None and unit.parent != f"kecamatan:{kel.kecamatan_kode}":
            problems.append(f"{unit.id}: parent {unit.parent} but polygon in {kel.kecamatan_kode}")
    if roads is not None:
        problems += [
            f"road owner {o!r} is not a unit" for o in sorted(roads.owners) if o not in units
        ]
    return problems
