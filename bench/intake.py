"""Intake's throughput and latency against its two baselines, in one run.

    .venv/bin/python bench/intake.py [--infra dev|test] [--duration 10] [--connections 32]
                                     [--profile]

Needs the local infrastructure of the chosen profile (`python3
deploy/local/infra.py up --profile dev`; TANGGAP_KAFKA_BOOTSTRAP /
TANGGAP_DATABASE_URL override it) and wrk, Debian's HTTP load generator:
installed with apt-get when missing and run as root, otherwise the script
stops and says so. The default is the dev profile: its PostgreSQL commits
durably, as production does; the test profile runs with fsync and
synchronous_commit off, which makes every commit of the CRUD baselines free.

Each target is one uvicorn worker in its own process; wrk runs in another
process at a fixed concurrency, with a unique body per request:

  ceiling     a bare FastAPI endpoint with intake's validation (the request
              DTO and the catalogue rules) and no I/O: the HTTP layer's limit
  ceiling-direct
              the same endpoint served the way intake serves its report
              route, through the direct lane past FastAPI's router and
              dependency machinery (docs/adr/0017): the limit of that lane
  intake      POST /v1/reports: validation, report.submitted produced with
              acks=all and waited for, the row written (group commit)
  intake+key  the same with a unique Idempotency-Key per request (reserved
              in PostgreSQL before producing)
  crud        the same validation, then one INSERT per request in its own
              transaction, on the same driver (asyncpg) and table
  crud-orm    the same, the way the usual FastAPI CRUD app writes it: a
              SQLAlchemy ORM session per request, add, commit

and, in this process, the raw aiokafka producer (acks=all, idempotent) for
the same encoded events. Every target's 2xx count is checked against what
reached Kafka or PostgreSQL. All servers run with intake's garbage-collector
setting (tanggap.intake.gc_tuning), so the comparison is of designs."""

import argparse
import asyncio
import contextlib
import cProfile
import json
import os
import pstats
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response

from tanggap.intake.gc_tuning import freeze_startup_objects

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
INFRA = {
    "dev": ("127.0.0.1:19092", "postgresql://postgres@127.0.0.1:55432/tanggap"),
    "test": ("127.0.0.1:29092", "postgresql://postgres@127.0.0.1:55433/tanggap_test"),
}
PARTITIONS = 3
SETTLE_S = 1.0

# One wrk request: a report with a unique description (and, for intake+key,
# a unique Idempotency-Key), so no two requests are the same request.
WRK_SCRIPT = r"""
local counter = 0
local thread_id = 0
local with_key = os.getenv("BENCH_IDEMPOTENCY") == "1"
-- Lua's random numbers repeat from run to run: the prefix comes from outside,
-- or the measured run would replay the warm-up's keys.
local prefix = os.getenv("BENCH_RUN")

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

function request()
  counter = counter + 1
  local tag = prefix .. "-" .. thread_id .. "-" .. counter
  local body = '{"category":"air-bersih","description":"Pipa bocor nomor ' .. tag ..
    '","location":{"lat":-6.0337,"lon":106.0698,"accuracy_m":12},' ..
    '"address_text":"Jl. Akses Pasar Kranggot","answers":{"jenis":"bocor"},' ..
    '"reporter":{"name":"Siti Rahmawati","phone":"0812-3456-7890"},"privacy":"anonymous"}'
  local headers = {["Content-Type"] = "application/json"}
  if with_key then headers["Idempotency-Key"] = "bench-" .. tag end
  return wrk.format("POST", "/v1/reports", headers, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"non_2xx":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p95_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


# ---------------------------------------------------------------------------
# The three servers (run as `bench/intake.py --serve NAME --port N`)
# ---------------------------------------------------------------------------


def ceiling_app(*, direct: bool) -> FastAPI:
    """Intake's validation, nothing else; ``direct`` serves it through intake's
    direct lane, parsing the body the way intake's report route does."""
    from fastapi import Request

    from tanggap.intake.api.deps import parse_json_body
    from tanggap.intake.api.dto import ReportCreate
    from tanggap.intake.api.middleware import DirectRoute, find_route
    from tanggap.intake.api.reports import _draft
    from tanggap.intake.domain.report import build_submission
    from tanggap.intake.service import new_report_id

    catalogue = _catalogue()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        freeze_startup_objects()
        yield

    app = FastAPI(lifespan=lifespan)

    def accept(body: ReportCreate) -> Response:
        report = build_submission(
            _draft(body),
            catalogue=catalogue,
            media={},
            report_id=new_report_id(),
            submitted_at=datetime.now(UTC),
        )
        return Response(
            json.dumps({"id": report.report_id, "status": "received"}).encode(),
            202,
            media_type="application/json",
        )

    @app.post("/v1/reports", status_code=202)
    async def submit(body: ReportCreate) -> Response:
        return accept(body)

    async def submit_direct(request: Request) -> Response:
        return accept(parse_json_body(ReportCreate, await request.body()))

    if direct:
        app.add_middleware(
            DirectRoute,
            route=find_route(app.router, "POST", "/v1/reports"),
            endpoint=submit_direct,
            exception_handlers=lambda: app.exception_handlers,
        )
    return app


