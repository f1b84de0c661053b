"""The agencies' latest data and feed freshness, as projected."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard.adapters import feed_queries
from tanggap.dashboard.adapters.rows import AnyRow


class AgencyFeeds:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def latest(self, feed_topic: str | None, limit: int) -> tuple[list[AnyRow], list[AnyRow]]:
        async with self.engine.connect() as connection:
            status = await feed_queries.feed_status(connection)
            observations = await feed_queries.latest_observations(connection, feed_topic, limit)
        return status, observations
