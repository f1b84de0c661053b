"""The versioned data files agree with their sources and with each other."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tanggap.routing.catalog import Catalog, consistency_problems
from tanggap.routing.domain.units import UnitType

SHARED = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "cilegon"
needs_shared = pytest.mark.skipif(
    not (SHARED / "units_and_categories.json").exists(),
    reason=f"the shared research data is not at {SHARED}",
)


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SHARED / "units_and_categories.json").read_text())
    return data


def test_files_agree_with_each_other(catalog: Catalog) -> None:
    assert consistency_problems(catalog.geography, catalog.units, catalog.roads) == []
    assert catalog.units.version == catalog.rulebook.version


def test_every_kelurahan_and_kecamatan_is_a_unit(
    catalog: Catalog, raw_kelurahan: list[dict[str, Any]]
) -> None:
    for feature in raw_kelurahan:
        props = feature["properties"]
        unit = catalog.units.unit(f"kelurahan:{props['kode']}")
        assert unit.name == f"Kelurahan {props['kelurahan']}"
        assert unit.type is UnitType.KELURAHAN
        assert unit.parent == f"kecamatan:{props['kecamatan_kode']}"
        assert catalog.units.chain_above(unit.id) == (unit.parent, "command-center")
    kecamatan = [u for u in catalog.units if u.type is UnitType.KECAMATAN]
    assert len(kecamatan) == 8
    assert all(u.name.startswith("Kecamatan ") for u in kecamatan)


def test_polsek_per_kecamatan_keeps_police_json(catalog: Catalog, data_dir: Path) -> None:
    police = json.loads((data_dir / "police.json").read_text())
    for entry in police["kecamatan"]:
        unit = catalog.units.unit(f"kecamatan:{entry['kecamatan_kode']}")
        assert unit.polsek == entry["unit"]
        assert unit.polsek_confidence == entry["confidence"]
        assert unit.polsek_note == entry["note"]
        assert catalog.units.chain_above(entry["unit"]) == ("polres:cilegon", "command-center")
    for special in police["special_units"]:
        assert catalog.units.unit(special["unit"]).type is UnitType.POLSEK


@needs_shared
def test_units_cover_the_catalogue(catalog: Catalog, catalogue: dict[str, Any]) -> None:
    for entry in catalogue["units"]:
        if "<" in entry["id"]:
            continue  # templates: kelurahan:<kode>, kecamatan:<kode>, polsek:<name>
        unit = catalog.units.unit(entry["id"])
        assert unit.name == entry["name"]
        assert unit.abbreviation == entry["abbr"]
        expected = {"police": "polres"}.get(entry["kind"], entry["kind"])
        assert unit.type.value == expected


@needs_shared
def test_rules_mirror_the_catalogue(catalog: Catalog, catalogue: dict[str, Any]) -> None:
    assert set(catalog.rulebook.categories) == {c["code"] for c in catalogue["categories"]}
    for entry in catalogue["categories"]:
        rule = catalog.rulebook.categories[entry["code"]]
        assert rule.handler == entry["routing"]["primary"]
        assert list(rule.copied) == entry["routing"]["copy"]
        assert rule.priority.value == entry["priority"]
        assert rule.emergency == entry["emergency"]
        for term in ("acknowledge", "first_action", "resolve"):
            ours = getattr(rule.sla, term)
            assert ours.clock.value == entry["sla"][term]["clock"]
            assert (ours.within.text if ours.within else None) == entry["sla"][term]["within"]
        assert rule.dedup.radius_m == entry.get("incident_radius_m", 150)
        assert rule.dedup.window.text == "PT6H"


@needs_shared
def test_build_script_reproduces_the_committed_yaml(data_dir: Path, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_rules", data_dir / "build_rules.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_rules"] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["build_rules"]
    version = catalog_version(data_dir)
    assert module.main(["--source", str(SHARED), "--out", str(tmp_path), "--version", version]) == 0
    for name in ("units.yaml", "rules.yaml"):
        assert (tmp_path / name).read_text() == (data_dir / name).read_text(), name


def catalog_version(data_dir: Path) -> str:
    for line in (data_dir / "rules.yaml").read_text().splitlines():
        if line.startswith("version:"):
            return line.split(":", 1)[1].strip().strip('"')
    raise AssertionError("no version line")
