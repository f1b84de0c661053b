from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.commands import (
    AcknowledgeIncident,
    Actor,
    CloseIncident,
    Command,
    CommandRejection,
    CommentOnIncident,
    LinkReference,
    OpenIncident,
    ReassignIncident,
    RejectIncident,
    RejectionCode,
    RejectReason,
    ReopenIncident,
    ResolveIncident,
    StartIncident,
)
from tanggap.routing.domain.decide import ReportFacts, RoutingDecision, route
from tanggap.routing.domain.events import (
    DomainEvent,
    IncidentOpened,
    IncidentStatus,
    ReportAttached,
)
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.incident import (
    Incident,
    apply,
    apply_all,
    attach_report,
    decide,
    open_incident,
)
from tanggap.routing.domain.priority import Priority
from tanggap.routing.domain.sla import WIB

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)  # Monday
OWNER = "kelurahan:36.72.02.1001"  # Bagendung
PARENT = "kecamatan:36.72.02"
HANDLER = "dishub"

ACTORS = {
    "owner": Actor.unit(OWNER, "op-1"),
    "parent": Actor.unit(PARENT),
    "other-kecamatan": Actor.unit("kecamatan:36.72.01"),
    "handler": Actor.unit(HANDLER),
    "other-opd": Actor.unit("dpupr"),
    "command-center": Actor.unit("command-center"),
    "system": Actor.system("routing/test"),
    "reporter": Actor.citizen("report-1"),
    "stranger": Actor.citizen("report-999"),
}


@pytest.fixture(scope="module")
def decision(catalog: Catalog, interior_points: dict[str, list[Point]]) -> RoutingDecision:
    for point in interior_points["36.72.02.1001"]:
        result = route(
            ReportFacts("penerangan-jalan", point, {"jenis": "padam"}),
            geography=catalog.geography,
            roads=catalog.roads,
            rulebook=catalog.rulebook,
            now=T0,
        )
        assert isinstance(result, RoutingDecision)
        if result.handler.id == HANDLER:
            assert result.owner.id == OWNER
            return result
    raise AssertionError("no default penerangan-jalan decision in Bagendung")


@pytest.fixture
def opened(decision: RoutingDecision) -> Incident:
    event = open_incident(decision, incident_id="inc-1", now=T0, report_id="report-1")
    return apply(None, event)


Runner = Callable[..., tuple[Incident, list[DomainEvent]]]


@pytest.fixture
def run(catalog: Catalog) -> Runner:
    def _run(
        incident: Incident, command: Command, at: datetime = T0
    ) -> tuple[Incident, list[DomainEvent]]:
        result = decide(incident, command, now=at, units=catalog.units, calendar=catalog.calendar)
        assert not isinstance(result, CommandRejection), result
        updated = apply_all(incident, result)
        assert updated is not None
        return updated, result

    return _run


def refused(
    catalog: Catalog, incident: Incident | None, command: Command, at: datetime = T0
) -> RejectionCode:
    result = decide(incident, command, now=at, units=catalog.units, calendar=catalog.calendar)
    assert isinstance(result, CommandRejection), result
    return result.code


_ids = iter(range(10**6))


def cmd(kind: type[Command], actor: str = "owner", **fields: object) -> Command:
    return kind(command_id=f"c{next(_ids)}", incident_id="inc-1", actor=ACTORS[actor], **fields)


def test_open_from_a_decision(opened: Incident, decision: RoutingDecision) -> None:
    assert opened.status is IncidentStatus.OPEN
    assert (opened.owner, opened.handler, opened.sequence) == (OWNER, HANDLER, 1)
    assert opened.escalation_chain == (PARENT, "command-center")
    assert opened.acknowledge_by == T0 + timedelta(hours=24)
    assert opened.handler_first_action_by == decision.deadlines.first_action_by
    assert opened.report_ids == ("report-1",)