def crud_app(database_url: str, schema: str) -> FastAPI:
    """Intake's validation, then one INSERT per report in its own transaction."""
    import asyncpg

    from tanggap.intake.adapters.reports_repo import _columns
    from tanggap.intake.api.dto import ReportCreate
    from tanggap.intake.api.reports import _draft
    from tanggap.intake.domain.report import build_submission
    from tanggap.intake.service import new_report_id

    catalogue = _catalogue()
    state: dict[str, asyncpg.Pool] = {}
    insert = (
        "INSERT INTO reports (report_id, submitted_at, category, description, lat, lon, "
        "accuracy_m, address_text, needs_manual_location, media, media_urls, privacy, "
        "channel, client_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, "
        "$11::jsonb, $12, $13, $14)"
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(
            database_url, min_size=10, max_size=10, server_settings={"search_path": schema}
        )
        freeze_startup_objects()
        yield
        await state["pool"].close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/v1/reports", status_code=202)
    async def submit(body: ReportCreate) -> Response:
        report = build_submission(
            _draft(body),
            catalogue=catalogue,
            media={},
            report_id=new_report_id(),
            submitted_at=datetime.now(UTC),
        )
        row = [column[0] for column in _columns([report])]
        await state["pool"].execute(insert, *row)
        return Response(
            json.dumps({"id": report.report_id, "status": "received"}).encode(),
            202,
            media_type="application/json",
        )

    return app


def crud_orm_app(database_url: str, schema: str) -> FastAPI:
    """Intake's validation, then an ORM object added and committed in a
    session per request (SQLAlchemy 2 async on asyncpg)."""
    from sqlalchemy import Boolean, DateTime, Float, Uuid
    from sqlalchemy.dialects.postgresql import JSONB
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

    from tanggap.intake.adapters.migrate import sqlalchemy_url
    from tanggap.intake.api.dto import ReportCreate
    from tanggap.intake.api.reports import _draft
    from tanggap.intake.domain.report import build_submission
    from tanggap.intake.service import new_report_id

    class Base(DeclarativeBase):
        pass

    class ReportRow(Base):
        __tablename__ = "reports"
        report_id: Mapped[str] = mapped_column(Uuid(as_uuid=False), primary_key=True)
        submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
        category: Mapped[str]
        description: Mapped[str]
        lat: Mapped[float | None] = mapped_column(Float)
        lon: Mapped[float | None] = mapped_column(Float)
        accuracy_m: Mapped[float | None] = mapped_column(Float)
        address_text: Mapped[str | None]
        needs_manual_location: Mapped[bool] = mapped_column(Boolean)
        media: Mapped[list[Any]] = mapped_column(JSONB)
        media_urls: Mapped[list[Any]] = mapped_column(JSONB)
        privacy: Mapped[str]
        channel: Mapped[str]
        client_id: Mapped[str | None]

    catalogue = _catalogue()
    engine = create_async_engine(
        sqlalchemy_url(database_url),
        pool_size=10,
        connect_args={"server_settings": {"search_path": schema}},
    )
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        freeze_startup_objects()
        yield
        await engine.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.post("/v1/reports", status_code=202)
    async def submit(body: ReportCreate) -> Response:
        report = build_submission(
            _draft(body),
            catalogue=catalogue,
            media={},
            report_id=new_report_id(),
            submitted_at=datetime.now(UTC),
        )
        location = report.location
        async with sessions() as session:
            session.add(
                ReportRow(
                    report_id=report.report_id,
                    submitted_at=report.submitted_at,
                    category=report.category,
                    description=report.description,
                    lat=location.lat if location else None,
                    lon=location.lon if location else None,
                    accuracy_m=location.accuracy_m if location else None,
                    address_text=report.address_text,
                    needs_manual_location=report.needs_manual_location,
                    media=[],
                    media_urls=[],
                    privacy=report.privacy.value,
                    channel=report.channel.value,
                    client_id=report.client_id,
                )
            )
            await session.commit()
        return Response(
            json.dumps({"id": report.report_id, "status": "received"}).encode(),
            202,
            media_type="application/json",
        )

    return app


def _catalogue() -> Any:
    from tanggap.intake.adapters.data_files import load_catalogue

    return load_catalogue(REPO / "services" / "intake" / "data")


def serve(name: str, port: int, profile_to: str | None) -> None:
    import uvicorn

    if name == "intake":
        from tanggap.intake.main import create_app
        from tanggap.intake.settings import Settings

        app = create_app(Settings())
    elif name in ("ceiling", "ceiling-direct"):
        app = ceiling_app(direct=name == "ceiling-direct")
    elif name == "crud":
        app = crud_app(os.environ["BENCH_DATABASE_URL"], os.environ["BENCH_SCHEMA"])
    else:
        app = crud_orm_app(os.environ["BENCH_DATABASE_URL"], os.environ["BENCH_SCHEMA"])
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, workers=1
    )
    server = uvicorn.Server(config)
    profiler = cProfile.Profile() if profile_to else None
    if profiler is not None:
        profiler.enable()
    try:
        # uvicorn re-raises the SIGINT it was stopped with, after shutting down.
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(str(profile_to))


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    target: str
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    stored: int | None = None

    @property
    def rate(self) -> float:
        return (self.requests - self.non_2xx) / self.seconds


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing Debian's package (apt-get install -y wrk)")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("bench/intake.py needs wrk: run `apt-get install -y wrk` as root")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def server(name: str, env: dict[str, str], profile_to: str | None) -> Iterator[int]:
    port = free_port()
    command = [PYTHON, str(Path(__file__).resolve()), "--serve", name, "--port", str(port)]
    if profile_to:
        command += ["--profile-to", profile_to]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=REPO)
    try:
        wait_until_up(port, process)
        yield port
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server on port {port} exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/reports", timeout=1).read()
            return
        except urllib.error.HTTPError:
            return  # 405 for a GET: the server answers
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server on port {port} did not come up")


