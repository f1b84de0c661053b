"""Every example payload fits its model and its committed JSON Schema, and uses
only real Cilegon geography, units and categories."""

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from tanggap.schemas.registry import EVENT_TYPES

SCHEMAS_DIR = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((SCHEMAS_DIR / "examples").glob("*/*.json"))
EXAMPLE_IDS = [f"{path.parent.name}/{path.stem}" for path in EXAMPLES]
# The reference data lives beside the repo in the shared workspace, or in it.
DATA_CANDIDATES = [
    SCHEMAS_DIR.parent / "shared" / "data" / "cilegon",
    SCHEMAS_DIR.parent.parent / "shared" / "data" / "cilegon",
]


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_type_has_an_example_and_every_example_a_type() -> None:
    example_types = {path.parent.name for path in EXAMPLES}
    assert example_types == set(EVENT_TYPES)


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_IDS)
def test_example_fits_model_and_is_canonical(path: Path) -> None:
    model = EVENT_TYPES[path.parent.name]
    raw = path.read_bytes()
    message = model.model_validate_json(raw, extra="forbid")  # examples carry no stray fields
    assert message.model_dump(mode="json") == json.loads(raw)


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_IDS)
def test_example_fits_committed_json_schema(path: Path) -> None:
    schema = json.loads((SCHEMAS_DIR / "jsonschema" / f"{path.parent.name}.json").read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_load(path))]
    assert errors == []


def test_json_schema_catches_what_the_model_refuses() -> None:
    # The two must agree on the rules other languages rely on.
    path = SCHEMAS_DIR / "jsonschema" / "id.cilegon.tanggap.report.submitted.json"
    validator = Draft202012Validator(json.loads(path.read_text()))
    example = _load(
        EXAMPLES[
            EXAMPLE_IDS.index("id.cilegon.tanggap.report.submitted/jalan-rusak-native-with-photo")
        ]
    )
    for field, bad in [
        ("submitted_at", "2026-11-30T02:14:05"),
        ("report_id", "not-a-uuid"),
        ("privacy", "secret"),
    ]:
        assert not validator.is_valid({**example, field: bad}), field
    assert validator.is_valid({**example, "added_later": 1}), "events stay open to new fields"


# --------------------------------------------------------------------------- geography


@cache
def _data_dir() -> Path:
    for candidate in DATA_CANDIDATES:
        if (candidate / "kelurahan.geojson").is_file():
            return candidate
    pytest.skip("shared/data/cilegon not found")


@cache
def _reference() -> dict[str, Any]:
    folder = _data_dir()
    kelurahan = json.loads((folder / "kelurahan.geojson").read_text())["features"]
    kecamatan = json.loads((folder / "kecamatan.geojson").read_text())["features"]
    catalogue = json.loads((folder / "units_and_categories.json").read_text())
    police = json.loads((folder / "police.json").read_text())
    units = {unit["id"] for unit in catalogue["units"] if "<" not in unit["id"]}
    units |= {f"kelurahan:{f['properties']['kode']}" for f in kelurahan}
    units |= {f"kecamatan:{f['properties']['kode']}" for f in kecamatan}
    units |= {entry["unit"] for entry in police["kecamatan"]}
    return {
        "kelurahan": {f["properties"]["kode"]: f["properties"]["kelurahan"] for f in kelurahan},
        "kecamatan": {f["properties"]["kode"]: f["properties"]["kecamatan"] for f in kecamatan},
        "kelurahan_features": kelurahan,
        "units": units,
        "categories": {category["code"] for category in catalogue["categories"]},
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_IDS)
def test_example_uses_real_areas_units_and_categories(path: Path) -> None:
    ref = _reference()
    for key, value, parent in _walk(_load(path)):
        if key == "category":
            assert value in ref["categories"]
        if key in ("kelurahan", "nearest_kelurahan") and isinstance(value, dict):
            assert ref["kelurahan"].get(value["kode"]) == value["name"]
        if key == "kecamatan" and isinstance(value, dict):
            assert ref["kecamatan"].get(value["kode"]) == value["name"]
        if key.endswith("unit_id") and value is not None:
            assert value in ref["units"], value
        if key == "id" and "type" in parent:  # a UnitRef
            assert value in ref["units"], value
        if key == "external_refs":
            assert set(value) <= ref["units"]


def _located(path: Path) -> bool:
    document = _load(path)
    return isinstance(document.get("location"), dict) and isinstance(document.get("area"), dict)


@pytest.mark.parametrize("path", [p for p in EXAMPLES if _located(p)], ids=lambda p: p.stem)
def test_example_points_lie_in_their_kelurahan(path: Path) -> None:
    shapely_geometry = pytest.importorskip("shapely.geometry")
    document = _load(path)
    point, area = document["location"], document["area"]
    feature = next(
        f
        for f in _reference()["kelurahan_features"]
        if f["properties"]["kode"] == area["kelurahan"]["kode"]
    )
    polygon = shapely_geometry.shape(feature["geometry"])
    assert polygon.contains(shapely_geometry.Point(point["lon"], point["lat"]))


def _walk(node: Any, parent: Any = None) -> Iterator[tuple[str, Any, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value, node
            yield from _walk(value, node)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, parent)
