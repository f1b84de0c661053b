"""The whole stack for browser tests: intake (API and projection worker),
routing and dashboard-api as subprocesses on free ports, against the test
Kafka and PostgreSQL, on topics and schemas of their own (a unique prefix),
and Debian's chromium driven by Playwright.

Every page a test opens is watched: a console error, an uncaught exception or
a request to anything but the stack's own origins fails the test
(`Watched.assert_clean`), and axe-core (from web/node_modules) checks it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    expect,
    sync_playwright,
)
from shapely.geometry import Point, shape

from tanggap.schemas.topic_names import Topic
from tanggap.schemas.topics import load_topics
from tanggap.streaming.admin import TopicSpec, ensure_topics
from tanggap.streaming.message import Message
from tanggap.streaming.testing import read_all

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY_TIMEOUT_S = 90.0
PASSWORD = "e2e-" + uuid.uuid4().hex  # one run's operators; never a real secret
LURAH = ("e2e.lurah.cibeber", "lurah", "kelurahan:36.72.01.1001")
COMMAND_CENTER = ("e2e.command", "command-center", "command-center")
# Routing's own topics (services/routing/settings.py); the rest come from schemas/topics.
ROUTING_TOPICS = {
    "command_inbox": ("routing.command-inbox", {}),
    "changelog": (
        "routing.incident-changelog",
        {"cleanup.policy": "compact", "min.compaction.lag.ms": "0", "segment.ms": "600000"},
    ),
}


# ------------------------------------------------------------------ the stack


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from sync code, even while Playwright's sync
    API holds this thread's event loop: in a thread of its own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    prefix: str
    intake_url: str
    dashboard_url: str
    kafka_bootstrap: str
    database_url: str
    intake_schema: str
    dashboard_schema: str
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    open311_api_key: str = ""

    def topic(self, topic: Topic | str) -> str:
        return f"{self.prefix}{topic}"

    @property
    def origins(self) -> set[str]:
        return {self.intake_url, self.dashboard_url}

    def records(self, topic: Topic) -> list[Message]:
        return run_async(read_all(self.kafka_bootstrap, self.topic(topic)))


def _topics(prefix: str) -> list[TopicSpec]:
    specs = [
        TopicSpec(name=f"{prefix}{spec.name}", partitions=1, config=spec.config.as_kafka_config())
        for spec in load_topics().values()
    ]
    specs += [
        TopicSpec(name=f"{prefix}{name}", partitions=1, config=config)
        for name, config in ROUTING_TOPICS.values()
    ]
    return specs


def _env(stack: Stack, ports: dict[str, int], media: Path) -> dict[str, dict[str, str]]:
    p = stack.prefix
    intake = {
        "TANGGAP_INTAKE_ENVIRONMENT": "test",
        "TANGGAP_INTAKE_KAFKA_BOOTSTRAP": stack.kafka_bootstrap,
        "TANGGAP_INTAKE_DATABASE_URL": stack.database_url,
        "TANGGAP_INTAKE_DATABASE_SCHEMA": stack.intake_schema,
        "TANGGAP_INTAKE_HTTP_PORT": str(ports["intake"]),
        "TANGGAP_INTAKE_WORKER_HTTP_PORT": str(ports["intake-worker"]),
        "TANGGAP_INTAKE_PUBLIC_BASE_URL": stack.intake_url,
        "TANGGAP_INTAKE_DASHBOARD_PUBLIC_URL": stack.dashboard_url,
        "TANGGAP_INTAKE_MEDIA_DIR": str(media),
        "TANGGAP_INTAKE_PROJECTION_GROUP": f"{p}intake-projection",
        "TANGGAP_INTAKE_TOPIC_REPORTS_SUBMITTED": f"{p}{Topic.REPORTS_SUBMITTED}",
        "TANGGAP_INTAKE_TOPIC_REPORTS_ROUTED": f"{p}{Topic.REPORTS_ROUTED}",
        "TANGGAP_INTAKE_TOPIC_INCIDENTS": f"{p}{Topic.INCIDENTS}",
        "TANGGAP_INTAKE_TOPIC_INCIDENTS_STATE": f"{p}{Topic.INCIDENTS_STATE}",
        "TANGGAP_INTAKE_TOPIC_DEADLETTER": f"{p}{Topic.DEADLETTER_INTAKE}",
    }
    routing = {
        "TANGGAP_ROUTING_ENVIRONMENT": "test",
        "TANGGAP_ROUTING_KAFKA_BOOTSTRAP": stack.kafka_bootstrap,
        "TANGGAP_ROUTING_HTTP_PORT": str(ports["routing"]),
        "TANGGAP_ROUTING_INSTANCE_ID": p.rstrip(".").replace("_", "-"),
        "TANGGAP_ROUTING_GROUP_ID": f"{p}routing",
        "TANGGAP_ROUTING_TOPIC_REPORTS_SUBMITTED": f"{p}{Topic.REPORTS_SUBMITTED}",
        "TANGGAP_ROUTING_TOPIC_INCIDENT_COMMANDS": f"{p}{Topic.INCIDENT_COMMANDS}",
        "TANGGAP_ROUTING_TOPIC_REPORTS_ROUTED": f"{p}{Topic.REPORTS_ROUTED}",
        "TANGGAP_ROUTING_TOPIC_INCIDENTS": f"{p}{Topic.INCIDENTS}",
        "TANGGAP_ROUTING_TOPIC_INCIDENTS_STATE": f"{p}{Topic.INCIDENTS_STATE}",
        "TANGGAP_ROUTING_TOPIC_DEADLETTER": f"{p}{Topic.DEADLETTER_ROUTING}",
        "TANGGAP_ROUTING_TOPIC_COMMAND_INBOX": f"{p}{ROUTING_TOPICS['command_inbox'][0]}",
        "TANGGAP_ROUTING_TOPIC_CHANGELOG": f"{p}{ROUTING_TOPICS['changelog'][0]}",
    }
    dashboard = {
        "TANGGAP_DASHBOARD_KAFKA_BOOTSTRAP": stack.kafka_bootstrap,
        "TANGGAP_DASHBOARD_DATABASE_URL": stack.database_url,
        "TANGGAP_DASHBOARD_DATABASE_SCHEMA": stack.dashboard_schema,
        "TANGGAP_DASHBOARD_HTTP_PORT": str(ports["dashboard"]),
        "TANGGAP_DASHBOARD_TOPIC_PREFIX": p,
        "TANGGAP_DASHBOARD_CONSUMER_GROUP": f"{p}dashboard-projector",
        "TANGGAP_DASHBOARD_DEV_MODE": "1",
        "TANGGAP_DASHBOARD_INTAKE_PUBLIC_URL": stack.intake_url,
        # Cheap hashing: the suite logs in a few times on a 2-core machine.
        "TANGGAP_DASHBOARD_ARGON2_MEMORY_KIB": "8192",
    }
    return {"intake": intake, "routing": routing, "dashboard": dashboard}


def _start(stack: Stack, name: str, command: list[str], env: dict[str, str]) -> None:
    log = (stack.logs / f"{name}.log").open("ab")
    stack.processes[name] = subprocess.Popen(
        [str(BIN / command[0]), *command[1:]],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )


def _wait_ready(stack: Stack, name: str, url: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        process = stack.processes[name]
        if process.poll() is not None:
            tail = (stack.logs / f"{name}.log").read_text(errors="replace")[-4000:]
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{tail}")
        with (
            contextlib.suppress(urllib.error.URLError, OSError),
            urllib.request.urlopen(f"{url}/readyz", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{name} not ready after {READY_TIMEOUT_S:.0f}s; see {stack.logs}")


def _run(command: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    result = subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _stop(stack: Stack) -> None:
    for process in stack.processes.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in stack.processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


async def _drop(database_url: str, schemas: list[str], bootstrap: str, topics: list[str]) -> None:
    import asyncpg
    from aiokafka.admin import AIOKafkaAdminClient

    connection = await asyncpg.connect(database_url)
    try:
        for schema in schemas:
            # The dashboard's rebuild derives schemas from its own name; take those too.
            found = await connection.fetch(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", f"{schema}%"
            )
            for row in found:
                await connection.execute(f'DROP SCHEMA IF EXISTS "{row["nspname"]}" CASCADE')
    finally:
        await connection.close()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="tanggap-e2e")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        doomed = [t for t in topics if t in existing]
        if doomed:
            await admin.delete_topics(doomed)
    finally:
        await admin.close()


def _build_web() -> None:
    result = subprocess.run(
        [str(ROOT / "web" / "build.sh")], capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"web/build.sh failed:\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="session")
def stack(
    kafka_bootstrap: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    _build_web()
    run_id = uuid.uuid4().hex[:8]
    ports = {name: free_port() for name in ("intake", "intake-worker", "routing", "dashboard")}
    logs = ARTIFACTS / "e2e-logs" / run_id
    logs.mkdir(parents=True, exist_ok=True)
    stack = Stack(
        prefix=f"e2e{run_id}.",
        intake_url=f"http://127.0.0.1:{ports['intake']}",
        dashboard_url=f"http://127.0.0.1:{ports['dashboard']}",
        kafka_bootstrap=kafka_bootstrap,
        database_url=database_url,
        intake_schema=f"e2e_intake_{run_id}",
        dashboard_schema=f"e2e_dash_{run_id}",
        logs=logs,
    )
    specs = _topics(stack.prefix)
    run_async(ensure_topics(kafka_bootstrap, specs))
    env = _env(stack, ports, tmp_path_factory.mktemp("media"))
    try:
        _run(["tanggap-intake", "migrate"], env["intake"])
        _start(stack, "intake", ["tanggap-intake", "serve"], env["intake"])
        _start(stack, "intake-worker", ["tanggap-intake", "project"], env["intake"])
        _start(stack, "routing", ["tanggap-routing", "serve"], env["routing"])
        _start(stack, "dashboard", ["tanggap-dashboard", "serve"], env["dashboard"])
        _wait_ready(stack, "intake", stack.intake_url)
        _wait_ready(stack, "routing", f"http://127.0.0.1:{ports['routing']}")
        _wait_ready(stack, "dashboard", stack.dashboard_url)
        for username, role, unit in (LURAH, COMMAND_CENTER):
            _run(
                [
                    "tanggap-dashboard",
                    "user",
                    "create",
                    "--username",
                    username,
                    "--role",
                    role,
                    "--unit",
                    unit,
                    "--password-stdin",
                ],
                env["dashboard"],
                stdin=PASSWORD + "\n",
            )
        # An outside Open311 client (an aggregator), with a key issued as in production.
        issued = _run(["tanggap-intake", "api-key", "create", "e2e aggregator"], env["intake"])
        stack.open311_api_key = next(
            line.split(":", 1)[1].strip()
            for line in issued.splitlines()
            if line.startswith("api_key:")
        )
        yield stack
    finally:
        _stop(stack)
        run_async(
            _drop(
                database_url,
                [stack.intake_schema, stack.dashboard_schema],
                kafka_bootstrap,
                [s.name for s in specs],
            )
        )


# ------------------------------------------------------------------ the browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        # Playwright gives every launch a fresh --user-data-dir of its own.
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@dataclass
class Watched:
    """A page with everything it did that a test must not let pass."""

    page: Page
    origins: set[str]
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} @ {message.location}")

    def on_request(self, request: Request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:")):
            return
        if not any(url == o or url.startswith(o + "/") for o in self.origins):
            self.foreign.append(url)

    def assert_clean(self) -> None:
        assert not self.errors, "\n".join(self.errors)
        assert not self.foreign, f"requests beyond the app: {self.foreign}"

    def axe(self, name: str) -> None:
        """axe-core on the page as it is now; serious or critical violations fail."""
        self.page.evaluate(AXE.read_text())
        result: dict[str, Any] = self.page.evaluate(
            "async () => await axe.run(document, { resultTypes: ['violations'] })"
        )
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(result["violations"], indent=1))
        assert not bad, "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
            for v in bad
        )

    def shot(self, name: str, *, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


DEVICES: dict[str, dict[str, Any]] = {
    # A lurah's or a citizen's phone: 360 CSS pixels wide.
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1600, "height": 1000}},
    # The command center on the wall of the mayor's office.
    "wall": {"viewport": {"width": 1920, "height": 1080}},
}


@pytest.fixture
def open_page(browser: Browser, stack: Stack) -> Iterator[Any]:
    """open_page(url, device="desktop"|"phone", **context options) -> Watched;
    each in a context of its own (its own storage: a citizen and an operator apart)."""
    contexts: list[BrowserContext] = []

    def opener(url: str, device: str = "desktop", **options: Any) -> Watched:
        context = browser.new_context(
            **DEVICES[device], locale="id-ID", timezone_id="Asia/Jakarta", **options
        )
        contexts.append(context)
        page = context.new_page()
        watched = Watched(page, stack.origins)
        page.on("console", watched.on_console)
        page.on("pageerror", lambda error: watched.errors.append(f"pageerror: {error}"))
        page.on("request", watched.on_request)
        page.goto(url)
        return watched

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def log_in() -> Any:
    """log_in(watched, username): through the login form, until the live stream is up."""

    def logger(watched: Watched, username: str) -> None:
        page = watched.page
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#app:not([hidden])")
        page.wait_for_selector("#live[data-state=live]", timeout=20000)

    return logger


# ------------------------------------------------------------------ the citizen and the operators


@dataclass(frozen=True)
class Operators:
    lurah: str = LURAH[0]
    command_center: str = COMMAND_CENTER[0]
    password: str = PASSWORD


@pytest.fixture(scope="session")
def operators(stack: Stack) -> Operators:
    return Operators()


@pytest.fixture(scope="session")
def cibeber_points() -> list[tuple[float, float]]:
    """Points well inside Kelurahan Cibeber (lat, lon), from the real boundaries,
    at least 400 m apart: reports there are never merged as duplicates (routing
    merges a category's reports within 150 m), so each test gets its own incident."""
    areas = json.loads((ROOT / "services/dashboard-api/data/kelurahan.geojson").read_text())
    feature = next(f for f in areas["features"] if f["properties"]["kode"] == LURAH[2][10:])
    polygon = shape(feature["geometry"])
    core = polygon.buffer(-0.002)  # ~200 m from every border
    min_lon, min_lat, max_lon, max_lat = core.bounds
    chosen: list[Point] = []
    steps = 12
    for i in range(steps + 1):
        for j in range(steps + 1):
            candidate = Point(
                min_lon + (max_lon - min_lon) * i / steps, min_lat + (max_lat - min_lat) * j / steps
            )
            # 0.0036 degrees is about 400 m at Cilegon's latitude.
            if core.contains(candidate) and all(candidate.distance(c) > 0.0036 for c in chosen):
                chosen.append(candidate)
    assert len(chosen) >= 2, "Cibeber should hold two points 400 m apart"
    return [(c.y, c.x) for c in chosen]


def rubbish_photo(path: Path) -> Path:
    """A JPEG like a phone's: a pile of rubbish by a road, in broad strokes."""
    image = Image.new("RGB", (1024, 768), (150, 190, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 430, 1024, 768), fill=(90, 90, 95))
    draw.ellipse((300, 330, 720, 620), fill=(70, 110, 60))
    draw.ellipse((420, 300, 640, 520), fill=(160, 120, 60))
    image.save(path, "JPEG", quality=85)
    return path


@pytest.fixture
def citizen_report(
    open_page: Any, stack: Stack, tmp_path: Path, cibeber_points: list[tuple[float, float]]
) -> Any:
    """citizen_report(description, at=i) -> (Watched, tracking token): a citizen
    on a phone at cibeber_points[i] reports rubbish through /lapor, using the
    phone's location and a photo, and reads the tracking code off the page."""

    def report(description: str, at: int = 0) -> tuple[Watched, str]:
        lat, lon = cibeber_points[at]
        citizen = open_page(
            f"{stack.intake_url}/lapor",
            device="phone",
            geolocation={"latitude": lat, "longitude": lon, "accuracy": 8},
            permissions=["geolocation"],
        )
        page = citizen.page
        page.wait_for_selector("#category option[value=sampah]", state="attached")
        page.wait_for_selector("#pick-map .leaflet-overlay-pane path")
        citizen.axe("lapor-phone")
        citizen.shot("lapor-phone-empty")
        page.select_option("#category", "sampah")
        page.check("input[name=q-jenis][value=tps_penuh]")
        page.fill("#description", description)
        page.click("#locate")
        expect(page.locator("#where")).to_contain_text("Cibeber")
        page.set_input_files("#photo", str(rubbish_photo(tmp_path / "sampah.jpg")))
        page.wait_for_selector("#photos .photo img")
        page.fill("#name", "Siti Rahmawati")
        page.fill("#phone", "0812-3456-7890")
        citizen.shot("lapor-phone-filled")
        page.click("#submit")
        page.wait_for_selector("#done:not([hidden])", timeout=15000)
        citizen.shot("lapor-phone-done")
        return citizen, page.inner_text("#done-token").strip()

    return report
