"""Routing's use cases: route a report, decide a command, run due timers, explain.

Each takes the contract message, the batch's state (:class:`~tanggap.routing.state.Batch`,
read only) and the time, calls the pure domain, and returns an :class:`Outcome`:
the contract events to emit, the incidents that changed (their snapshot and
changelog record follow) and the metric updates to count once the transaction
commits. The caller keeps the changes in the batch only once every output
record was built, so an input that fails half-way changes nothing. Nothing here
talks to Kafka; the worker writes the outcome into the batch's transaction,
which is the boundary.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

import structlog

import tanggap.schemas.commands as contract_commands
import tanggap.schemas.common as cc
import tanggap.schemas.events as ce
from tanggap.routing import metrics
from tanggap.routing.adapters import contract
from tanggap.routing.domain import events as de
from tanggap.routing.domain.commands import CommandRejection
from tanggap.routing.domain.decide import Rejection, ReportFacts, RoutingDecision, route
from tanggap.routing.domain.escalation import due_close, due_escalations
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.incident import Incident, apply, attach_report, decide, open_incident
from tanggap.routing.domain.priority import Priority
from tanggap.routing.rulesource import RuleSource
from tanggap.routing.state import TIMED, Batch
from tanggap.schemas.keys import area_key

log = structlog.get_logger(__name__)

TIMER_ACTOR = cc.Actor(kind=cc.ActorKind.SYSTEM, id="routing", role="sla_timer")
NO_LOCATION = "laporan tanpa titik lokasi: operator perlu menempatkannya sebelum dirutekan"


@dataclass
class Outcome:
    events: list[cc.Event] = field(default_factory=list)
    changed: list[Incident] = field(default_factory=list)
    effects: list[Callable[[], None]] = field(default_factory=list)

    def count(self, effect: Callable[[], None]) -> None:
        self.effects.append(effect)


def incident_id_for_report(report_id: str) -> str:
    """The id of the incident a report opens: a UUIDv7 with the report's own
    timestamp (so incidents sort like their first reports) and bits derived from
    the report id (so a re-routed report opens the same incident id)."""
    millis = int(report_id.replace("-", "")[:12], 16)
    digest = int.from_bytes(hashlib.sha256(f"incident:{report_id}".encode()).digest()[:10], "big")
    value = millis << 80 | digest
    value = value & ~(0xF << 76) | 0x7 << 76
    value = value & ~(0x3 << 62) | 0x2 << 62
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class RoutingService:
    def __init__(self, rules: RuleSource) -> None:
        self.rules = rules

    # -- reports ---------------------------------------------------------------------

    def explain(self, facts: ReportFacts, now: datetime) -> RoutingDecision | Rejection:
        catalog = self.rules.catalog
        return route(
            facts,
            geography=catalog.geography,
            roads=catalog.roads,
            rulebook=self.rules.rulebook,
            now=now,
        )

    def route_report(self, report: ce.ReportSubmitted, batch: Batch, now: datetime) -> Outcome:
        """Route a report, then attach it to an open incident nearby or open one.

        The report's own time (its submission, never later than routing's clock)
        starts the SLA clocks and drives dedup: a routing instance catching up on
        a backlog neither gives units extra time nor merges reports submitted
        hours apart. ``routed_at`` is the processing time."""
        outcome = Outcome()
        if batch.incident_of_report(report.report_id) is not None:
            # intake produced the same report twice; it is routed already.
            log.info("report already routed", report_id=report.report_id)
            return outcome
        facts = contract.report_facts(report)
        if facts.point is None:
            outcome.events.append(contract.report_invalid(report.report_id, NO_LOCATION, now=now))
            outcome.count(metrics.REJECTIONS.labels("invalid_report").inc)
            return outcome
        at = min(report.submitted_at, now)
        result = self.explain(facts, at)
        if isinstance(result, Rejection):
            outcome.events.append(contract.report_rejected(report.report_id, result, now=now))
            outcome.count(metrics.REJECTIONS.labels(result.reason.value).inc)
            return outcome
        match = batch.attachment(
            category=report.category, point=facts.point, reported_at=at, policy=result.dedup
        )
        incident = batch.get(match.incident.id) if match is not None else None
        if incident is not None and match is not None:
            attached = attach_report(
                incident,
                report_id=report.report_id,
                now=at,
                boosts=self.rules.rulebook.settings.priority_boost,
                distance_m=match.distance_m,
            )
            if attached:
                note = f"digabung ke insiden {incident.id} ({match.distance_m:.0f} m)"
                result = replace(result, reasons=(*result.reasons, note))
                self._routed(outcome, report, result, incident.id, merged=True, now=now)
                self._apply(outcome, incident, attached, by=contract.SYSTEM_ACTOR)
                outcome.count(metrics.REPORTS_MERGED.labels(report.category).inc)
                return outcome
        opened = open_incident(
            result,
            incident_id=incident_id_for_report(report.report_id),
            now=at,
            report_id=report.report_id,
        )
        self._routed(outcome, report, result, opened.incident_id, merged=False, now=now)
        self._apply(outcome, None, [opened], by=contract.SYSTEM_ACTOR)
        outcome.count(metrics.INCIDENTS_OPENED.labels("report").inc)
        return outcome

    def _routed(
        self,
        outcome: Outcome,
        report: ce.ReportSubmitted,
        decision: RoutingDecision,
        incident_id: str,
        *,
        merged: bool,
        now: datetime,
    ) -> None:
        outcome.events.append(
            contract.report_routed(
                report.report_id, decision, incident_id=incident_id, merged=merged, now=now
            )
        )
        labels = (decision.handler.type.value, contract.rule_slug(decision.rule_id))
        outcome.count(metrics.DECISIONS.labels(*labels).inc)

    # -- commands --------------------------------------------------------------------

    def inbox_key(self, command: cc.Command, batch: Batch) -> str | None:
        """The key that puts a command in the partition of its incident's writer:
        the area key of the incident's reports (its category), None when the
        incident is not known here."""
        if isinstance(command, contract_commands.OpenIncident):
            return area_key(command.category, command.location.lat, command.location.lon)
        incident = batch.get(command.incident_id)
        if incident is None:
            return None
        return incident_key(incident)

    def decide_command(self, command: cc.Command, batch: Batch, now: datetime) -> Outcome:
        outcome = Outcome()
        kind = command.ce_type.rsplit(".", 1)[-1]
        refusal = self._refusal(command, batch, now)
        if refusal is not None:
            return self._refused(outcome, refusal, kind)
        decision = None
        if isinstance(command, contract_commands.OpenIncident):
            opened = self._open_decision(command, now)
            if isinstance(opened, ce.CommandRejected):
                return self._refused(outcome, opened, kind)
            decision = opened
        rulebook = self.rules.rulebook
        incident = batch.get(command.incident_id)
        result = decide(
            incident,
            contract.domain_command(command, decision=decision),
            now=now,
            units=rulebook.units,
            calendar=rulebook.calendar,
            policy=rulebook.lifecycle,
        )
        if isinstance(result, CommandRejection):
            code = contract.rejection_code(result.code)
            if decision is not None and incident is not None:
                # The domain refuses an open for an existing id as invalid; the
                # contract has the precise code.
                code = (
                    ce.CommandRejectionCode.INCIDENT_ALREADY_EXISTS
                    if code is ce.CommandRejectionCode.INVALID_COMMAND
                    else code
                )
            refusal = contract.command_rejected(command, code, result.detail, now=now)
            return self._refused(outcome, refusal, kind)
        if not result:
            return self._refused(outcome, _nothing_to_do(command, now), kind)
        self._apply(outcome, incident, result, by=command.actor)
        outcome.count(metrics.COMMANDS.labels(kind, "applied").inc)
        if decision is not None:
            outcome.count(metrics.INCIDENTS_OPENED.labels("command").inc)
        return outcome

    def _refusal(
        self, command: cc.Command, batch: Batch, now: datetime
    ) -> ce.CommandRejected | None:
        """What the contract needs before the domain decides: the units a command
        names exist (events carry them with their names), and an ``open`` does
        not reuse a dedup key another incident holds."""
        units = self.rules.rulebook.units
        unknown = [u for u in contract.named_units(command) if u not in units]
        if unknown:
            code = ce.CommandRejectionCode.UNKNOWN_UNIT
            return contract.command_rejected(
                command, code, f"unit tidak dikenal: {unknown[0]}", now=now
            )
        if isinstance(command, contract_commands.OpenIncident):
            holder = batch.incident_of_dedup_key(command.dedup_key)
            if holder is not None and holder != command.incident_id:
                code = ce.CommandRejectionCode.INCIDENT_ALREADY_EXISTS
                detail = f"dedup_key {command.dedup_key} sudah dibuka sebagai insiden {holder}"
                return contract.command_rejected(command, code, detail, now=now)
        return None

    def _open_decision(
        self, command: contract_commands.OpenIncident, now: datetime
    ) -> RoutingDecision | ce.CommandRejected:
        """Route the open command's point like a report of its category."""
        facts = ReportFacts(
            category=command.category,
            point=contract.point_of(command.location),
            reported_at=command.issued_at,
        )
        routed = self.explain(facts, now)
        if isinstance(routed, Rejection):
            code = ce.CommandRejectionCode.INVALID_COMMAND
            return contract.command_rejected(command, code, routed.detail, now=now)
        # The sender (command center, BMKG adapter) sets the priority explicitly.
        return replace(routed, priority=Priority(command.priority.value))

    def _refused(self, outcome: Outcome, refusal: ce.CommandRejected, kind: str) -> Outcome:
        outcome.events.append(refusal)
        outcome.count(metrics.COMMANDS.labels(kind, refusal.reason_code.value).inc)
        return outcome

    def unknown_incident(self, command: cc.Command, now: datetime) -> Outcome:
        """A command for an incident no routing instance has written."""
        code = ce.CommandRejectionCode.INCIDENT_NOT_FOUND
        refusal = contract.command_rejected(command, code, "insiden tidak ditemukan", now=now)
        return self._refused(Outcome(), refusal, command.ce_type.rsplit(".", 1)[-1])

    # -- timers ----------------------------------------------------------------------

    def run_timers(self, category: str, batch: Batch, now: datetime) -> Outcome:
        """Escalate what is overdue and close what was resolved long enough ago,
        for the incidents of one category (one tick)."""
        outcome = Outcome()
        rulebook = self.rules.rulebook
        for incident in batch.of_category(category):
            if incident.status not in TIMED:
                continue
            due = due_escalations(incident, now, calendar=rulebook.calendar)
            due += due_close(incident, now, policy=rulebook.lifecycle)
            if due:
                self._apply(outcome, incident, due, by=TIMER_ACTOR)
        return outcome

    # -- applying events ---------------------------------------------------------------

    def _apply(
        self,
        outcome: Outcome,
        incident: Incident | None,
        events: list[de.DomainEvent],
        *,
        by: cc.Actor,
    ) -> None:
        units = self.rules.rulebook.units
        for event in events:
            after = apply(incident, event)
            outcome.events.append(
                contract.incident_event(event, before=incident, after=after, units=units, by=by)
            )
            _count_event(outcome, event, after)
            incident = after
        assert incident is not None
        outcome.changed.append(incident)