def test_happy_path_to_close(catalog: Catalog, opened: Incident, run: Runner) -> None:
    incident, events = run(opened, cmd(AcknowledgeIncident))
    assert incident.status is IncidentStatus.ACKNOWLEDGED
    assert events[0].sequence == 2
    incident, _ = run(incident, cmd(StartIncident, "handler"), T0 + timedelta(hours=3))
    assert incident.status is IncidentStatus.IN_PROGRESS
    resolve = cmd(ResolveIncident, "handler", note="lampu diganti", proof_photo_ids=("p1",))
    resolved_at = T0 + timedelta(days=1)
    incident, _ = run(incident, resolve, resolved_at)
    assert incident.status is IncidentStatus.RESOLVED
    assert incident.proof_photo_ids == ("p1",)
    early = cmd(CloseIncident, "system")
    assert refused(catalog, incident, early, resolved_at + timedelta(days=2)) is (
        RejectionCode.INVALID_TRANSITION
    )
    incident, events = run(incident, cmd(CloseIncident, "system"), resolved_at + timedelta(days=3))
    assert incident.status is IncidentStatus.CLOSED
    assert incident.sequence == 5 == events[-1].sequence


def test_invalid_transitions(catalog: Catalog, opened: Incident, run: Runner) -> None:
    incident, _ = run(opened, cmd(AcknowledgeIncident))
    assert refused(catalog, incident, cmd(AcknowledgeIncident)) is RejectionCode.INVALID_TRANSITION
    incident, _ = run(incident, cmd(ResolveIncident, note="selesai"))
    for command in (
        cmd(StartIncident),
        cmd(ResolveIncident, note="x"),
        cmd(RejectIncident, reason=RejectReason.INVALID),
    ):
        assert refused(catalog, incident, command) is RejectionCode.INVALID_TRANSITION
    reassign = cmd(ReassignIncident, to_unit="dpupr", reason="x")
    assert refused(catalog, incident, reassign) is RejectionCode.INVALID_TRANSITION


def test_start_counts_as_acknowledgement(opened: Incident, run: Runner) -> None:
    incident, _ = run(opened, cmd(StartIncident, "handler"), T0 + timedelta(minutes=5))
    assert incident.acknowledged_at == T0 + timedelta(minutes=5)
    assert incident.handler_started_at == incident.started_at


def test_duplicate_command_and_missing_incident(
    catalog: Catalog, opened: Incident, run: Runner
) -> None:
    command = cmd(AcknowledgeIncident)
    incident, _ = run(opened, command)
    assert refused(catalog, incident, command) is RejectionCode.DUPLICATE_COMMAND
    assert refused(catalog, None, cmd(AcknowledgeIncident)) is RejectionCode.INCIDENT_NOT_FOUND
    other = AcknowledgeIncident(command_id="z", incident_id="inc-2", actor=ACTORS["owner"])
    assert refused(catalog, incident, other) is RejectionCode.INVALID_COMMAND


def _resolved(opened: Incident, run: Runner) -> Incident:
    incident, _ = run(opened, cmd(ResolveIncident, "handler", note="beres"))
    return incident


ALLOWED = {
    "acknowledge": {"owner", "parent", "command-center", "system"},
    "start": {"owner", "parent", "command-center", "system", "handler"},
    "resolve": {"owner", "parent", "command-center", "system", "handler"},
    "comment": {"owner", "parent", "command-center", "system", "handler", "reporter"},
    "link_reference": {"owner", "parent", "command-center", "system", "handler"},
    "reject": {"owner", "parent", "command-center", "system"},
    "reassign": {"owner", "parent", "command-center", "system"},
    "reopen": {"owner", "parent", "command-center", "system", "reporter"},
    "close": {"command-center", "system"},
}
MAKERS: dict[str, Callable[[str], Command]] = {
    "acknowledge": lambda a: cmd(AcknowledgeIncident, a),
    "start": lambda a: cmd(StartIncident, a),
    "resolve": lambda a: cmd(ResolveIncident, a, note="beres"),
    "comment": lambda a: cmd(CommentOnIncident, a, text="masih gelap"),
    "link_reference": lambda a: cmd(LinkReference, a, unit="dishub", reference="PJU-2026-0042"),
    "reject": lambda a: cmd(RejectIncident, a, reason=RejectReason.INVALID, note="spam"),
    "reassign": lambda a: cmd(ReassignIncident, a, to_unit="disperkim", reason="lampu hias"),
    "reopen": lambda a: cmd(ReopenIncident, a, reason="masih mati"),
    "close": lambda a: cmd(CloseIncident, a),
}


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("who", list(ACTORS))
def test_permissions_table(
    catalog: Catalog, opened: Incident, run: Runner, action: str, who: str
) -> None:
    incident, at = opened, T0 + timedelta(hours=1)
    if action in ("reopen", "close"):
        incident = _resolved(opened, run)
        at = T0 + timedelta(days=4)
    result = decide(
        incident, MAKERS[action](who), now=at, units=catalog.units, calendar=catalog.calendar
    )
    if who in ALLOWED[action]:
        assert isinstance(result, list), result
        assert result
    else:
        assert isinstance(result, CommandRejection)
        assert result.code is RejectionCode.NOT_PERMITTED


