"""The dashboard's read side on a city-sized read model, and its projector
against a bare consumer, in one run.

    .venv/bin/python bench/dashboard.py [--reports 1000000] [--list-requests 300]
                                        [--stats-requests 20] [--events 8000] [--keep]

Needs the local infrastructure (`python3 deploy/local/infra.py up --profile
test`; TANGGAP_KAFKA_BOOTSTRAP / TANGGAP_DATABASE_URL select another). Works in
a schema and topics of its own, dropped at the end (unless --keep).

1. **Data**: one million reports (default) in a fresh dashboard schema, spread
   over the 43 kelurahan in proportion to their population
   (services/dashboard-api/data/population.json), at points inside the real
   polygons, over the last 365 days with a daytime peak, in a category mix
   with the catalogue's handlers, owners and SLAs; about one report in five
   joins an incident already open, so ~800,000 incidents. Their lives (when
   acknowledged, started, resolved, rejected, escalated) are drawn against
   their SLAs, so the city has an old, mostly resolved past and a live
   backlog. Generated inside PostgreSQL as set-based INSERT ... SELECT (the
   same path COPY takes: no row crosses the network), in the order the
   projector would have written them (by time); indexes are built after the
   load, as for a bulk restore, then VACUUM ANALYZE.
2. **Reads**, in-process through the API (httpx ASGI transport, the command
   center's token): the incident list with a bounding box (~1.5 km around a
   kelurahan) and a status filter, next to the same SQL with index scans
   switched off (the baseline the GiST and btree indexes are for); and each
   statistics endpoint over the default 30 days. p50/p99 of each.
3. **Projector**: the same events (report.submitted, report.routed,
   incident.opened, incident.state; 3 partitions per topic) read by a bare
   aiokafka consumer (read_committed, nothing done per record) and projected
   by the dashboard's projector (ConsumerRunner, one transaction per record
   into PostgreSQL), with, between the two, a consumer that writes each
   record's bytes in one INSERT and commits it (what any at-least-once
   projection at least costs). Events/s from the first to the last record.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex

from tanggap.dashboard.adapters.db import create_engine, raw_url
from tanggap.dashboard.adapters.migrate import migrate
from tanggap.dashboard.adapters.tables import incidents, reports
from tanggap.dashboard.domain.roles import Role
from tanggap.dashboard.main import create_app
from tanggap.dashboard.settings import SERVICE_ROOT, Settings
from tanggap.dashboard.worker import ProjectorWorker
from tanggap.schemas.cloudevents import encode
from tanggap.schemas.common import (
    Actor,
    ActorKind,
    AreaRef,
    GeoPoint,
    IncidentStatus,
    KecamatanRef,
    KelurahanRef,
    Location,
    Priority,
    Privacy,
    SlaDeadlines,
    UnitRef,
    UnitType,
    uuid7,
)
from tanggap.schemas.events import (
    Channel,
    IncidentOpened,
    IncidentSnapshot,
    Reporter,
    ReportRouted,
    ReportSubmitted,
)
from tanggap.schemas.topic_names import Topic
from tanggap.streaming.admin import TopicSpec, delete_topics, ensure_topics

REPO = Path(__file__).resolve().parent.parent
DEFAULT_KAFKA = "127.0.0.1:29092"
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:55433/tanggap_test"
PARTITIONS = 3
DATA = SERVICE_ROOT / "data"

# The category mix of the generated city. Codes, handlers, owners and SLAs
# (acknowledge / first action / resolve, hours; None: resolution outside the
# platform) follow the real catalogue (shared/data/cilegon/CATEGORIES.md);
# working days are approximated as calendar days x 1.4. The weights are an
# assumption: no public breakdown of Cilegon's complaints by category exists.
# owner: kelurahan / kecamatan of the point, the polsek of its kecamatan, or
# the command center (emergencies).
HANDLERS = {
    "dpupr": ("opd", "Dinas Pekerjaan Umum dan Penataan Ruang Kota Cilegon"),
    "dishub": ("opd", "Dinas Perhubungan Kota Cilegon"),
    "pdam:cilegon-mandiri": ("utility", "Perumda Air Minum Cilegon Mandiri"),
    "bpbd": ("opd", "Badan Penanggulangan Bencana Daerah Kota Cilegon"),
    "satpolpp": ("opd", "Satuan Polisi Pamong Praja Kota Cilegon"),
    "command-center": ("command-center", "Command Center Pemerintah Kota Cilegon"),
    "disperkim": ("opd", "Dinas Perumahan dan Kawasan Permukiman Kota Cilegon"),
    "damkar": ("opd", "Dinas Pemadam Kebakaran dan Penyelamatan Kota Cilegon"),
    "kelurahan": ("kelurahan", ""),  # the kelurahan of the point
    "polsek": ("polsek", ""),  # the polsek of the point's kecamatan
}
CATEGORIES: tuple[tuple[str, int, str, str, float, float, float | None], ...] = (
    # code, weight, owner, handler, acknowledge h, first action h, resolve h
    ("sampah", 18, "kelurahan", "kelurahan", 24, 72, 72),
    ("jalan-rusak", 16, "kecamatan", "dpupr", 24, 72, 470),
    ("drainase", 10, "kelurahan", "dpupr", 24, 72, 470),
    ("penerangan-jalan", 10, "kelurahan", "dishub", 24, 72, 168),
    ("air-bersih", 6, "kelurahan", "pdam:cilegon-mandiri", 24, 34, None),
    ("banjir", 6, "command-center", "bpbd", 0.5, 2, 24),
    ("parkir-liar", 6, "kecamatan", "dishub", 24, 72, 67),
    ("kemacetan", 5, "kecamatan", "dishub", 1, 2, 12),
    ("pkl-liar", 5, "kelurahan", "satpolpp", 24, 72, 470),
    ("lainnya", 5, "command-center", "command-center", 24, 34, 168),
    ("pohon-rawan", 4, "kelurahan", "disperkim", 24, 72, 470),
    ("keributan", 4, "polsek", "polsek", 0.5, 2, 6),
    ("kriminalitas", 3, "polsek", "polsek", 1, 24, None),
    ("kebakaran", 2, "command-center", "damkar", 5 / 60, 0.25, None),
)

# Share of reports per WIB hour of day: quiet at night, peaks in the morning
# and after work (an assumption, as for the category weights).
HOURS = (1, 1, 1, 1, 1, 2, 4, 7, 8, 8, 7, 6, 6, 6, 6, 6, 7, 8, 8, 6, 4, 3, 2, 1)


# --------------------------------------------------------------------------- generation

SETUP_SQL = """
CREATE TEMP TABLE b_kel AS
SELECT k.kode, k.name, k.kecamatan_kode, c.name AS kecamatan_name,
       sum(k.population) OVER (ORDER BY k.kode) - k.population AS lo,
       sum(k.population) OVER (ORDER BY k.kode) AS hi
