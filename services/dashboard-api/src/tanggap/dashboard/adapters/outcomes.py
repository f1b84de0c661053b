"""Routing's answer to a command, as projected: the incident event that carries
the command id, or the command.rejected for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from tanggap.dashboard.adapters.tables import command_rejections, incident_timeline


@dataclass(frozen=True, slots=True)
class Applied:
    event_id: str
    type: str
    sequence: int
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class Refused:
    reason_code: str
    detail: str


async def outcome_of(connection: AsyncConnection, command_id: str) -> Applied | Refused | None:
    """An applied event wins over a rejection: a command retried after it was
    applied is refused as a duplicate, and the first answer is the true one."""
    t = incident_timeline.c
    applied = (
        await connection.execute(
            select(t.event_id, t.type, t.sequence, t.occurred_at)
            .where(t.command_id == command_id)
            .order_by(t.sequence)
            .limit(1)
        )
    ).one_or_none()
    if applied is not None:
        return Applied(applied.event_id, applied.type, applied.sequence, applied.occurred_at)
    r = command_rejections.c
    refused = (
        await connection.execute(select(r.reason_code, r.detail).where(r.command_id == command_id))
    ).one_or_none()
    return Refused(refused.reason_code, refused.detail) if refused is not None else None
