"""An operator's action on an incident: a command to routing, then routing's answer.

Never reports success for a command routing refused: the action waits (briefly)
until routing's answer is in the read model — the resulting event, or
``command.rejected`` with its reason — and says "pending" honestly when none
came in time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard import metrics
from tanggap.dashboard.adapters import audit
from tanggap.dashboard.adapters.commands import CommandBus
from tanggap.dashboard.adapters.notifications import NotificationHub
from tanggap.dashboard.adapters.outcomes import Applied, Refused, outcome_of
from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.domain.actions import ActionRequest, build_command, may_act
from tanggap.dashboard.domain.errors import CommandNotSent, CommandRefused, Forbidden
from tanggap.dashboard.domain.roles import Principal
from tanggap.dashboard.service.clock import Clock, utc_now
from tanggap.dashboard.service.incidents import IncidentQueries
from tanggap.schemas.common import Command

log = structlog.get_logger("tanggap.dashboard.actions")
_IDEMPOTENCY_NAMESPACE = uuid.UUID("5b0f9c3e-2f4a-4f4e-9d7a-6a1f3c2b8e11")


@dataclass(frozen=True, slots=True)
class ActionResult:
    command_id: str
    applied: Applied | None
    incident: AnyRow


def command_id_for(principal: Principal, idempotency_key: str | None) -> str:
    """A client that retries with the same Idempotency-Key sends the same
    command id, which routing applies once."""
    if idempotency_key is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(_IDEMPOTENCY_NAMESPACE, f"{principal.user_id}:{idempotency_key}"))


class ActionService:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        incidents: IncidentQueries,
        bus: CommandBus,
        hub: NotificationHub,
        wait_s: float,
        clock: Clock = utc_now,
    ) -> None:
        self.engine = engine
        self.incidents = incidents
        self.bus = bus
        self.hub = hub
        self.wait_s = wait_s
        self.clock = clock

    async def act(
        self,
        principal: Principal,
        incident_id: str,
        request: ActionRequest,
        *,
        idempotency_key: str | None,
        client_ip: str | None,
    ) -> ActionResult:
        _, facts = await self.incidents.visible(principal, incident_id)
        action = request.action.value
        command_id = command_id_for(principal, idempotency_key)
        if not may_act(principal, request.action, facts):
            await self._audit(principal, incident_id, command_id, action, "forbidden", client_ip)
            raise Forbidden(
                f"a {principal.role.value} of {principal.unit_id} may not {action} this incident"
            )
        command = build_command(
            request,
            principal=principal,
            incident_id=incident_id,
            command_id=command_id,
            issued_at=self.clock(),
        )
        outcome = await self._probe(command_id)
        if outcome is None:
            started = self.clock()
            outcome = await self._send_and_wait(command, principal, client_ip)
            elapsed = (self.clock() - started).total_seconds()
            metrics.COMMAND_WAIT_SECONDS.labels(action).observe(elapsed)
        status = (
            "pending"
            if outcome is None
            else "applied"
            if isinstance(outcome, Applied)
            else "rejected"
        )
        detail = {"reason_code": outcome.reason_code} if isinstance(outcome, Refused) else {}
        await self._audit(principal, incident_id, command_id, action, status, client_ip, detail)
        metrics.COMMANDS.labels(action, status).inc()
        if isinstance(outcome, Refused):
            raise CommandRefused(outcome.reason_code, outcome.detail, command_id)
        row, _ = await self.incidents.visible(principal, incident_id)
        return ActionResult(command_id, outcome, row)

    async def _send_and_wait(
        self, command: Command, principal: Principal, client_ip: str | None
    ) -> Applied | Refused | None:
        with self.hub.expect_command(command.command_id) as waiter:
            try:
                await self.bus.send(command)
            except Exception as exc:
                action = command.ce_type.rsplit(".", 1)[1]
                log.warning("command not sent", error=repr(exc), command_id=command.command_id)
                await self._audit(
                    principal,
                    command.incident_id,
                    command.command_id,
                    action,
                    "not_sent",
                    client_ip,
                )
                metrics.COMMANDS.labels(action, "not_sent").inc()
                raise CommandNotSent("the message bus did not take the command; retry") from exc
            return await waiter.until(lambda: self._probe(command.command_id), self.wait_s)

    async def _probe(self, command_id: str) -> Applied | Refused | None:
        async with self.engine.connect() as connection:
            return await outcome_of(connection, command_id)

    async def _audit(
        self,
        principal: Principal,
        incident_id: str,
        command_id: str,
        action: str,
        outcome: str,
        client_ip: str | None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        async with self.engine.begin() as connection:
            await audit.record(
                connection,
                at=self.clock(),
                action=f"incident.{action}",
                outcome=outcome,
                principal=principal,
                incident_id=incident_id,
                command_id=command_id,
                detail=detail,
                client_ip=client_ip,
            )