FROM kelurahan k JOIN kecamatan c ON c.kode = k.kecamatan_kode;

CREATE TEMP TABLE b_points AS
SELECT kode, (row_number() OVER (PARTITION BY kode) - 1)::int AS n, geom
FROM (SELECT kode, (ST_Dump(ST_GeneratePoints(geom, 400, 7))).geom FROM kelurahan) p;
CREATE INDEX ON b_points (kode, n);
"""

INCIDENTS_SQL = """
WITH drawn AS (
    SELECT m.incident_n, m.reports, m.public_reports,
           random() AS r_kel, random() AS r_cat, random() AS r_point,
           random() AS r_day, random() AS r_hour, random() AS r_minute,
           -ln(1 - random()) AS e_ack, -ln(1 - random()) AS e_act, -ln(1 - random()) AS e_res,
           random() AS r_fate, random() AS r_escalate
    FROM b_counts m
), placed AS (
    SELECT d.*, k.kode, k.name AS kel_name, k.kecamatan_kode, k.kecamatan_name,
           c.code, c.owner_kind, c.handler_id, c.handler_type, c.handler_name,
           c.ack_h, c.act_h, c.res_h,
           (date_trunc('day', now() AT TIME ZONE 'Asia/Jakarta')
             - make_interval(days => floor(d.r_day * $2)::int)
             + make_interval(hours => h.hour, mins => floor(d.r_minute * 60)::int)
           ) AT TIME ZONE 'Asia/Jakarta' AS opened_at
    FROM drawn d
    JOIN b_kel k ON d.r_kel * $1 >= k.lo AND d.r_kel * $1 < k.hi
    JOIN b_categories c ON d.r_cat * 100 >= c.lo AND d.r_cat * 100 < c.hi
    JOIN b_hours h ON d.r_hour * 100 >= h.lo AND d.r_hour * 100 < h.hi
), lived AS (
    SELECT p.*,
        CASE WHEN p.r_fate >= 0.03
             THEN p.opened_at + make_interval(secs => p.e_ack * p.ack_h * 0.8 * 3600)
        END AS ack_at,
        p.opened_at + make_interval(
            secs => (p.e_ack * p.ack_h * 0.8 + p.e_act * p.act_h * 0.6) * 3600) AS act_at,
        CASE WHEN p.res_h IS NOT NULL OR p.r_fate > 0.5
             THEN p.opened_at + make_interval(secs => (
                  p.e_ack * p.ack_h * 0.8 + p.e_act * p.act_h * 0.6
                  + p.e_res * coalesce(p.res_h, 72) * 0.6) * 3600) END AS res_at
    FROM placed p
), shaped AS (
    SELECT l.*,
        CASE WHEN l.ack_at < now() THEN l.ack_at END AS acknowledged_at,
        CASE WHEN l.ack_at < now() AND l.act_at < now() THEN l.act_at END AS first_action_at,
        CASE WHEN l.ack_at < now() AND l.res_at < now() THEN l.res_at END AS resolved_at,
        CASE l.owner_kind
            WHEN 'kelurahan' THEN 'kelurahan:' || l.kode
            WHEN 'kecamatan' THEN 'kecamatan:' || l.kecamatan_kode
            WHEN 'polsek' THEN pol.unit
            ELSE 'command-center' END AS owner_id,
        CASE l.owner_kind
            WHEN 'kelurahan' THEN 'Kelurahan ' || l.kel_name
            WHEN 'kecamatan' THEN 'Kecamatan ' || l.kecamatan_name
            WHEN 'polsek' THEN pol.name
            ELSE 'Command Center Pemerintah Kota Cilegon' END AS owner_name,
        CASE l.owner_kind WHEN 'polsek' THEN 'polsek' WHEN 'command-center' THEN 'command-center'
            ELSE l.owner_kind END AS owner_type,
        CASE l.handler_id WHEN 'kelurahan' THEN 'kelurahan:' || l.kode
            WHEN 'polsek' THEN pol.unit ELSE l.handler_id END AS h_id,
        CASE l.handler_id WHEN 'kelurahan' THEN 'Kelurahan ' || l.kel_name
            WHEN 'polsek' THEN pol.name ELSE l.handler_name END AS h_name
    FROM lived l JOIN b_police pol ON pol.kecamatan_kode = l.kecamatan_kode
)
INSERT INTO incidents (
    incident_id, sequence, category, status, priority, priority_rank, location,
    kelurahan_kode, kelurahan_name, kecamatan_kode, kecamatan_name,
    owner_unit_id, owner_type, owner_name, handler_unit_id, handler_type, handler_name,
    copied, unit_ids, involves_police, report_count, public_report_count,
    opened_at, acknowledged_at, first_action_at, resolved_at, closed_at,
    sla_acknowledge_by, sla_first_action_by, sla_resolve_by, escalation_level,
    reassign_count, external_refs, rule_id, rules_version, updated_at)
