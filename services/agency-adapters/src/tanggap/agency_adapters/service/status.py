"""An agency's status changes, polled or pushed by webhook, become commands on
``incident.commands`` signed as the agency's unit."""

from __future__ import annotations

import structlog

from tanggap.agency_adapters.adapters.base import StatusReceiver, TrackedCase
from tanggap.agency_adapters.adapters.publisher import Publisher
from tanggap.agency_adapters.adapters.state_store import StateStore
from tanggap.agency_adapters.clock import Clock
from tanggap.agency_adapters.domain.delivery import DeliveryRecord
from tanggap.agency_adapters.domain.errors import AgencyError, AgencyRefused
from tanggap.agency_adapters.domain.status import StatusReport, link_reference, status_command
from tanggap.agency_adapters.metrics import COMMANDS, STATUS_POLLS
from tanggap.agency_adapters.service.resilience import GuardedAgency
from tanggap.schemas.common import Command

log = structlog.get_logger("tanggap.agency_adapters.status")


class UnknownCase(AgencyRefused):
    """A status for a case this adapter never delivered."""

    code = "unknown_case"


class StatusService:
    def __init__(
        self,
        receiver: StatusReceiver,
        *,
        guard: GuardedAgency,
        state: StateStore,
        publisher: Publisher,
        clock: Clock,
    ) -> None:
        self.receiver = receiver
        self.agency = receiver.agency
        self._guard = guard
        self._state = state
        self._publisher = publisher
        self._clock = clock

    async def poll_once(self) -> int:
        """Ask the agency about every case still open there; returns the number
        of commands sent. Failures are counted and logged, never raised."""
        cases = [
            TrackedCase(incident_id=r.incident_id, reference=r.reference, unit_id=r.unit_id)
            for r in self._state.tracked(self.agency)
            if r.reference is not None
        ]
        if not cases:
            return 0
        try:
            reports = await self._guard.call(lambda: self.receiver.poll(cases))
        except AgencyError as exc:
            STATUS_POLLS.labels(self.agency, exc.code).inc()
            log.warning("status poll failed", agency=self.agency, code=exc.code)
            return 0
        STATUS_POLLS.labels(self.agency, "ok").inc()
        sent = 0
        for report in reports:
            try:
                sent += len(await self.apply(report))
            except UnknownCase:
                log.warning("status for an unknown case", agency=self.agency)
        return sent

    async def apply(self, report: StatusReport) -> list[Command]:
        """Turn one report into its commands (none when nothing is new)."""
        async with self._state.lock(self.agency):
            return await self._apply(report)

    async def _apply(self, report: StatusReport) -> list[Command]:
        record = self._record_for(report)
        now = self._clock.now()
        commands: list[Command] = []
        changes: dict[str, object] = {}
        if record.reference != report.reference:
            # A webhook agency may name its case only when it first calls back.
            commands.append(
                link_reference(
                    agency=self.agency,
                    incident_id=record.incident_id,
                    unit_id=record.unit_id,
                    reference=report.reference,
                    now=now,
                )
            )
            changes["reference"] = report.reference
        command = status_command(report, record, agency_name=self.agency, now=now)
        if command is not None:
            commands.append(command)
            changes["agency_status"] = report.status
        for outgoing in commands:
            await self._publisher.command(outgoing)
            COMMANDS.labels(self.agency, outgoing.ce_type.rsplit(".", 1)[-1]).inc()
        if changes:
            await self._state.save_delivery(record.next(now, **changes))
        return commands

    def _record_for(self, report: StatusReport) -> DeliveryRecord:
        record = self._state.by_reference(self.agency, report.reference)
        if record is None and report.incident_id is not None:
            record = self._state.delivery(self.agency, report.incident_id)
        if record is None:
            raise UnknownCase(f"{self.agency} has no delivered case {report.reference[:60]!r}")
        return record
