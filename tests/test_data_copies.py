"""Data files two services both carry (each service stands on its own, so it
ships its own copy) must not drift apart: the same kelurahan, the same units."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COPIES = ["kelurahan.geojson", "kecamatan.geojson", "police.json", "units.yaml"]


@pytest.mark.parametrize("name", COPIES)
def test_the_dashboard_carries_routings_file_unchanged(name: str) -> None:
    routing = ROOT / "services" / "routing" / "data" / name
    dashboard = ROOT / "services" / "dashboard-api" / "data" / name
    assert dashboard.read_bytes() == routing.read_bytes(), (
        f"{dashboard} differs from {routing}: copy routing's (units.yaml is generated "
        "by services/routing/data/build_rules.py)"
    )
