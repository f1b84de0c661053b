"""The contract <-> domain mapping: every example of routing's inputs maps, every
domain event has its contract event, and what the contract forbids (a '/' in a
rule id, personal data on incidents.state) never leaves routing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import tanggap.schemas.commands as commands
import tanggap.schemas.events as ce
from tanggap.routing.adapters import contract
from tanggap.routing.catalog import Catalog
from tanggap.routing.domain import commands as dc
from tanggap.routing.domain import events as de
from tanggap.routing.domain.decide import ReportFacts, RoutingDecision
from tanggap.routing.domain.incident import EscalationRecord, Incident
from tanggap.routing.rulesource import RuleSource
from tanggap.routing.service import RoutingService
from tanggap.routing.state import Batch, IncidentStore
from tanggap.schemas.common import Actor, ActorKind, Command
from tanggap.schemas.registry import EVENT_TYPES

EXAMPLES = Path(__file__).resolve().parents[4] / "schemas" / "examples"
DATA = Path(__file__).resolve().parents[2] / "data"
NOW = datetime(2027, 1, 12, 13, 30, tzinfo=UTC)


def examples(prefix: str) -> list[tuple[str, Path]]:
    return [
        (folder.name, path)
        for folder in sorted(EXAMPLES.glob(f"id.cilegon.tanggap.{prefix}*"))
        for path in sorted(folder.glob("*.json"))
    ]


@pytest.fixture(scope="module")
def service(catalog: Catalog) -> RoutingService:
    return RoutingService(
        RuleSource(catalog, rules_path=DATA / "rules.yaml", units_path=DATA / "units.yaml")
    )


def test_every_report_example_is_routed_or_rejected_with_contract_events(
    service: RoutingService,
) -> None:
    batch = Batch(IncidentStore())
    outcomes = {}
    for _, path in examples("report.submitted"):
        report = ce.ReportSubmitted.model_validate_json(path.read_text())
        outcomes[path.stem] = service.route_report(report, batch, NOW)
        batch.keep(outcomes[path.stem].changed)
    assert outcomes["demo-outside-city"].events[0].reason.value == "outside_jurisdiction"
    assert outcomes["open311-not-located"].events[0].reason.value == "invalid_report"
    second = outcomes["banjir-second-report-confidential"].events
    assert [type(e) for e in second] == [ce.ReportRouted, ce.IncidentReportAttached]
    for outcome in outcomes.values():
        for event in outcome.events:
            # A round trip through JSON validates against the contract once more.
            type(event).model_validate_json(event.model_dump_json())
            if isinstance(event, ce.ReportRouted):
                assert "/" not in event.rule_id


COMMAND_EXAMPLES = [(t, p) for t, p in examples("command.") if issubclass(EVENT_TYPES[t], Command)]


@pytest.mark.parametrize(("ce_type", "path"), COMMAND_EXAMPLES)
def test_every_command_example_maps_to_a_domain_command(
    ce_type: str, path: Path, service: RoutingService
) -> None:
    command = EVENT_TYPES[ce_type].model_validate_json(path.read_text())
    assert isinstance(command, Command)
    decision = None
    if isinstance(command, commands.OpenIncident):
        decided = service.explain(
            ReportFacts(command.category, contract.point_of(command.location)), NOW
        )
        assert isinstance(decided, RoutingDecision)
        decision = decided
    mapped = contract.domain_command(command, decision=decision)
    assert (mapped.command_id, mapped.incident_id) == (command.command_id, command.incident_id)
    actor = command.actor
    if actor.kind in (ActorKind.OPERATOR, ActorKind.AGENCY):
        assert mapped.actor == dc.Actor.unit(actor.unit_id or "", operator=actor.id)
    elif actor.kind is ActorKind.CITIZEN:
        assert mapped.actor == dc.Actor.citizen(actor.id)


def test_every_domain_event_has_a_contract_event() -> None:
    domain_events = {cls for cls in vars(de).values() if _is_event(cls)}
    assert domain_events == set(contract._EVENTS)


def _is_event(value: object) -> bool:
    return (
        isinstance(value, type)
        and issubclass(value, de.DomainEvent)
        and value is not de.DomainEvent
    )


def test_every_domain_rejection_code_is_a_contract_code() -> None:
    for code in dc.RejectionCode:
        assert contract.rejection_code(code).value == code.value


def test_rule_ids_fit_the_contract_slug() -> None:
    assert contract.rule_slug("jalan-rusak/road-nasional") == "jalan-rusak:road-nasional"


def test_unknown_units_keep_a_readable_ref(catalog: Catalog) -> None:
    ref = contract.unit_ref(catalog.units, "kelurahan:36.72.99.9999")
    assert (ref.type.value, ref.name) == ("kelurahan", "kelurahan:36.72.99.9999")
    assert contract.unit_ref(catalog.units, "bpjn:banten").name != "bpjn:banten"


def test_the_snapshot_carries_no_personal_data(service: RoutingService) -> None:
    batch = Batch(IncidentStore())
    report = ce.ReportSubmitted.model_validate_json(
        (
            EXAMPLES / "id.cilegon.tanggap.report.submitted/banjir-second-report-confidential.json"
        ).read_text()
    )
    outcome = service.route_report(report, batch, NOW)
    [incident] = outcome.changed
    text = contract.snapshot(
        incident, units=service.rules.rulebook.units, updated_at=NOW
    ).model_dump_json()
    assert report.reporter is not None
    for secret in (report.reporter.name, report.reporter.phone, report.reporter.email):
        assert secret is not None
        assert secret not in text
    assert report.description not in text


def test_escalation_levels_count_moves_up_the_chain(service: RoutingService) -> None:
    batch = Batch(IncidentStore())
    report = ce.ReportSubmitted.model_validate_json(
        (
            EXAMPLES / "id.cilegon.tanggap.report.submitted/jalan-rusak-native-with-photo.json"
        ).read_text()
    )
    [incident] = service.route_report(report, batch, NOW).changed
    at = NOW + timedelta(hours=1)
    moves = (
        EscalationRecord(
            de.EscalationClock.ACKNOWLEDGE, None, at, "kecamatan:x", "command-center", at
        ),
        EscalationRecord(de.EscalationClock.HANDLER, None, at, "dpupr", "kecamatan:x", at),
        EscalationRecord(
            de.EscalationClock.RESOLVE, None, at, "command-center", "command-center", at
        ),
    )
    assert contract.escalation_level(replace(incident, escalations=moves)) == 1
    assert contract.handler_sla(incident) is not None  # dpupr handles for the kecamatan
    same = replace(incident, handler=incident.owner)
    assert contract.handler_sla(same) is None


def test_the_contract_actor_of_a_command_signs_its_events(service: RoutingService) -> None:
    batch = Batch(IncidentStore())
    report = ce.ReportSubmitted.model_validate_json(
        (
            EXAMPLES / "id.cilegon.tanggap.report.submitted/jalan-rusak-native-with-photo.json"
        ).read_text()
    )
    incident: Incident = service.route_report(report, batch, NOW).changed[0]
    batch.put(incident)
    data = json.loads(
        (EXAMPLES / "id.cilegon.tanggap.command.acknowledge/kecamatan-operator.json").read_text()
    )
    data["incident_id"] = incident.id
    data["actor"]["unit_id"] = incident.owner
    ack = commands.AcknowledgeIncident.model_validate(data)
    [event] = service.decide_command(ack, batch, NOW).events
    assert event.by == Actor.model_validate(data["actor"])
    assert event.command_id == ack.command_id