def test_the_parent_of_a_polsek_is_polres(catalog: Catalog, decision: RoutingDecision) -> None:
    incident = apply(None, open_incident(decision, incident_id="inc-1", now=T0))
    incident = replace(
        incident, owner="polsek:cilegon", escalation_chain=("polres:cilegon", "command-center")
    )
    polres = AcknowledgeIncident(
        command_id="p1", incident_id="inc-1", actor=Actor.unit("polres:cilegon")
    )
    result = decide(incident, polres, now=T0, units=catalog.units, calendar=catalog.calendar)
    assert isinstance(result, list)
    assert result
    assert refused(catalog, incident, cmd(AcknowledgeIncident, "parent")) is (
        RejectionCode.NOT_PERMITTED
    )
    assert refused(catalog, incident, cmd(AcknowledgeIncident, "owner")) is (
        RejectionCode.NOT_PERMITTED
    )


def test_explicit_open_is_idempotent_by_dedup_key(
    catalog: Catalog, decision: RoutingDecision
) -> None:
    open_cmd = OpenIncident(
        command_id="bmkg-1",
        incident_id="inc-9",
        actor=Actor.system("agency-adapters/bmkg"),
        decision=decision,
        dedup_key="bmkg:20261130093000",
        title="Gempa M5.1",
    )
    events = decide(None, open_cmd, now=T0, units=catalog.units, calendar=catalog.calendar)
    assert isinstance(events, list)
    assert isinstance(events[0], IncidentOpened)
    incident = apply(None, events[0])
    again = replace(open_cmd, command_id="bmkg-2")
    assert decide(incident, again, now=T0, units=catalog.units, calendar=catalog.calendar) == []
    assert refused(catalog, incident, open_cmd) is RejectionCode.DUPLICATE_COMMAND
    by_citizen = replace(open_cmd, actor=Actor.citizen("r"))
    assert refused(catalog, None, by_citizen) is RejectionCode.NOT_PERMITTED


def test_attached_reports_raise_priority(catalog: Catalog, opened: Incident) -> None:
    incident = opened
    boosts = catalog.rulebook.settings.priority_boost
    for i in range(2, 11):
        events = attach_report(incident, report_id=f"report-{i}", now=T0, boosts=boosts)
        assert isinstance(events[0], ReportAttached)
        incident = apply(incident, events[0])
        if i == 3:
            assert incident.priority is Priority.HIGH
    assert incident.report_count == 10
    assert incident.priority is Priority.URGENT
    assert attach_report(incident, report_id="report-5", now=T0, boosts=boosts) == []


def test_reference_links_once(opened: Incident, run: Runner) -> None:
    link = cmd(LinkReference, "handler", unit="dishub", reference="PJU-1")
    incident, _ = run(opened, link)
    assert incident.references == (("dishub", "PJU-1"),)
    incident, events = run(
        incident, cmd(LinkReference, "handler", unit="dishub", reference="PJU-1")
    )
    assert events == []


def test_apply_refuses_out_of_order_events(opened: Incident, catalog: Catalog) -> None:
    events = decide(
        opened, cmd(AcknowledgeIncident), now=T0, units=catalog.units, calendar=catalog.calendar
    )
    assert isinstance(events, list)
    incident = apply(opened, events[0])
    with pytest.raises(ValueError, match="does not follow"):
        apply(incident, events[0])