SELECT
    md5('incident' || s.incident_n)::uuid::text,
    1 + (s.acknowledged_at IS NOT NULL)::int + (s.first_action_at IS NOT NULL)::int
      + (s.resolved_at IS NOT NULL)::int + s.reports - 1,
    s.code,
    CASE WHEN s.r_fate < 0.02 THEN 'rejected'
         WHEN s.resolved_at IS NOT NULL AND s.resolved_at + interval '7 days' < now() THEN 'closed'
         WHEN s.resolved_at IS NOT NULL THEN 'resolved'
         WHEN s.first_action_at IS NOT NULL THEN 'in_progress'
         WHEN s.acknowledged_at IS NOT NULL THEN 'acknowledged'
         ELSE 'open' END,
    CASE WHEN s.reports >= 3 THEN 'high' WHEN s.ack_h < 1 THEN 'urgent' ELSE 'normal' END,
    CASE WHEN s.reports >= 3 THEN 3 WHEN s.ack_h < 1 THEN 4 ELSE 2 END,
    (SELECT geom FROM b_points bp WHERE bp.kode = s.kode AND bp.n = floor(s.r_point * 400)::int),
    s.kode, s.kel_name, s.kecamatan_kode, s.kecamatan_name,
    s.owner_id, s.owner_type, s.owner_name, s.h_id, s.handler_type, s.h_name,
    '[]'::jsonb, ARRAY[s.owner_id, s.h_id], s.owner_kind = 'polsek', s.reports, s.public_reports,
    s.opened_at, s.acknowledged_at, s.first_action_at, s.resolved_at,
    CASE WHEN s.resolved_at + interval '7 days' < now() THEN s.resolved_at + interval '7 days' END,
    s.opened_at + make_interval(secs => s.ack_h * 3600),
    s.opened_at + make_interval(secs => s.act_h * 3600),
    s.opened_at + make_interval(secs => s.res_h * 3600),
    0, 0, '{}'::jsonb, s.code || '-default', 'bench-1',
    greatest(s.opened_at, s.acknowledged_at, s.first_action_at, s.resolved_at)