def run_wrk(
    wrk: str, port: int, script: Path, seconds: int, connections: int, with_key: bool
) -> dict[str, int]:
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    env = {
        **os.environ,
        "BENCH_IDEMPOTENCY": "1" if with_key else "0",
        "BENCH_RUN": uuid.uuid4().hex[:12],
    }
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures: dict[str, int] = json.loads(line.removeprefix("BENCH "))
    return figures


def measure(
    target: str,
    wrk: str,
    port: int,
    script: Path,
    args: argparse.Namespace,
    *,
    stored: Callable[[], int] | None = None,
    with_key: bool = False,
) -> Result:
    """A warm-up, then the measured run; ``stored`` counts what reached Kafka
    or PostgreSQL, and must match the 2xx answers (plus at most the requests
    still in flight when wrk stopped counting)."""
    run_wrk(wrk, port, script, 2, args.connections, with_key)  # warm-up, discarded
    time.sleep(SETTLE_S)  # the requests wrk left in flight finish
    before = stored() if stored else 0
    figures = run_wrk(wrk, port, script, args.duration, args.connections, with_key)
    if figures["non_2xx"] or figures["socket_errors"]:
        raise SystemExit(f"{target}: {figures} (every request should have been accepted)")
    time.sleep(SETTLE_S)
    count = stored() - before if stored else None
    if (
        count is not None
        and not figures["requests"] <= count <= figures["requests"] + args.connections
    ):
        raise SystemExit(f"{target}: {figures['requests']} accepted but {count} stored")
    return Result(
        target=target,
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        non_2xx=figures["non_2xx"],
        socket_errors=figures["socket_errors"],
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        stored=count,
    )


