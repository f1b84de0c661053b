"""The city's unit registry (`data/units.yaml`, routing's registry copied
unchanged): what an operator may pick as an incident's new owner."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True, slots=True)
class UnitEntry:
    id: str
    name: str
    abbreviation: str | None
    type: str


def load_units(path: Path) -> tuple[UnitEntry, ...]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        UnitEntry(
            id=str(unit["id"]),
            name=str(unit["name"]),
            abbreviation=unit.get("abbreviation"),
            type=str(unit["type"]),
        )
        for unit in document["units"]
    )