FROM shaped s
ORDER BY s.opened_at
"""

REPORTS_SQL = """
INSERT INTO reports (
    report_id, incident_id, status, submitted_at, category, description, address_text,
    location, accuracy_m, needs_manual_location, media, answers, reporter_name,
    reporter_phone, reporter_email, privacy, channel, kelurahan_kode, kecamatan_kode,
    owner_unit_id, handler_unit_id, rule_id, rules_version, merged, routing_reasons, routed_at)
SELECT
    md5('report' || m.report_n)::uuid::text,
    i.incident_id,
    'routed',
    i.opened_at + make_interval(mins => m.later_minutes),
    i.category,
    'Laporan warga nomor ' || m.report_n || ' tentang ' || i.category || ' di ' || i.kelurahan_name,
    'RT 0' || (m.report_n % 9 + 1) || ' RW 0' || (m.report_n % 7 + 1),
    ST_Translate(i.location, (random() - 0.5) * 0.0004, (random() - 0.5) * 0.0004),
    5 + random() * 20, false, '[]'::jsonb, '{}'::jsonb,
    CASE WHEN m.privacy = 'public' THEN 'Warga ' || m.report_n END,
    CASE WHEN m.privacy = 'public' THEN '+62812' || lpad(m.report_n::text, 8, '0') END,
    NULL, m.privacy,
    CASE WHEN m.report_n % 10 = 0 THEN 'open311' ELSE 'native' END,
    i.kelurahan_kode, i.kecamatan_kode, i.owner_unit_id, i.handler_unit_id,
    i.rule_id, i.rules_version, m.later_minutes > 0, '["kategori dan lokasi"]'::jsonb,
    i.opened_at + make_interval(mins => m.later_minutes)
FROM b_map m
JOIN incidents i ON i.incident_id = md5('incident' || m.incident_n)::uuid::text
ORDER BY i.opened_at + make_interval(mins => m.later_minutes)
"""

ESCALATIONS_SQL = """
INSERT INTO incident_escalations (
    event_id, incident_id, sequence, occurred_at, level, from_unit_id, from_unit_name,
    to_unit_id, to_unit_name, clock, missed_deadline)
SELECT md5('escalation' || i.incident_id)::uuid::text, i.incident_id, 2,
       i.sla_acknowledge_by, 1, i.owner_unit_id, i.owner_name,
       'kecamatan:' || i.kecamatan_kode, 'Kecamatan ' || i.kecamatan_name,
       'acknowledge', i.sla_acknowledge_by
FROM incidents i
WHERE i.owner_type = 'kelurahan'
  AND coalesce(i.acknowledged_at, now()) > i.sla_acknowledge_by
  AND hashtext(i.incident_id) % 3 = 0
"""


def _weights_sql(name: str, rows: list[tuple[Any, ...]], columns: str) -> str:
    values = ", ".join("(" + ", ".join(_literal(v) for v in row) + ")" for row in rows)
    return f"CREATE TEMP TABLE {name} ({columns}); INSERT INTO {name} VALUES {values};"


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _cumulative(weights: list[int]) -> list[tuple[float, float]]:
    total = sum(weights)
    bounds, low = [], 0.0
    for w in weights:
        high = low + 100.0 * w / total
        bounds.append((low, high))
        low = high
    bounds[-1] = (bounds[-1][0], 100.0001)
    return bounds


def lookup_tables() -> str:
    cats = _cumulative([c[1] for c in CATEGORIES])
    categories = [
        (code, lo, hi, owner, handler, *HANDLERS[handler], float(ack), float(act), res)
        for (code, _, owner, handler, ack, act, res), (lo, hi) in zip(CATEGORIES, cats, strict=True)
    ]
    hours = [(h, lo, hi) for h, (lo, hi) in enumerate(_cumulative(list(HOURS)))]
    police_json = json.loads((DATA / "police.json").read_text(encoding="utf-8"))
    police = [(k["kecamatan_kode"], k["unit"], k["polsek"]) for k in police_json["kecamatan"]]
    return "\n".join(
        [
            _weights_sql(
                "b_categories",
                categories,
                "code text, lo float, hi float, owner_kind text, handler_id text, "
                "handler_type text, handler_name text, ack_h float, act_h float, res_h float",
            ),
            _weights_sql("b_hours", hours, "hour int, lo float, hi float"),
            _weights_sql("b_police", police, "kecamatan_kode text, unit text, name text"),
        ]
    )


MAP_SQL = """
CREATE TEMP TABLE b_map AS
SELECT g AS report_n,
       CASE WHEN g <= $2 THEN g ELSE 1 + floor(random() * $2)::int END AS incident_n,
       CASE WHEN g <= $2 THEN 0 ELSE floor(random() * 600)::int END AS later_minutes,
       CASE WHEN r < 0.85 THEN 'public' WHEN r < 0.95 THEN 'anonymous' ELSE 'confidential' END
         AS privacy