async def prepare(kafka: str, database_url: str) -> tuple[str, str]:
    from tanggap.intake.adapters.migrate import migrate
    from tanggap.streaming.testing import create_topic

    schema = f"intake_bench_{uuid.uuid4().hex[:8]}"
    topic = f"bench.reports.submitted.{uuid.uuid4().hex[:8]}"
    await migrate(database_url, schema)
    await create_topic(kafka, topic, partitions=PARTITIONS)
    return schema, topic


async def cleanup(kafka: str, database_url: str, schema: str, topic: str) -> None:
    import asyncpg

    from tanggap.streaming.admin import delete_topics

    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await connection.close()
    await delete_topics(kafka, [topic])


async def database_durability(database_url: str) -> str:
    import asyncpg

    connection = await asyncpg.connect(database_url)
    try:
        settings = [
            f"{name}={await connection.fetchval(f'SHOW {name}')}"
            for name in ("fsync", "synchronous_commit")
        ]
    finally:
        await connection.close()
    return ", ".join(settings)


async def stored_rows(database_url: str, schema: str) -> int:
    import asyncpg

    connection = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        return int(await connection.fetchval("SELECT count(*) FROM reports"))
    finally:
        await connection.close()


async def topic_records(kafka: str, topic: str) -> int:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        return sum(ends.values())
    finally:
        await consumer.stop()


async def raw_producer_rate(kafka: str, topic: str, count: int) -> float:
    """The same events, pre-encoded, through a bare aiokafka producer with
    acks=all and idempotence: the broker side of intake's ceiling."""
    from aiokafka import AIOKafkaProducer

    from tanggap.intake.domain.report import Point, ReportDraft, build_submission
    from tanggap.intake.service import new_report_id
    from tanggap.schemas.cloudevents import encode
    from tanggap.schemas.events import Channel

    catalogue = _catalogue()
    draft = ReportDraft(
        category="air-bersih",
        description="Pipa bocor",
        location=Point(-6.0337, 106.0698, 12.0),
        channel=Channel.NATIVE,
        answers={"jenis": "bocor"},
    )
    records = [
        encode(
            build_submission(
                draft,
                catalogue=catalogue,
                media={},
                report_id=new_report_id(),
                submitted_at=datetime.now(UTC),
            ),
            source="/tanggap/bench",
        )
        for _ in range(count)
    ]
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka, acks="all", enable_idempotence=True, linger_ms=2
    )
    await producer.start()
    try:
        started = time.perf_counter()
        futures = [
            await producer.send(topic, value=r.value, key=r.key, headers=r.headers) for r in records
        ]
        await asyncio.gather(*futures)
        return count / (time.perf_counter() - started)
    finally:
        await producer.stop()


def print_profile(path: str) -> None:
    print("\nintake profile (cProfile, top 20 by own time):")
    stats = pstats.Stats(path)
    stats.sort_stats("tottime").print_stats(20)


