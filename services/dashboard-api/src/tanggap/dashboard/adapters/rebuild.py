"""Rebuilding the read model from the topics, then swapping it in, without downtime.

1. Migrate a fresh schema ``<live>_rebuild_<ts>`` and replay every projected
   topic into it from the beginning up to the end offsets read at the start,
   in batched transactions, while the live schema keeps serving and the live
   projector keeps projecting.
2. Swap, in one transaction: take the projection lock exclusively (the live
   projector waits between two records), move the operator tables (users,
   tokens, audit log, change log: not projections) into the new schema, apply
   what arrived on the topics since step 1 — recording changes only for events
   the live schema had not seen, so live streams neither miss nor repeat one —
   then rename the live schema away and the new one to the live name. Readers
   see the old schema until the commit and the new one after it.
3. Drop the old schema (or keep it, for comparison).

The live projector's next transaction resolves table names again, in the new
schema; a record it was holding is already in the new schema (its offset was
below the end offsets read under the lock), so applying it changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tanggap.dashboard.adapters.db import create_engine
from tanggap.dashboard.adapters.migrate import migrate
from tanggap.dashboard.adapters.projection.projector import Projector, projection_lock_key
from tanggap.dashboard.adapters.replay import Offsets, TopicReplay
from tanggap.dashboard.adapters.tables import OPERATOR_TABLES
from tanggap.streaming import Message

log = structlog.get_logger("tanggap.dashboard.rebuild")

Progress = Callable[[int, int], None]
"""Called with (offsets done, offsets in total) as the replay advances."""


@dataclass(frozen=True, slots=True)
class RebuildPlan:
    database_url: str
    bootstrap_servers: str
    live_schema: str
    topics: list[str]
    migrations_path: Path
    data_path: Path
    batch: int = 500
    keep_old: bool = False
    lock_timeout_s: int = 60


@dataclass(frozen=True, slots=True)
class RebuildReport:
    new_schema: str
    old_schema: str | None
    replayed: int
    applied: int
    delta: int


async def rebuild(
    plan: RebuildPlan, progress: Progress = lambda done, total: None
) -> RebuildReport:
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    target = f"{plan.live_schema}_rebuild_{stamp}"
    old = f"{plan.live_schema}_old_{stamp}"
    await migrate(
        plan.database_url, target, migrations_path=plan.migrations_path, data_path=plan.data_path
    )
    replay = TopicReplay(plan.bootstrap_servers, plan.topics)
    target_engine = create_engine(plan.database_url, target, pool_size=1)
    live_engine = create_engine(plan.database_url, plan.live_schema, pool_size=1)
    try:
        await replay.start()
        replayed, applied = await _replay(replay, target_engine, plan, progress)
        async with live_engine.begin() as connection:
            delta = await _swap(connection, replay, plan, target, old)
        log.info("rebuild swapped in", schema=plan.live_schema, replayed=replayed, delta=delta)
        if not plan.keep_old:
            async with live_engine.begin() as connection:
                await connection.execute(text(f'DROP SCHEMA "{old}" CASCADE'))
    except BaseException:
        async with live_engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{target}" CASCADE'))
        raise
    finally:
        await replay.stop()
        await target_engine.dispose()
        await live_engine.dispose()
    return RebuildReport(
        new_schema=plan.live_schema,
        old_schema=old if plan.keep_old else None,
        replayed=replayed,
        applied=applied,
        delta=delta,
    )


async def _replay(
    replay: TopicReplay, engine: AsyncEngine, plan: RebuildPlan, progress: Progress
) -> tuple[int, int]:
    projector = Projector(notify_schema=plan.live_schema, record_changes=False)
    starts = await replay.beginning_offsets()
    ends = await replay.end_offsets()
    total = sum(ends[tp] - starts[tp] for tp in ends)
    replayed = applied = 0
    progress(0, total)
    async for batch in replay.read_until(ends):
        for start in range(0, len(batch), plan.batch):
            async with engine.begin() as connection:
                for message in batch[start : start + plan.batch]:
                    applied += await projector.apply(connection, message)
        replayed += len(batch)
        positions = await replay.positions()
        progress(sum(min(positions[tp], ends[tp]) - starts[tp] for tp in ends), total)
    return replayed, applied


async def _swap(
    connection: AsyncConnection, replay: TopicReplay, plan: RebuildPlan, target: str, old: str
) -> int:
    live = plan.live_schema
    await connection.execute(text(f"SET LOCAL lock_timeout = '{plan.lock_timeout_s}s'"))
    await connection.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": projection_lock_key(live)},
    )
    for table in reversed(OPERATOR_TABLES):
        await connection.execute(text(f'DROP TABLE "{target}".{table}'))
    for table in OPERATOR_TABLES:
        await connection.execute(text(f'ALTER TABLE "{live}".{table} SET SCHEMA "{target}"'))
    await connection.execute(text(f'SET LOCAL search_path TO "{target}", public'))
    delta = await _apply_delta(connection, replay, live, await replay.end_offsets())
    await connection.execute(text(f'ALTER SCHEMA "{live}" RENAME TO "{old}"'))
    await connection.execute(text(f'ALTER SCHEMA "{target}" RENAME TO "{live}"'))
    return delta


async def _apply_delta(
    connection: AsyncConnection, replay: TopicReplay, live: str, ends: Offsets
) -> int:
    seen_live = Projector(notify_schema=live, record_changes=False)
    unseen_live = Projector(notify_schema=live, record_changes=True)
    count = 0
    async for batch in replay.read_until(ends):
        for message in batch:
            projector = seen_live if await _applied_live(connection, live, message) else unseen_live
            await projector.apply(connection, message)
            count += 1
    return count


async def _applied_live(connection: AsyncConnection, live: str, message: Message) -> bool:
    event_id = message.header("ce_id")
    if event_id is None:
        return False
    found = await connection.scalar(
        text(f'SELECT true FROM "{live}".applied_events WHERE event_id = :id'),
        {"id": event_id.decode("utf-8", "replace")},
    )
    return bool(found)
