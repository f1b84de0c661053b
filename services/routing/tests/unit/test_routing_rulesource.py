"""Rules reload without a restart: a valid file replaces the rule book, a broken
one is refused with file:line: field and the old rule book stays."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tanggap.routing.catalog import Catalog
from tanggap.routing.rulesource import RuleSource, RulesRefused, contract_problems

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    rules, units = tmp_path / "rules.yaml", tmp_path / "units.yaml"
    shutil.copy(DATA / "rules.yaml", rules)
    shutil.copy(DATA / "units.yaml", units)
    return rules, units


def test_a_valid_file_replaces_the_rule_book(catalog: Catalog, files: tuple[Path, Path]) -> None:
    rules, units = files
    source = RuleSource(catalog, rules_path=rules, units_path=units)
    old = source.rulebook.version
    rules.write_text(rules.read_text().replace(f'version: "{old}"', 'version: "uji-2"'))
    reloaded = source.reload()
    assert (reloaded.previous_version, reloaded.version) == (old, "uji-2")
    assert source.rulebook.version == "uji-2"
    assert reloaded.categories == len(source.rulebook.categories)


def test_a_broken_file_is_refused_and_the_old_rules_stay(
    catalog: Catalog, files: tuple[Path, Path]
) -> None:
    rules, units = files
    source = RuleSource(catalog, rules_path=rules, units_path=units)
    before = source.rulebook
    text = rules.read_text()
    line = text[: text.index('within: "PT24H"')].count("\n") + 1
    rules.write_text(text.replace('within: "PT24H"', 'within: "PT24X"', 1))
    with pytest.raises(RulesRefused) as refused:
        source.reload()
    assert refused.value.problems[0].startswith(f"rules.yaml:{line}: categories[")
    assert "PT24X" in refused.value.problems[0]
    assert source.rulebook is before


def test_a_unit_file_that_loses_a_kelurahan_is_refused(
    catalog: Catalog, files: tuple[Path, Path]
) -> None:
    rules, units = files
    source = RuleSource(catalog, rules_path=rules, units_path=units)
    lines = units.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if '- id: "kelurahan:' in line)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("- "))
    units.write_text("".join(lines[:start] + lines[end:]))
    with pytest.raises(RulesRefused):
        source.reload()


def test_rules_the_contract_cannot_carry_are_refused(
    catalog: Catalog, files: tuple[Path, Path]
) -> None:
    rules, units = files
    text = rules.read_text()
    rules.write_text(
        text.replace(
            'acknowledge: {clock: "calendar", within: "PT24H"}',
            'acknowledge: {clock: "external", within: null}',
            1,
        )
    )
    source = RuleSource(catalog, rules_path=DATA / "rules.yaml", units_path=units)
    with pytest.raises(RulesRefused) as refused:
        source.check(rules)
    assert "acknowledge: needs a duration" in refused.value.problems[0]
    assert contract_problems(catalog.rulebook) == []
