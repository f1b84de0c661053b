from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tanggap.routing.catalog import Catalog, load_rulebook, load_units
from tanggap.routing.domain.sla import ClockKind
from tanggap.routing.domain.yamlsource import SourceError


def line_of(text: str, needle: str, start: str = "") -> int:
    """1-based line of the first ``needle`` after the first ``start``."""
    offset = text.index(start) if start else 0
    return text[: text.index(needle, offset)].count("\n") + 1


def broken(data_dir: Path, tmp_path: Path, old: str, new: str, start: str = "") -> tuple[Path, str]:
    text = (data_dir / "rules.yaml").read_text()
    offset = text.index(start) if start else 0
    at = text.index(old, offset)
    text = text[:at] + new + text[at + len(old) :]
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return path, text


def load_error(path: Path, catalog: Catalog) -> str:
    with pytest.raises(SourceError) as info:
        load_rulebook(path, units=catalog.units, calendar=catalog.calendar)
    return str(info.value)


def test_the_real_rules_load(catalog: Catalog) -> None:
    rulebook = catalog.rulebook
    assert rulebook.version
    assert len(rulebook.categories) == 32
    assert rulebook.categories["banjir"].dedup.radius_m == 500
    assert rulebook.categories["jalan-rusak"].sla.resolve.clock is ClockKind.WORKING_DAYS


def test_invalid_duration_names_file_line_and_field(
    catalog: Catalog, data_dir: Path, tmp_path: Path
) -> None:
    path, text = broken(
        data_dir, tmp_path, 'within: "P14D"}', 'within: "P14X"}', start="  jalan-rusak:"
    )
    line = line_of(text, "P14X")
    message = load_error(path, catalog)
    assert (
        f"rules.yaml:{line}: categories[jalan-rusak].sla.resolve.within: "
        "invalid ISO 8601 duration 'P14X'"
    ) in message


def test_unknown_unit_is_refused(catalog: Catalog, data_dir: Path, tmp_path: Path) -> None:
    path, text = broken(data_dir, tmp_path, 'handler: "dpupr"', 'handler: "dpupx"')
    line = line_of(text, '"dpupx"')
    message = load_error(path, catalog)
    assert f"rules.yaml:{line}: categories[jalan-rusak].handler: unknown unit 'dpupx'" in message


def test_unknown_unit_in_a_subrule_copy(catalog: Catalog, data_dir: Path, tmp_path: Path) -> None:
    path, text = broken(
        data_dir, tmp_path, 'copy: ["dpupr", "kecamatan:<point>"]', 'copy: ["dpupr", "bpbj"]'
    )
    line = line_of(text, '"bpbj"')
    message = load_error(path, catalog)
    assert f"rules.yaml:{line}: categories[jalan-rusak].rules[1].copy[1]: unknown unit" in message


def test_unknown_field_and_missing_field(catalog: Catalog, data_dir: Path, tmp_path: Path) -> None:
    path, text = broken(data_dir, tmp_path, "    emergency: false\n", "    emergensi: false\n")
    line = line_of(text, "emergensi")
    message = load_error(path, catalog)
    assert f"rules.yaml:{line}: categories[jalan-rusak].emergensi: unknown field" in message
    assert "categories[jalan-rusak].emergency: required field missing" in message


def test_working_day_clock_in_hours_is_refused(
    catalog: Catalog, data_dir: Path, tmp_path: Path
) -> None:
    path, _ = broken(
        data_dir,
        tmp_path,
        '{clock: "working_days", within: "P14D"}',
        '{clock: "working_days", within: "PT8H"}',
    )
    message = load_error(path, catalog)
    assert (
        "categories[jalan-rusak].sla.resolve.within: a working_days clock takes whole days"
        in message
    )


def test_bad_answer_value_and_unknown_area(
    catalog: Catalog, data_dir: Path, tmp_path: Path
) -> None:
    path, text = broken(data_dir, tmp_path, 'status_jalan: ["tol"]', 'status_jalan: ["tool"]')
    message = load_error(path, catalog)
    assert (
        f"rules.yaml:{line_of(text, 'tool')}: categories[jalan-rusak].rules[5].when.answers"
        in message
    )
    assert "'tool' is not an answer to 'status_jalan'" in message
    path, _ = broken(data_dir, tmp_path, '{area: ["merak-port"]}', '{area: ["cilegon-port"]}')
    assert "unknown area 'cilegon-port'" in load_error(path, catalog)


def test_unquoted_time_of_day_is_refused(catalog: Catalog, data_dir: Path, tmp_path: Path) -> None:
    # YAML 1.1 reads 18:00 as the sexagesimal integer 1080
    path, _ = broken(data_dir, tmp_path, 'start: "18:00"', "start: 18:00")
    message = load_error(path, catalog)
    assert "time_of_day.start: expected a quoted 'HH:MM' time, got 1080" in message


def test_duplicate_keys_and_syntax_errors(catalog: Catalog, data_dir: Path, tmp_path: Path) -> None:
    twice = '    priority: "normal"\n    priority: "high"\n'
    path, text = broken(data_dir, tmp_path, '    priority: "normal"\n', twice)
    line = line_of(text, 'priority: "high"')
    message = load_error(path, catalog)
    assert f"rules.yaml:{line}: categories[jalan-rusak].priority: duplicate key" in message
    path = tmp_path / "rules.yaml"
    path.write_text("version: '1'\ncategories: {a: [1, 2}\n")
    assert load_error(path, catalog).startswith("rules.yaml:2: YAML syntax")


def test_units_errors_name_line_and_field(data_dir: Path, tmp_path: Path) -> None:
    text = (data_dir / "units.yaml").read_text()
    text = text.replace('parent: "kecamatan:36.72.01"', 'parent: "kecamatan:36.72.02"', 1)
    text = text.replace('polsek: "polsek:cibeber"', 'polsek: "polsek:cibebr"', 1)
    path = tmp_path / "units.yaml"
    path.write_text(text)
    with pytest.raises(SourceError) as info:
        load_units(path)
    message = str(info.value)
    first_kelurahan = text.index('id: "kelurahan:36.72.01.1001"')
    parent_line = line_of(text, 'parent: "kecamatan:36.72.02"', 'id: "kelurahan:36.72.01.1001"')
    assert first_kelurahan > 0
    assert f"units.yaml:{parent_line}: units[" in message
    assert "kelurahan 36.72.01.1001 belongs to kecamatan:36.72.01" in message
    assert "polsek: unknown polsek 'polsek:cibebr'" in message


def test_rulebook_is_immutable(catalog: Catalog) -> None:
    rulebook = catalog.rulebook
    with pytest.raises(dataclasses.FrozenInstanceError):
        rulebook.version = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        rulebook.categories["x"] = rulebook.categories["lainnya"]  # type: ignore[index]
    with pytest.raises(ValueError, match="frozen"):
        rulebook.categories["lainnya"].priority = "high"  # type: ignore[assignment]


def test_reloading_gives_a_new_equal_rulebook(catalog: Catalog, data_dir: Path) -> None:
    again = load_rulebook(data_dir / "rules.yaml", units=catalog.units, calendar=catalog.calendar)
    assert again is not catalog.rulebook
    assert again.version == catalog.rulebook.version
    assert dict(again.categories) == dict(catalog.rulebook.categories)
