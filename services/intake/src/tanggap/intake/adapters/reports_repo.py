"""The citizen-facing projection in PostgreSQL: report rows, routing decisions,
incident states and timeline steps, and the queries that read them back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
import orjson

from tanggap.intake.domain.status import (
    IncidentView,
    PublicStatus,
    Rejection,
    TimelineEntry,
)
from tanggap.intake.domain.views import ReportRecord, Routing, StatusUpdate, StoredMediaRef
from tanggap.schemas.common import AreaRef, IncidentStatus, UnitRef
from tanggap.schemas.events import ReportSubmitted

MAX_OPEN311_RESULTS = 1000

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    # Subscriptable only in asyncpg-stubs, not at run time.
    Connection: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]


@dataclass(frozen=True, slots=True)
class Completion:
    """A produced report to record, and the idempotency key it completes."""

    report: ReportSubmitted
    key_scope: str | None = None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Open311Query:
    start: datetime
    end: datetime
    service_codes: Sequence[str] = ()
    report_ids: Sequence[str] = ()
    status: str | None = None  # "open" | "closed" | None for both


# One statement, so one round trip: the rows, and (data-modifying CTEs always
# run) the idempotency keys they complete, in the statement's transaction.
_RECORD = """
WITH inserted AS (
INSERT INTO reports (report_id, submitted_at, category, description, lat, lon, accuracy_m,
                     address_text, needs_manual_location, media, media_urls, privacy, channel,
                     client_id)
SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::float8[],
                     $6::float8[], $7::float8[], $8::text[], $9::bool[], $10::jsonb[],
                     $11::jsonb[], $12::text[], $13::text[], $14::text[])
ON CONFLICT (report_id) DO NOTHING
), completed AS (
UPDATE idempotency_keys AS k SET state = 'completed'
FROM unnest($15::text[], $16::text[]) AS done(scope, key)
WHERE k.scope = done.scope AND k.key = done.key
)
SELECT 1
"""

_SELECT_REPORT = """
SELECT r.*, rt.decided_at, rt.incident_id, rt.area, rt.owner AS routed_owner,
       rt.handler AS routed_handler, rt.rejection AS routing_rejection,
       i.status AS incident_status, i.owner AS incident_owner, i.handler AS incident_handler,
       i.rejection AS incident_rejection, i.sequence, i.updated_at AS incident_updated_at,
       i.expected_at
FROM reports r
LEFT JOIN report_routing rt ON rt.report_id = r.report_id
LEFT JOIN incidents i ON i.incident_id = rt.incident_id
"""

# Mirrors domain.status.open311_status: closed once rejected, resolved or
# closed. A test checks the two agree.
_CLOSED_SQL = "(rt.rejection IS NOT NULL OR i.status IN ('resolved', 'closed', 'rejected'))"

_TIMELINE = """
SELECT event_id, at, status, note FROM timeline WHERE report_id = $1
UNION ALL
SELECT event_id, at, status, note FROM timeline
WHERE incident_id = $2 AND at >= $3
"""

_UPDATES = """
SELECT t.event_id, t.at, t.status, t.note, rt.report_id,
       coalesce(rt.rejection, i.rejection) AS rejection