FROM (SELECT g, random() AS r FROM generate_series(1, $1) g) s
"""

COUNTS_SQL = """
CREATE TEMP TABLE b_counts AS
SELECT incident_n, count(*)::int AS reports,
       count(*) FILTER (WHERE privacy <> 'confidential')::int AS public_reports
FROM b_map GROUP BY incident_n;
"""


async def generate(url: str, schema: str, n_reports: int) -> dict[str, float]:
    timings: dict[str, float] = {}
    connection = await asyncpg.connect(
        raw_url(url), server_settings={"search_path": f"{schema}, public"}
    )
    try:
        # JIT compiles these one-off statements for longer than they run.
        await connection.execute(
            "SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'; SET jit = off"
        )
        started = time.perf_counter()
        await connection.execute(SETUP_SQL + lookup_tables())
        n_incidents = round(n_reports * 0.8)
        # CREATE TABLE AS takes no bind parameters: the two counts are plain integers.
        await connection.execute(
            MAP_SQL.replace("$1", str(int(n_reports))).replace("$2", str(int(n_incidents)))
        )
        await connection.execute(COUNTS_SQL)
        total_people = await connection.fetchval("SELECT max(hi) FROM b_kel")
        await _drop_indexes(connection)
        timings["prepare"] = time.perf_counter() - started

        started = time.perf_counter()
        await connection.execute(INCIDENTS_SQL, float(total_people), 365.0)
        timings["incidents"] = time.perf_counter() - started
        started = time.perf_counter()
        await connection.execute(REPORTS_SQL)
        await connection.execute(ESCALATIONS_SQL)
        timings["reports"] = time.perf_counter() - started

        started = time.perf_counter()
        await _create_indexes(connection)
        await connection.execute("VACUUM (ANALYZE) incidents")
        await connection.execute("VACUUM (ANALYZE) reports")
        await connection.execute("VACUUM (ANALYZE) incident_escalations")
        timings["indexes"] = time.perf_counter() - started
    finally:
        await connection.close()
    return timings


def _index_ddl() -> list[tuple[str, str]]:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    return [
        (index.name or "", str(CreateIndex(index).compile(dialect=dialect)))
        for table in (incidents, reports)
        for index in table.indexes
    ]


async def _drop_indexes(connection: asyncpg.Connection) -> None:
    for name, _ in _index_ddl():
        await connection.execute(f"DROP INDEX IF EXISTS {name}")


async def _create_indexes(connection: asyncpg.Connection) -> None:
    for _, ddl in _index_ddl():
        await connection.execute(ddl)


# --------------------------------------------------------------------------- reads


@dataclass
class Figures:
    name: str
    seconds: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p99(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000


async def timed(n: int, call: Callable[[int], Awaitable[None]]) -> list[float]:
    seconds = []
    for i in range(n):
        started = time.perf_counter()
        await call(i)
        seconds.append(time.perf_counter() - started)
    return seconds


async def bench_reads(url: str, kafka: str, schema: str, args: argparse.Namespace) -> list[Figures]:
    settings = Settings(
        database_url=url,
        database_schema=schema,
        kafka_bootstrap=kafka,
        dev_mode=True,
        jwt_secret="bench-" + uuid.uuid4().hex * 2,
        run_projector=False,
        migrate_on_start=False,
        argon2_memory_kib=1024,
        public_stats_cache_s=0,
        log_level="WARNING",
    )
    app = create_app(settings)
    centres = await _kelurahan_centres(url, schema)
    rng = random.Random(11)
    boxes = [_box(*rng.choice(centres), half_km=0.75) for _ in range(args.list_requests)]
    results: list[Figures] = []
    async with app.router.lifespan_context(app):
        await app.state.use_cases.auth.create_user(
            username="cc.bench",
            display_name="bench",
            role=Role.COMMAND_CENTER,
            unit_id="command-center",
            password="bench-password-1",
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=120
        ) as client:
            token = await client.post(
                "/v1/auth/token", data={"username": "cc.bench", "password": "bench-password-1"}
            )
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}

            async def listing(i: int) -> None:
                params = {"bbox": boxes[i], "status": ["open", "acknowledged"], "limit": "50"}
                response = await client.get("/v1/incidents", params=params, headers=headers)
                response.raise_for_status()

            await timed(10, listing)  # warm the caches and the pool
            results.append(
                Figures("list bbox+status (API)", await timed(args.list_requests, listing))
            )
            results.append(
                Figures(
                    "list bbox+status, no index (SQL)",
                    await _unindexed_list(url, schema, boxes[:20]),
                )
            )
            for path in (
                "/v1/stats/overview",
                "/v1/stats/units",
                "/v1/stats/trend",
                "/v1/stats/kelurahan.geojson",
                "/v1/summary/daily",
                "/v1/public/stats",
            ):

                async def stat(_: int, path: str = path) -> None:
                    response = await client.get(path, headers=headers)
                    response.raise_for_status()

                await stat(0)
                results.append(Figures(path, await timed(args.stats_requests, stat)))
    return results


async def _kelurahan_centres(url: str, schema: str) -> list[tuple[float, float]]:
    connection = await asyncpg.connect(
        raw_url(url), server_settings={"search_path": f"{schema}, public"}
    )
    try:
        rows = await connection.fetch(
            "SELECT ST_Y(ST_PointOnSurface(geom)) AS lat, "
            "ST_X(ST_PointOnSurface(geom)) AS lon FROM kelurahan"
        )
    finally:
        await connection.close()
    return [(r["lat"], r["lon"]) for r in rows]


def _box(lat: float, lon: float, half_km: float) -> str:
    d_lat = half_km / 111.0
    d_lon = half_km / 110.5
    return f"{lon - d_lon:.5f},{lat - d_lat:.5f},{lon + d_lon:.5f},{lat + d_lat:.5f}"


async def _unindexed_list(url: str, schema: str, boxes: list[str]) -> list[float]:
    """The same filter and order in SQL with index scans off: what the indexes buy."""
    connection = await asyncpg.connect(
        raw_url(url), server_settings={"search_path": f"{schema}, public"}
    )
    sql = (
        "SELECT incident_id FROM incidents WHERE status = ANY($1) "
        "AND location && ST_MakeEnvelope($2, $3, $4, $5, 4326) "
        "ORDER BY opened_at DESC, incident_id DESC LIMIT 51"
    )
    try:
        await connection.execute("SET enable_indexscan = off; SET enable_bitmapscan = off")
        seconds = []
        for box in boxes:
            values = [float(v) for v in box.split(",")]
            started = time.perf_counter()
            await connection.fetch(sql, ["open", "acknowledged"], *values)
            seconds.append(time.perf_counter() - started)
    finally:
        await connection.close()
    return seconds


# --------------------------------------------------------------------------- projector


def city_events(
    n_incidents: int, areas: list[tuple[str, str, str, str, float, float]]
) -> list[Any]:
    """What intake and routing emit for n incidents of one report each."""
    rng = random.Random(5)
    by = Actor(kind=ActorKind.SYSTEM, id="routing")
    now = datetime.now(UTC)
    events: list[Any] = []
    for n in range(n_incidents):
        kode, name, kec_kode, kec_name, lat, lon = rng.choice(areas)
        at = now - timedelta(minutes=n_incidents - n)
        area = AreaRef(
            kelurahan=KelurahanRef(kode=kode, name=name),
            kecamatan=KecamatanRef(kode=kec_kode, name=kec_name),
        )
        owner = UnitRef(id=f"kelurahan:{kode}", type=UnitType.KELURAHAN, name=f"Kelurahan {name}")
        handler = UnitRef(id="dlh", type=UnitType.OPD, name="Dinas Lingkungan Hidup Kota Cilegon")
        sla = SlaDeadlines(
            acknowledge_by=at + timedelta(hours=24),
            first_action_by=at + timedelta(days=3),
            resolve_by=at + timedelta(days=3),
        )
        report_id = uuid7(int(at.timestamp() * 1000))
        incident_id = str(uuid.uuid4())
        point = GeoPoint(lat=lat, lon=lon)
        events += [
            ReportSubmitted(
                report_id=report_id,
                submitted_at=at,
                category="sampah",
                description=f"Sampah menumpuk, laporan {n}",
                location=Location(lat=lat, lon=lon),
                area_key="sampah",
                reporter=Reporter(name=f"Warga {n}", phone="+6281234567890"),
                privacy=Privacy.PUBLIC,
                channel=Channel.NATIVE,
            ),
            ReportRouted(
                report_id=report_id,
                incident_id=incident_id,
                area=area,
                owner=owner,
                handler=handler,
                copied=[],
                rule_id="sampah-default",
                rules_version="bench-1",
                reasons=["kategori dan lokasi"],
                merged=False,
                routed_at=at,
            ),
            IncidentOpened(
                incident_id=incident_id,
                sequence=1,
                occurred_at=at,
                by=by,
                category="sampah",
                priority=Priority.NORMAL,
                location=point,
                area=area,
                owner=owner,
                handler=handler,
                copied=[],
                sla=sla,
                rule_id="sampah-default",
                rules_version="bench-1",
                report_id=report_id,
            ),
            IncidentSnapshot(
                incident_id=incident_id,
                category="sampah",
                status=IncidentStatus.OPEN,
                priority=Priority.NORMAL,
                location=point,
                area=area,
                owner=owner,
                handler=handler,
                copied=[],
                report_count=1,
                report_ids=[report_id],
                opened_at=at,
                sla=sla,
                escalation_level=0,
                reassign_count=0,
                external_refs={},
                sequence=1,
                updated_at=at,
            ),
        ]
    return events


async def bench_projector(
    url: str, kafka: str, n_events: int, schema_prefix: str
) -> dict[str, float]:
    prefix = f"bench{uuid.uuid4().hex[:8]}."
    topics = [
        prefix + t.value
        for t in (
            Topic.REPORTS_SUBMITTED,
            Topic.REPORTS_ROUTED,
            Topic.INCIDENTS,
            Topic.INCIDENTS_STATE,
        )
    ]
    settings = Settings(
        database_url=url,
        database_schema=f"{schema_prefix}_projector",
        kafka_bootstrap=kafka,
        topic_prefix=prefix,
        consumer_group=prefix + "projector",
        dev_mode=True,
        exit_on_projector_failure=False,
        log_level="WARNING",
    )
    all_topics = [*settings.projected_topics, settings.topic(Topic.DEADLETTER_DASHBOARD_API)]
    await ensure_topics(kafka, [TopicSpec(t, partitions=PARTITIONS) for t in all_topics])
    await migrate(
        url,
        settings.database_schema,
        migrations_path=settings.migrations_path,
        data_path=settings.data_path,
    )
    engine = create_engine(url, settings.database_schema)
    try:
        areas = await _areas(url, settings.database_schema)
        events = city_events(n_events // 4, areas)
        producer = AIOKafkaProducer(
            bootstrap_servers=kafka, acks="all", enable_idempotence=True, linger_ms=5
        )
        await producer.start()
        try:
            for event in events:
                record = encode(event, source="/bench/dashboard")
                await producer.send(
                    prefix + event.topic.value,
                    key=record.key,
                    value=record.value,
                    headers=record.headers,
                )
            await producer.flush()
        finally:
            await producer.stop()
        bare = await _bare_consumer(kafka, topics, len(events))
        floor = await _insert_per_record(url, kafka, topics, len(events))
        worker = ProjectorWorker(settings, engine)
        task = asyncio.create_task(worker.run())
        started = time.perf_counter()
        async with engine.connect() as connection:
            while True:
                applied = (
                    await connection.exec_driver_sql("SELECT count(*) FROM applied_events")
                ).scalar() or 0
                await connection.commit()
                if applied >= len(events) or task.done():
                    break
                await asyncio.sleep(0.25)
            wall = time.perf_counter() - started
            span = (
                await connection.exec_driver_sql(
                    "SELECT extract(epoch FROM max(applied_at) - min(applied_at)) "
                    "FROM applied_events"
                )
            ).scalar()
        worker.stop()
        await task
        return {
            "events": float(len(events)),
            "bare_per_s": bare,
            "insert_per_s": floor,
            "projector_per_s": len(events) / float(span or wall),
            "projector_wall_s": wall,
        }
    finally:
        await engine.dispose()
        await delete_topics(kafka, all_topics)


async def _areas(url: str, schema: str) -> list[tuple[str, str, str, str, float, float]]:
    connection = await asyncpg.connect(
        raw_url(url), server_settings={"search_path": f"{schema}, public"}
    )
    try:
        rows = await connection.fetch(
            "SELECT k.kode, k.name, k.kecamatan_kode, c.name AS kec, "
            "ST_Y(ST_PointOnSurface(k.geom)) AS lat, ST_X(ST_PointOnSurface(k.geom)) AS lon "
            "FROM kelurahan k JOIN kecamatan c ON c.kode = k.kecamatan_kode"
        )
    finally:
        await connection.close()
    return [(r["kode"], r["name"], r["kecamatan_kode"], r["kec"], r["lat"], r["lon"]) for r in rows]


@contextlib.asynccontextmanager
async def _from_the_beginning(kafka: str, topics: list[str]) -> AsyncIterator[AIOKafkaConsumer]:
    """A group-less read_committed consumer at the start of every partition."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in range(PARTITIONS)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        yield consumer
    finally:
        await consumer.stop()


