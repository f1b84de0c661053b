"""The backward-compatibility check: each breaking change is flagged, additive ones pass."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from tanggap.schemas.compat import (
    Incompatibility,
    baseline_dir,
    check_against_baseline,
    compare_schemas,
    main,
    update_baseline,
)
from tanggap.schemas.events import ReportRouted, ReportSubmitted
from tanggap.schemas.generate import json_schema


def _kinds(found: list[Incompatibility]) -> list[tuple[str, str]]:
    return [(item.path, item.kind) for item in found]


def _routed() -> dict[str, Any]:
    return json_schema(ReportRouted)


def test_current_schemas_are_compatible_with_the_released_baseline() -> None:
    assert baseline_dir().is_dir()
    assert [str(item) for item in check_against_baseline()] == []


def test_identical_and_annotation_only_changes_pass() -> None:
    new = _routed()
    new["properties"]["merged"]["description"] = "reworded"
    new["title"] = "Renamed title"
    new["x-note"] = "extensions are annotations"
    assert compare_schemas(_routed(), new) == []


def test_adding_an_optional_field_passes() -> None:
    new = _routed()
    new["properties"]["routing_ms"] = {
        "anyOf": [{"type": "number"}, {"type": "null"}],
        "default": None,
    }
    assert compare_schemas(_routed(), new) == []


def test_removing_a_field_breaks() -> None:
    new = _routed()
    del new["properties"]["rule_id"]
    new["required"].remove("rule_id")
    assert _kinds(compare_schemas(_routed(), new)) == [("rule_id", "field_removed")]


def test_renaming_a_field_breaks() -> None:
    new = _routed()
    new["properties"]["rule"] = new["properties"].pop("rule_id")
    new["required"] = ["rule" if name == "rule_id" else name for name in new["required"]]
    assert _kinds(compare_schemas(_routed(), new)) == [
        ("rule_id", "field_removed"),
        ("rule", "required_field_added"),
    ]


def test_changing_a_type_breaks() -> None:
    new = _routed()
    new["properties"]["merged"] = {"type": "string"}
    assert _kinds(compare_schemas(_routed(), new)) == [("merged", "type_changed")]


def test_making_a_field_nullable_breaks() -> None:
    new = _routed()
    new["properties"]["rule_id"] = {"anyOf": [new["properties"]["rule_id"], {"type": "null"}]}
    assert ("rule_id", "type_changed") in _kinds(compare_schemas(_routed(), new))


def test_making_an_optional_field_required_breaks() -> None:
    new = _routed()
    new["required"].append("coastal_snap_m")
    assert _kinds(compare_schemas(_routed(), new)) == [("coastal_snap_m", "field_now_required")]


def test_adding_a_required_field_breaks() -> None:
    new = _routed()
    new["properties"]["district"] = {"type": "string"}
    new["required"].append("district")
    assert _kinds(compare_schemas(_routed(), new)) == [("district", "required_field_added")]


def test_changes_inside_shared_definitions_are_found_with_their_path() -> None:
    old = json_schema(ReportSubmitted)
    new = copy.deepcopy(old)
    del new["$defs"]["Location"]["properties"]["accuracy_m"]
    new["$defs"]["Privacy"]["enum"].remove("confidential")
    new["$defs"]["MediaRef"]["properties"]["sha256"]["pattern"] = "^[0-9a-f]{40}$"
    found = _kinds(compare_schemas(old, new))
    assert ("location<anyOf0>.accuracy_m", "field_removed") in found
    assert ("privacy", "enum_changed") in found
    assert ("media[items].sha256", "constraint_changed") in found


def test_adding_an_enum_value_breaks_old_readers() -> None:
    old = json_schema(ReportSubmitted)
    new = copy.deepcopy(old)
    new["$defs"]["Channel"]["enum"].append("whatsapp")
    found = compare_schemas(old, new, "t")
    assert [(f.path, f.kind) for f in found] == [("channel", "enum_changed")]
    assert "added ['whatsapp']" in str(found[0])


def test_real_pydantic_model_changes() -> None:
    class V1(BaseModel):
        report_id: str
        note: str | None = None

    class V2Additive(BaseModel):
        report_id: str
        note: str | None = None
        channel: str | None = None

    class V3NoteRequired(BaseModel):
        report_id: str
        note: str | None

    class V4IdNumber(BaseModel):
        report_id: int
        note: str | None = None

    v1 = V1.model_json_schema()
    assert compare_schemas(v1, V2Additive.model_json_schema()) == []
    assert _kinds(compare_schemas(v1, V3NoteRequired.model_json_schema())) == [
        ("note", "field_now_required")
    ]
    assert _kinds(compare_schemas(v1, V4IdNumber.model_json_schema())) == [
        ("report_id", "type_changed")
    ]


def test_removed_message_type_and_cli(tmp_path: Path) -> None:
    assert main(["--update-baseline", "--baseline", str(tmp_path)]) == 0
    assert main(["--baseline", str(tmp_path)]) == 0
    (tmp_path / "id.cilegon.tanggap.report.forgotten.json").write_text(
        json.dumps({"type": "object"})
    )
    found = check_against_baseline(tmp_path)
    assert _kinds(found) == [("", "type_removed")]
    assert main(["--baseline", str(tmp_path)]) == 1
    path = tmp_path / "id.cilegon.tanggap.report.routed.json"
    released = json.loads(path.read_text())
    released["properties"]["legacy"] = {"type": "string"}
    path.write_text(json.dumps(released))
    assert ("legacy", "field_removed") in _kinds(check_against_baseline(tmp_path))
    changed = {p.name for p in update_baseline(tmp_path)}
    assert changed == {"id.cilegon.tanggap.report.forgotten.json", path.name}
    assert check_against_baseline(tmp_path) == []


@pytest.mark.parametrize("kind", ["anyOf", "oneOf"])
def test_alternatives_added_or_removed_break(kind: str) -> None:
    old = {"properties": {"x": {kind: [{"type": "string"}, {"type": "null"}]}}}
    new = {"properties": {"x": {kind: [{"type": "string"}]}}}
    assert _kinds(compare_schemas(old, new)) == [("x", "type_changed")]