FROM timeline t
JOIN report_routing rt ON rt.report_id = t.report_id
JOIN reports r ON r.report_id = rt.report_id
LEFT JOIN incidents i ON i.incident_id = rt.incident_id
WHERE t.at >= $1 AND t.at <= $2 AND r.privacy <> 'confidential'
UNION ALL
SELECT t.event_id, t.at, t.status, t.note, rt.report_id, i.rejection
FROM timeline t
JOIN report_routing rt ON rt.incident_id = t.incident_id AND t.at >= rt.decided_at
JOIN reports r ON r.report_id = rt.report_id
LEFT JOIN incidents i ON i.incident_id = rt.incident_id
WHERE t.at >= $1 AND t.at <= $2 AND r.privacy <> 'confidential'
ORDER BY at, event_id
LIMIT $3
"""


class ReportRepository:
    """``fast_pool``, if given, has ``synchronous_commit`` off: the request
    path's rows go there (see ``record``)."""

    def __init__(self, pool: asyncpg.Pool, fast_pool: asyncpg.Pool | None = None) -> None:
        self._pool = pool
        self._fast_pool = fast_pool or pool

    # -- writes from the request path and the projection -------------------

    async def record(
        self, completions: Sequence[Completion], *, durable: bool = True
    ) -> list[None]:
        """One transaction for a batch: the report rows (readable at once) and
        the idempotency keys they complete.

        ``durable=False`` (the request path) commits without waiting for the
        WAL flush: Kafka already holds the report (acks=all), the projection
        worker rewrites a row lost in a database crash, and a lost key
        completion only makes a retry produce the same report again."""
        keys = [(c.key_scope, c.key) for c in completions if c.key_scope and c.key]
        pool = self._pool if durable else self._fast_pool
        async with pool.acquire() as connection:
            await connection.execute(
                _RECORD,
                *_columns([c.report for c in completions]),
                [scope for scope, _ in keys],
                [key for _, key in keys],
            )
        return [None] * len(completions)

    async def record_routing(self, report_id: str, routing: Routing, entry: TimelineEntry) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute(
                """
                INSERT INTO report_routing (report_id, decided_at, incident_id, area, owner,
                                            handler, rejection)
                VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb)
                ON CONFLICT (report_id) DO NOTHING
                """,
                report_id,
                routing.decided_at,
                routing.incident_id,
                _model_json(routing.area),
                _model_json(routing.owner),
                _model_json(routing.handler),
                _rejection_json(routing.rejection),
            )
            await _insert_entry(connection, entry, report_id=report_id)

    async def load_incident_for_update(
        self, connection: Connection, incident_id: str
    ) -> IncidentView | None:
        row = await connection.fetchrow(
            "SELECT * FROM incidents WHERE incident_id = $1 FOR UPDATE", incident_id
        )
        return None if row is None else _incident_from_row(row, prefix="")

    async def save_incident(
        self,
        connection: Connection,
        view: IncidentView,
        entry: TimelineEntry | None,
    ) -> None:
        await connection.execute(
            """
            INSERT INTO incidents (incident_id, status, owner, handler, rejection, expected_at,
                                   sequence, updated_at)
            VALUES ($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6, $7, $8)
            ON CONFLICT (incident_id) DO UPDATE SET
                status = excluded.status, owner = excluded.owner, handler = excluded.handler,
                rejection = excluded.rejection, expected_at = excluded.expected_at,
                sequence = excluded.sequence, updated_at = excluded.updated_at
            WHERE incidents.sequence < excluded.sequence
            """,
            view.incident_id,
            view.status.value,
            _model_json(view.owner),
            _model_json(view.handler),
            _rejection_json(view.rejection),
            view.expected_at,
            view.sequence,
            view.updated_at,
        )
        if entry is not None:
            await _insert_entry(connection, entry, incident_id=view.incident_id)

    async def add_incident_entry(
        self, connection: Connection, incident_id: str, entry: TimelineEntry
    ) -> None:
        await _insert_entry(connection, entry, incident_id=incident_id)

    def acquire(self) -> Any:
        return self._pool.acquire()

    # -- reads -------------------------------------------------------------

    async def find(self, report_id: str) -> ReportRecord | None:
        async with self._pool.acquire() as connection:
            row = await connection.fetchrow(_SELECT_REPORT + " WHERE r.report_id = $1", report_id)
            if row is None:
                return None
            record = _record_from_row(row)
            since = record.routing.decided_at if record.routing else record.submitted_at
            incident_id = record.routing.incident_id if record.routing else None
            entries = await connection.fetch(_TIMELINE, report_id, incident_id, since)
        timeline = tuple(
            TimelineEntry(e["event_id"], e["at"], PublicStatus(e["status"]), e["note"])
            for e in entries
        )
        return _with_timeline(record, timeline)

    async def open311_requests(self, query: Open311Query) -> list[ReportRecord]:
        """Public reports for GET requests: by id list (which overrides every
        other filter, as the spec says), or by window, service codes and
        status; newest first, at most 1,000."""
        conditions = ["r.privacy <> 'confidential'"]
        params: list[Any] = []
        if query.report_ids:
            params.append(list(query.report_ids))
            conditions.append(f"r.report_id = ANY(${len(params)}::uuid[])")
        else:
            params.extend([query.start, query.end])
            conditions.append("r.submitted_at >= $1 AND r.submitted_at <= $2")
            if query.service_codes:
                params.append(list(query.service_codes))
                conditions.append(f"r.category = ANY(${len(params)}::text[])")
            if query.status == "closed":
                conditions.append(_CLOSED_SQL)
            elif query.status == "open":
                conditions.append(f"NOT {_CLOSED_SQL}")
        params.append(MAX_OPEN311_RESULTS)
        sql = (
            _SELECT_REPORT
            + " WHERE "
            + " AND ".join(conditions)
            + f" ORDER BY r.submitted_at DESC, r.report_id DESC LIMIT ${len(params)}"
        )
        async with self._pool.acquire() as connection:
            rows = await connection.fetch(sql, *params)
        return [_record_from_row(row) for row in rows]

    async def status_updates(self, start: datetime, end: datetime) -> list[StatusUpdate]:
        async with self._pool.acquire() as connection:
            rows = await connection.fetch(_UPDATES, start, end, MAX_OPEN311_RESULTS)
        return [
            StatusUpdate(
                entry=TimelineEntry(
                    row["event_id"], row["at"], PublicStatus(row["status"]), row["note"]
                ),
                report_id=str(row["report_id"]),
                rejection=_rejection(row["rejection"]),
            )
            for row in rows
        ]