async def _insert_per_record(url: str, kafka: str, topics: list[str], expected: int) -> float:
    """The floor of any at-least-once projection: each record's bytes in one
    INSERT, one transaction each (asyncpg, no SQLAlchemy, no decoding)."""
    connection = await asyncpg.connect(raw_url(url))
    table = f"bench_floor_{uuid.uuid4().hex[:8]}"
    await connection.execute(
        f"CREATE TABLE {table} (topic text, part int, off bigint, value bytea, "
        "PRIMARY KEY (topic, part, off))"
    )
    try:
        async with _from_the_beginning(kafka, topics) as consumer:
            insert = f"INSERT INTO {table} VALUES ($1, $2, $3, $4)"
            seen = 0
            started = time.perf_counter()
            while seen < expected:
                batch = await consumer.getmany(timeout_ms=500, max_records=2000)
                for records in batch.values():
                    for record in records:
                        async with connection.transaction():
                            await connection.execute(
                                insert, record.topic, record.partition, record.offset, record.value
                            )
                    seen += len(records)
            return expected / (time.perf_counter() - started)
    finally:
        await connection.execute(f"DROP TABLE {table}")
        await connection.close()


async def _bare_consumer(kafka: str, topics: list[str], expected: int) -> float:
    async with _from_the_beginning(kafka, topics) as consumer:
        seen = 0
        started = time.perf_counter()
        while seen < expected:
            batch = await consumer.getmany(timeout_ms=500, max_records=2000)
            seen += sum(len(records) for records in batch.values())
        return expected / (time.perf_counter() - started)


