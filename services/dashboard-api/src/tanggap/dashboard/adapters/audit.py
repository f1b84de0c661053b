"""The audit log: every operator action, its outcome, who and from where.
Written in the transaction of the action where there is one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from tanggap.dashboard.adapters.tables import audit_log
from tanggap.dashboard.domain.roles import Principal


async def record(
    connection: AsyncConnection,
    *,
    at: datetime,
    action: str,
    outcome: str,
    principal: Principal | None = None,
    username: str | None = None,
    incident_id: str | None = None,
    command_id: str | None = None,
    detail: dict[str, Any] | None = None,
    client_ip: str | None = None,
) -> None:
    await connection.execute(
        audit_log.insert().values(
            at=at,
            user_id=principal.user_id if principal else None,
            username=principal.username if principal else username,
            role=principal.role.value if principal else None,
            unit_id=principal.unit_id if principal else None,
            action=action,
            incident_id=incident_id,
            command_id=command_id,
            outcome=outcome,
            detail=detail or {},
            client_ip=client_ip,
        )
    )