async def _insert_entry(
    connection: Connection,
    entry: TimelineEntry,
    *,
    report_id: str | None = None,
    incident_id: str | None = None,
) -> None:
    await connection.execute(
        """
        INSERT INTO timeline (event_id, report_id, incident_id, at, status, note)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (event_id) DO NOTHING
        """,
        entry.event_id,
        report_id,
        incident_id,
        entry.at,
        entry.status.value,
        entry.note,
    )


def _columns(reports: Sequence[ReportSubmitted]) -> list[list[Any]]:
    columns: list[list[Any]] = [[] for _ in range(14)]
    for report in reports:
        location = report.location
        media = [{"media_id": m.media_id, "content_type": m.content_type} for m in report.media]
        values = (
            report.report_id,
            report.submitted_at,
            report.category,
            report.description,
            None if location is None else location.lat,
            None if location is None else location.lon,
            None if location is None else location.accuracy_m,
            report.address_text,
            report.needs_manual_location,
            orjson.dumps(media).decode(),
            orjson.dumps(report.media_urls).decode(),
            report.privacy.value,
            report.channel.value,
            report.client_id,
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    return columns


def _record_from_row(row: asyncpg.Record) -> ReportRecord:
    routing = None
    if row["decided_at"] is not None:
        routing = Routing(
            decided_at=row["decided_at"],
            incident_id=None if row["incident_id"] is None else str(row["incident_id"]),
            area=None if row["area"] is None else AreaRef.model_validate_json(row["area"]),
            owner=_unit(row["routed_owner"]),
            handler=_unit(row["routed_handler"]),
            rejection=_rejection(row["routing_rejection"]),
        )
    incident = None
    if row["incident_status"] is not None:
        incident = _incident_from_row(row, prefix="incident_")
    return ReportRecord(
        report_id=str(row["report_id"]),
        submitted_at=row["submitted_at"],
        category=row["category"],
        description=row["description"],
        lat=row["lat"],
        lon=row["lon"],
        accuracy_m=row["accuracy_m"],
        address_text=row["address_text"],
        needs_manual_location=row["needs_manual_location"],
        media=tuple(StoredMediaRef(**m) for m in orjson.loads(row["media"])),
        media_urls=tuple(orjson.loads(row["media_urls"])),
        privacy=row["privacy"],
        channel=row["channel"],
        client_id=row["client_id"],
        routing=routing,
        incident=incident,
    )


def _incident_from_row(row: asyncpg.Record, *, prefix: str) -> IncidentView:
    owner = _unit(row[f"{prefix}owner"])
    handler = _unit(row[f"{prefix}handler"])
    if owner is None or handler is None:
        raise ValueError("an incident row without owner or handler")
    return IncidentView(
        incident_id=str(row["incident_id"]),
        status=IncidentStatus(row[f"{prefix}status"]),
        owner=owner,
        handler=handler,
        sequence=row["sequence"],
        updated_at=row[f"{prefix}updated_at"],
        rejection=_rejection(row[f"{prefix}rejection"]),
        expected_at=row["expected_at"],
    )


def _with_timeline(record: ReportRecord, timeline: tuple[TimelineEntry, ...]) -> ReportRecord:
    return replace(record, timeline=timeline)


def _unit(text: str | None) -> UnitRef | None:
    return None if text is None else UnitRef.model_validate_json(text)


def _rejection(text: str | None) -> Rejection | None:
    if text is None:
        return None
    data = orjson.loads(text)
    return Rejection(reason=data["reason"], detail=data["detail"])


def _rejection_json(rejection: Rejection | None) -> str | None:
    if rejection is None:
        return None
    return orjson.dumps({"reason": rejection.reason, "detail": rejection.detail}).decode()


def _model_json(model: AreaRef | UnitRef | None) -> str | None:
    return None if model is None else model.model_dump_json()