# --------------------------------------------------------------------------- main


async def _drop_schemas(url: str, prefix: str) -> None:
    connection = await asyncpg.connect(raw_url(url))
    try:
        names = await connection.fetch(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", prefix + "%"
        )
        for row in names:
            await connection.execute(f'DROP SCHEMA "{row["nspname"]}" CASCADE')
    finally:
        await connection.close()


async def run(args: argparse.Namespace) -> None:
    url = os.environ.get("TANGGAP_DATABASE_URL", DEFAULT_DATABASE)
    kafka = os.environ.get("TANGGAP_KAFKA_BOOTSTRAP", DEFAULT_KAFKA)
    schema = f"dash_bench_{uuid.uuid4().hex[:8]}"
    await migrate(url, schema, migrations_path=SERVICE_ROOT / "migrations", data_path=DATA)
    try:
        started = time.perf_counter()
        timings = await generate(url, schema, args.reports)
        generation = time.perf_counter() - started
        counts = await _counts(url, schema)
        steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in timings.items())
        print(f"generated in {generation:.1f}s ({steps}):")
        print(
            f"  {counts['reports']:,} reports, {counts['incidents']:,} incidents "
            f"({counts['open']:,} open, {counts['overdue']:,} overdue), "
            f"{counts['escalations']:,} escalations, over 43 kelurahan"
        )
        reads = await bench_reads(url, kafka, schema, args)
        print(f"\n{'read (in-process, command center)':44} {'p50 ms':>9} {'p99 ms':>9}  n")
        for figures in reads:
            print(
                f"  {figures.name:42} {figures.p50:9.1f} {figures.p99:9.1f}  {len(figures.seconds)}"
            )
        projector = await bench_projector(url, kafka, args.events, schema)
        ratio = projector["projector_per_s"] / projector["bare_per_s"]
        print(
            f"\nprojector, {int(projector['events']):,} events, {PARTITIONS} partitions per topic:"
        )
        print(f"  bare aiokafka consumer  {projector['bare_per_s']:10,.0f} events/s")
        print(
            f"  + 1 INSERT/transaction  {projector['insert_per_s']:10,.0f} events/s "
            "(the floor of any at-least-once projection)"
        )
        print(
            f"  dashboard projector     {projector['projector_per_s']:10,.0f} events/s "
            f"({ratio:.1%} of bare; wall {projector['projector_wall_s']:.1f}s incl. group join)"
        )
    finally:
        if not args.keep:
            await _drop_schemas(url, schema)


async def _counts(url: str, schema: str) -> dict[str, int]:
    connection = await asyncpg.connect(
        raw_url(url), server_settings={"search_path": f"{schema}, public"}
    )
    try:
        row = await connection.fetchrow(
            "SELECT (SELECT count(*) FROM reports) AS reports, count(*) AS incidents, "
            "count(*) FILTER (WHERE status IN ('open', 'acknowledged', 'in_progress')) AS open, "
            "count(*) FILTER (WHERE next_deadline < now()) AS overdue, "
            "(SELECT count(*) FROM incident_escalations) AS escalations FROM incidents"
        )
    finally:
        await connection.close()
    assert row is not None
    return {k: int(row[k]) for k in ("reports", "incidents", "open", "overdue", "escalations")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--list-requests", type=int, default=300)
    parser.add_argument("--stats-requests", type=int, default=20)
    parser.add_argument("--events", type=int, default=8000)
    parser.add_argument("--keep", action="store_true", help="keep the bench schema")
    args = parser.parse_args()
    asyncio.run(run(args))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
