"""Reading the change log behind the live stream."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from tanggap.dashboard.adapters.incident_queries import INCIDENT_COLUMNS, LAT, LON
from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.adapters.tables import changes, incidents


async def latest_change_id(connection: AsyncConnection) -> int:
    return int(await connection.scalar(select(func.coalesce(func.max(changes.c.id), 0))) or 0)


async def changes_after(
    connection: AsyncConnection, after: int, scope: ColumnElement[bool], batch: int
) -> tuple[list[AnyRow], int]:
    """The next ``batch`` changes after ``after`` that fall in the scope, each
    with the incident as it is now, and how far the log was read — past the
    changes outside the scope too, so that they are not read again."""
    window = select(changes.c.id).where(changes.c.id > after).order_by(changes.c.id).limit(batch)
    upto = await connection.scalar(select(func.max(window.subquery().c.id)))
    if upto is None:
        return [], after
    query = (
        select(
            changes.c.id.label("change_id"),
            changes.c.kind,
            changes.c.sequence.label("change_sequence"),
            *INCIDENT_COLUMNS,
            LAT,
            LON,
        )
        .select_from(changes.join(incidents, incidents.c.incident_id == changes.c.incident_id))
        .where(changes.c.id > after, changes.c.id <= upto, scope)
        .order_by(changes.c.id)
    )
    return list((await connection.execute(query)).all()), int(upto)


async def oldest_change_id(connection: AsyncConnection) -> int | None:
    found = await connection.scalar(select(func.min(changes.c.id)))
    return None if found is None else int(found)


async def prune_changes(connection: AsyncConnection, before: datetime, batch: int) -> int:
    """Deletes up to ``batch`` changes recorded before ``before``, oldest first,
    and never the newest change: the log's lowest id then always tells a
    resuming client whether what it missed is still there. Returns how many."""
    newest = select(func.max(changes.c.id)).scalar_subquery()
    doomed = (
        select(changes.c.id)
        .where(changes.c.recorded_at < before, changes.c.id < newest)
        .order_by(changes.c.id)
        .limit(batch)
    )
    result = await connection.execute(delete(changes).where(changes.c.id.in_(doomed)))
    return int(result.rowcount or 0)