def report(
    results: list[Result],
    producer_rate: float,
    args: argparse.Namespace,
    infrastructure: str,
    durability: str,
) -> None:
    print(
        f"\nPOST /v1/reports, one uvicorn worker, wrk -t1 -c{args.connections} "
        f"-d{args.duration}s, {os.cpu_count()} CPUs shared with Kafka and PostgreSQL "
        f"({infrastructure}: {durability})\n"
    )
    header = f"{'target':<16}{'reports/s':>11}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(header + f"{'non-2xx':>9}{'stored':>9}")
    for r in results:
        stored = "-" if r.stored is None else str(r.stored)
        print(
            f"{r.target:<16}{r.rate:>11.0f}{r.p50_ms:>9.1f}{r.p95_ms:>9.1f}{r.p99_ms:>9.1f}"
            f"{r.non_2xx + r.socket_errors:>9}{stored:>9}"
        )
    print(f"{'raw aiokafka producer (acks=all, idempotent)':<48}{producer_rate:>10.0f} events/s")
    by = {r.target: r for r in results}
    intake, ceiling, crud, orm = by["intake"], by["ceiling"], by["crud"], by["crud-orm"]
    direct, keyed = by["ceiling-direct"], by["intake+key"]
    print(
        f"\nintake: {100 * intake.rate / ceiling.rate:.0f} % of the ceiling "
        f"({100 * intake.rate / direct.rate:.0f} % of the direct-lane ceiling), "
        f"{intake.rate / crud.rate:.2f}x crud, {intake.rate / orm.rate:.2f}x crud-orm; "
        f"with an Idempotency-Key {100 * keyed.rate / ceiling.rate:.0f} %, "
        f"{keyed.rate / crud.rate:.2f}x and {keyed.rate / orm.rate:.2f}x."
    )
    print(f"load average while it ran: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--infra", choices=sorted(INFRA), default="dev")
    parser.add_argument("--duration", type=int, default=10, help="seconds per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--producer-events", type=int, default=20_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the intake server")
    parser.add_argument(
        "--serve",
        choices=["intake", "ceiling", "ceiling-direct", "crud", "crud-orm"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.profile_to)
        return

    wrk = ensure_wrk()
    kafka = os.environ.get("TANGGAP_KAFKA_BOOTSTRAP", INFRA[args.infra][0])
    database_url = os.environ.get("TANGGAP_DATABASE_URL", INFRA[args.infra][1])
    durability = asyncio.run(database_durability(database_url))
    overridden = {"TANGGAP_KAFKA_BOOTSTRAP", "TANGGAP_DATABASE_URL"} & set(os.environ)
    infrastructure = (
        f"{', '.join(sorted(overridden))} from the environment"
        if overridden
        else f"{args.infra} profile"
    )
    schema, topic = asyncio.run(prepare(kafka, database_url))
    workdir = Path(tempfile.mkdtemp(prefix="intake-bench-"))
    script = workdir / "report.lua"
    script.write_text(WRK_SCRIPT)
    intake_env = {
        "TANGGAP_INTAKE_ENVIRONMENT": "test",
        "TANGGAP_INTAKE_KAFKA_BOOTSTRAP": kafka,
        "TANGGAP_INTAKE_DATABASE_URL": database_url,
        "TANGGAP_INTAKE_DATABASE_SCHEMA": schema,
        "TANGGAP_INTAKE_TOPIC_REPORTS_SUBMITTED": topic,
        "TANGGAP_INTAKE_MEDIA_DIR": str(workdir / "media"),
        "TANGGAP_INTAKE_RATE_LIMIT_PER_S": "1000000",
        "TANGGAP_INTAKE_RATE_LIMIT_BURST": "1000000",
        "TANGGAP_INTAKE_LOG_LEVEL": "WARNING",
    }

    def records() -> int:
        return asyncio.run(topic_records(kafka, topic))

    def rows() -> int:
        return asyncio.run(stored_rows(database_url, schema))

    crud_env = {"BENCH_DATABASE_URL": database_url, "BENCH_SCHEMA": schema}
    results: list[Result] = []
    try:
        for target in ("ceiling", "ceiling-direct"):
            with server(target, {}, None) as port:
                results.append(measure(target, wrk, port, script, args))
        with server("intake", intake_env, None) as port:
            results.append(measure("intake", wrk, port, script, args, stored=records))
        with server("intake", intake_env, None) as port:
            results.append(
                measure("intake+key", wrk, port, script, args, stored=records, with_key=True)
            )
        for target in ("crud", "crud-orm"):
            with server(target, crud_env, None) as port:
                results.append(measure(target, wrk, port, script, args, stored=rows))
        rate = asyncio.run(raw_producer_rate(kafka, topic, args.producer_events))
        report(results, rate, args, infrastructure, durability)
        if args.profile:
            # A separate run: cProfile slows the server down, its figures are
            # not the ones above.
            profile_to = str(workdir / "intake.prof")
            with server("intake", intake_env, profile_to) as port:
                run_wrk(wrk, port, script, args.duration, args.connections, False)
            print_profile(profile_to)
    finally:
        asyncio.run(cleanup(kafka, database_url, schema, topic))
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
