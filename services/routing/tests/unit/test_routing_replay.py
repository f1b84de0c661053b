"""Replay compares two rule books on the same reports, purely: a handler change
moves exactly the reports its rule decided, a version bump moves none."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import tanggap.schemas.events as ce
from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.rules import RuleBook, parse_rulebook
from tanggap.routing.replay import as_json, compare, render
from tanggap.schemas.common import Location, Privacy, uuid7

DATA = Path(__file__).resolve().parents[2] / "data"
AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def rulebook(catalog: Catalog, text: str) -> RuleBook:
    return parse_rulebook(text, units=catalog.units, calendar=catalog.calendar)


@pytest.fixture(scope="module")
def reports(interior_points: dict[str, list[Point]]) -> list[ce.ReportSubmitted]:
    out = []
    for kode in sorted(interior_points)[:12]:
        for category in ("jalan-rusak", "sampah"):
            point = interior_points[kode][0]
            out.append(
                ce.ReportSubmitted(
                    report_id=uuid7(),
                    submitted_at=AT,
                    category=category,
                    description="uji",
                    location=Location(lat=point.lat, lon=point.lon),
                    area_key=category,
                    privacy=Privacy.PUBLIC,
                    channel=ce.Channel.DEMO,
                )
            )
    return out


def test_a_handler_change_moves_the_reports_its_rule_decided(
    catalog: Catalog, reports: list[ce.ReportSubmitted]
) -> None:
    text = (DATA / "rules.yaml").read_text()
    head, tail = text.split("  jalan-rusak:", 1)
    changed = head + "  jalan-rusak:" + tail.replace('handler: "dpupr"', 'handler: "disperkim"', 1)
    result = compare(
        reports, catalog=catalog, current=catalog.rulebook, new=rulebook(catalog, changed)
    )
    assert result.reports == len(reports)
    by_unit = {unit: (before, after) for unit, before, after in result.by_unit()}
    moved = by_unit["disperkim"][1] - by_unit["disperkim"][0]
    assert moved > 0
    assert by_unit["dpupr"][0] - by_unit["dpupr"][1] == moved
    assert result.changed == moved
    assert all(e.category == "jalan-rusak" for e in result.examples)
    assert all(e.before.rule == e.after.rule == "jalan-rusak/default" for e in result.examples)
    table = render(result, source="reports.submitted")
    assert f"decisions that would change: {moved} " in table
    assert '"changed": ' + str(moved) in as_json(result)


def test_a_version_bump_changes_no_decision(
    catalog: Catalog, reports: list[ce.ReportSubmitted]
) -> None:
    text = (DATA / "rules.yaml").read_text()
    bumped = text.replace(f'version: "{catalog.rulebook.version}"', 'version: "uji-2"')
    result = compare(
        reports, catalog=catalog, current=catalog.rulebook, new=rulebook(catalog, bumped)
    )
    assert (result.changed, result.by_unit(), result.new_version) == (0, [], "uji-2")
