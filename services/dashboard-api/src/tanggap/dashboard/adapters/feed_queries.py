"""The agencies' own data as the dashboard last saw it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.adapters.tables import agency_feed_snapshots, agency_feed_status


async def feed_status(connection: AsyncConnection) -> list[AnyRow]:
    query = select(agency_feed_status).order_by(agency_feed_status.c.feed)
    return list((await connection.execute(query)).all())


async def latest_observations(
    connection: AsyncConnection, feed_topic: str | None, limit: int
) -> list[AnyRow]:
    s = agency_feed_snapshots.c
    query = select(
        s.feed_topic,
        s.entity_key,
        s.type,
        s.observed_at,
        s.data,
        func.ST_Y(s.location).label("lat"),
        func.ST_X(s.location).label("lon"),
    )
    if feed_topic is not None:
        query = query.where(s.feed_topic == feed_topic)
    query = query.order_by(s.observed_at.desc(), s.feed_topic, s.entity_key).limit(limit)
    return list((await connection.execute(query)).all())
