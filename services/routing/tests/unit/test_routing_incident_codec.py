"""The changelog record keeps the whole aggregate: an incident that went through
most of its life reads back equal, and a record of another version is refused."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import tanggap.schemas.commands as commands
import tanggap.schemas.events as ce
from tanggap.routing.adapters.incident_codec import (
    ChangelogFormatError,
    decode_incident,
    encode_incident,
)
from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.commands import RejectReason
from tanggap.routing.domain.incident import Incident
from tanggap.routing.rulesource import RuleSource
from tanggap.routing.service import RoutingService
from tanggap.routing.state import Batch, IncidentStore
from tanggap.schemas.common import Actor, ActorKind, uuid7

EXAMPLES = Path(__file__).resolve().parents[4] / "schemas" / "examples"
DATA = Path(__file__).resolve().parents[2] / "data"
NOW = datetime(2027, 1, 12, 13, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def lived(catalog: Catalog) -> Incident:
    """An incident escalated, reassigned, referenced, commented and resolved."""
    service = RoutingService(
        RuleSource(catalog, rules_path=DATA / "rules.yaml", units_path=DATA / "units.yaml")
    )
    batch = Batch(IncidentStore())
    report = ce.ReportSubmitted.model_validate_json(
        (
            EXAMPLES / "id.cilegon.tanggap.report.submitted/jalan-rusak-native-with-photo.json"
        ).read_text()
    )
    [incident] = service.route_report(report, batch, NOW).changed
    batch.put(incident)
    batch.keep(service.run_timers(incident.category, batch, NOW + timedelta(hours=25)).changed)
    cc = Actor(kind=ActorKind.OPERATOR, id="op-cc", unit_id="command-center")
    at = NOW + timedelta(hours=26)
    for model, extra in (
        (commands.ReassignIncident, {"to_unit_id": "bpjn:banten", "reason": "jalan nasional"}),
        (commands.CommentIncident, {"text": "sudah dikoordinasikan"}),
        (commands.LinkExternalReference, {"reference": "BPJN/12", "agency_unit_id": "bpjn:banten"}),
        (commands.ResolveIncident, {"note": "ditambal", "proof_media_ids": ["foto-1.webp"]}),
    ):
        command = model(
            command_id=uuid7(), incident_id=incident.id, actor=cc, issued_at=at, **extra
        )
        changed = service.decide_command(command, batch, at).changed
        assert changed
        batch.keep(changed)
    final = batch.get(incident.id)
    assert final is not None
    return final


def test_a_lived_incident_reads_back_equal(lived: Incident) -> None:
    assert lived.escalations
    assert lived.references
    assert lived.seen_command_ids
    assert lived.resolved_at is not None
    assert decode_incident(encode_incident(lived)) == lived


def test_every_field_is_written(lived: Incident) -> None:
    rejected = replace(
        lived, rejection_reason=RejectReason.DUPLICATE, duplicate_of="x", title="Judul"
    )
    record = json.loads(encode_incident(rejected))
    assert set(record["incident"]) == {f.name for f in fields(Incident)}
    assert decode_incident(encode_incident(rejected)) == rejected


@pytest.mark.parametrize(
    "value",
    [b"not json", b'{"v": 2, "incident": {}}', b'{"v": 1, "incident": {"id": "x"}}', b"[]"],
)
def test_unreadable_records_are_refused(value: bytes) -> None:
    with pytest.raises(ChangelogFormatError):
        decode_incident(value)
