"""The live stream of incident changes within the caller's scope, resumable:
every change has a log id, the client says the last it saw (Last-Event-ID) and
continues after it, even across a reconnect or another API instance."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard import metrics
from tanggap.dashboard.adapters import change_queries
from tanggap.dashboard.adapters import incident_queries as queries
from tanggap.dashboard.adapters.notifications import NotificationHub
from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.domain.roles import Principal
from tanggap.dashboard.domain.scope import scope_for

BATCH = 200
POLL_S = 2.0
"""Re-read without a notification this often (a listener that reconnected)."""


class LiveFeed:
    def __init__(self, engine: AsyncEngine, hub: NotificationHub, heartbeat_s: float = 15.0):
        self.engine = engine
        self.hub = hub
        self.heartbeat_s = heartbeat_s

    async def stream(
        self, principal: Principal, last_event_id: int | None
    ) -> AsyncIterator[AnyRow | None]:
        """Changes in scope, in log order; None now and then as a heartbeat."""
        scope = queries.scope_condition(scope_for(principal))
        metrics.LIVE_CLIENTS.inc()
        try:
            async with self.hub.changes() as wake:
                async with self.engine.connect() as connection:
                    cursor = (
                        last_event_id
                        if last_event_id is not None
                        else await change_queries.latest_change_id(connection)
                    )
                loop = asyncio.get_running_loop()
                last_sent = loop.time()
                while True:
                    wake.clear()
                    read_from = cursor
                    async with self.engine.connect() as connection:
                        rows, cursor = await change_queries.changes_after(
                            connection, cursor, scope, BATCH
                        )
                    for row in rows:
                        yield row
                    if rows:
                        last_sent = loop.time()
                    if cursor != read_from:
                        continue  # the log moved on: read on before waiting
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), POLL_S)
                    if loop.time() - last_sent >= self.heartbeat_s:
                        last_sent = loop.time()
                        yield None
        finally:
            metrics.LIVE_CLIENTS.dec()