def incident_key(incident: Incident) -> str:
    point: Point | None = incident.point
    if point is None:
        return area_key(incident.category, None, None)
    return area_key(incident.category, point.lat, point.lon)


def _count_event(outcome: Outcome, event: de.DomainEvent, after: Incident) -> None:
    if isinstance(event, de.IncidentEscalated):
        level = str(max(1, contract.escalation_level(after)))
        outcome.count(metrics.ESCALATIONS.labels(level, event.clock.value).inc)
    elif isinstance(event, de.IncidentClosed) and event.automatic:
        outcome.count(metrics.AUTO_CLOSED.inc)


def _nothing_to_do(command: cc.Command, now: datetime) -> ce.CommandRejected:
    """The domain had nothing to do; the sender still gets an answer."""
    if isinstance(command, contract_commands.OpenIncident):
        code = ce.CommandRejectionCode.INCIDENT_ALREADY_EXISTS
        detail = f"insiden sudah dibuka untuk dedup_key {command.dedup_key}"
    elif isinstance(command, contract_commands.LinkExternalReference):
        code = ce.CommandRejectionCode.DUPLICATE_COMMAND
        detail = "referensi ini sudah tercatat"
    else:
        code, detail = ce.CommandRejectionCode.INVALID_COMMAND, "tidak ada perubahan"
    return contract.command_rejected(command, code, detail, now=now)
