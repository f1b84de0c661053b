"""The live stream of incident changes within the caller's scope, resumable:
every change has a log id, the client says the last it saw (Last-Event-ID) and
continues after it, even across a reconnect or another API instance. The log
is pruned (``prune_change_log``): a client whose last change is older than
what is left gets a ``LogPruned`` first, to reload everything, and goes on
from the newest change."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard import metrics
from tanggap.dashboard.adapters import change_queries
from tanggap.dashboard.adapters import incident_queries as queries
from tanggap.dashboard.adapters.notifications import NotificationHub
from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.domain.roles import Principal
from tanggap.dashboard.domain.scope import scope_for

log = structlog.get_logger(__name__)

BATCH = 200
POLL_S = 2.0
"""Re-read without a notification this often (a listener that reconnected)."""
PRUNE_BATCH = 10_000


@dataclass(frozen=True, slots=True)
class LogPruned:
    """What the client missed is no longer in the log: reload, then follow
    from ``newest`` (the change log id to resume after)."""

    newest: int


class LiveFeed:
    def __init__(self, engine: AsyncEngine, hub: NotificationHub, heartbeat_s: float = 15.0):
        self.engine = engine
        self.hub = hub
        self.heartbeat_s = heartbeat_s

    async def stream(
        self, principal: Principal, last_event_id: int | None
    ) -> AsyncIterator[AnyRow | LogPruned | None]:
        """Changes in scope, in log order; None now and then as a heartbeat;
        a LogPruned first when the client resumes from a pruned change."""
        scope = queries.scope_condition(scope_for(principal))
        metrics.LIVE_CLIENTS.inc()
        try:
            async with self.hub.changes() as wake:
                async with self.engine.connect() as connection:
                    newest = await change_queries.latest_change_id(connection)
                    oldest = (
                        await change_queries.oldest_change_id(connection)
                        if last_event_id is not None
                        else None
                    )
                # The ids run without gaps but for rolled-back projections: a
                # gap just after the client's last change only costs it a reload.
                pruned = (
                    last_event_id is not None and oldest is not None and last_event_id + 1 < oldest
                )
                cursor = newest if last_event_id is None or pruned else last_event_id
                if pruned:
                    yield LogPruned(newest=cursor)
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


async def prune_change_log(
    engine: AsyncEngine, retention: timedelta, clock: Callable[[], datetime]
) -> int:
    """Deletes the changes older than ``retention`` (keeping the newest), in
    batches of their own transaction; returns how many went."""
    before = clock() - retention
    total = 0
    while True:
        async with engine.begin() as connection:
            deleted = await change_queries.prune_changes(connection, before, PRUNE_BATCH)
        total += deleted
        if deleted < PRUNE_BATCH:
            return total


async def prune_periodically(
    engine: AsyncEngine, retention: timedelta, every_s: float, clock: Callable[[], datetime]
) -> None:
    """Until cancelled; a failed round (the database away) waits for the next."""
    while True:
        try:
            pruned = await prune_change_log(engine, retention, clock)
            metrics.CHANGES_PRUNED.inc(pruned)
            if pruned:
                log.info("change log pruned", changes=pruned)
        except Exception as exc:
            log.warning("change log not pruned", error=repr(exc))
        await asyncio.sleep(every_s)
