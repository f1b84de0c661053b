"""`make run`'s live city: seeds the demo operators and prints their logins,
then files realistic reports through intake's public API while simulated
operators work them in the dashboard API, until Ctrl-C (or --duration).

Reports are spread over the 43 kelurahan in proportion to their population
(services/dashboard-api/data/population.json), at points inside the real
kelurahan polygons, with a category mix and a rate that follow the hour of
day in Cilegon (WIB). Two hotspots send bursts of near-duplicate reports: a
flood in one kelurahan and a vehicle queue at Merak port (the port circle in
services/routing/data/rules.yaml). The operators acknowledge, start and
resolve with delays drawn from a skewed distribution; a share is neglected,
so the short clocks of emergency categories run out and routing escalates.

    .venv/bin/python deploy/demo.py [--duration 60] [--rate 30]

Everything is sent to 127.0.0.1 at a bounded rate; 429 and 503 answers are
waited out as their Retry-After says.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import math
import os
import random
import secrets
import subprocess
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import yaml
from PIL import Image, ImageDraw
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
AREAS = ROOT / "services" / "dashboard-api" / "data"
RULES = ROOT / "services" / "routing" / "data" / "rules.yaml"
WIB = timezone(timedelta(hours=7))
DEV_DATABASE = "postgresql://postgres@127.0.0.1:55432/tanggap"

# Share of reports per category on an ordinary day: the everyday nuisances of
# a city's complaint channel dominate; emergencies are rare.
CATEGORY_MIX: dict[str, float] = {
    "sampah": 17,
    "jalan-rusak": 15,
    "penerangan-jalan": 10,
    "drainase": 8,
    "air-bersih": 6,
    "kemacetan": 5,
    "parkir-liar": 5,
    "pkl-liar": 4,
    "fasilitas-umum": 4,
    "lampu-lalu-lintas": 3,
    "pohon-rawan": 3,
    "listrik": 3,
    "pelayanan-publik": 3,
    "taman": 2,
    "reklame-liar": 2,
    "pencemaran": 2,
    "keributan": 2,
    "pmks": 1,
    "hewan-liar": 1,
    "kesehatan": 1,
    "bangunan-liar": 1,
    "kecelakaan-lalu-lintas": 1,
    "pohon-tumbang": 0.7,
    "kebakaran": 0.4,
    "lainnya": 1,
}
# Categories that rise at certain hours (WIB): traffic at rush hours, lights
# and noise at night.
HOUR_BOOST: dict[str, tuple[range, float]] = {
    "kemacetan": (range(6, 9), 3.0),
    "penerangan-jalan": (range(18, 24), 2.5),
    "keributan": (range(20, 24), 3.0),
    "kecelakaan-lalu-lintas": (range(6, 9), 2.0),
}
# Reports per hour of day relative to the busiest (people report on their way
# to work, at lunch and in the evening; little at night).
HOURLY = [0.15, 0.1, 0.08, 0.08, 0.15, 0.35, 0.7, 0.95, 1.0, 0.9, 0.85, 0.8,
          0.85, 0.8, 0.75, 0.8, 0.9, 0.95, 0.9, 0.8, 0.65, 0.5, 0.35, 0.2]  # fmt: skip

DESCRIPTIONS: dict[str, list[str]] = {
    "sampah": [
        "Sampah menumpuk di pinggir jalan sudah tiga hari belum diangkut, bau dan banyak lalat.",
        "TPS penuh, sampah meluber sampai ke badan jalan.",
        "Ada yang membuang sampah sembarangan di lahan kosong dekat permukiman.",
    ],
    "jalan-rusak": [
        "Jalan berlubang cukup dalam, berbahaya untuk pengendara motor terutama malam hari.",
        "Aspal mengelupas dan bergelombang sepanjang kurang lebih 50 meter.",
        "Lubang di tengah jalan tergenang air, sudah ada motor yang jatuh.",
    ],
    "penerangan-jalan": [
        "Lampu PJU mati beberapa titik, jalan gelap gulita saat malam.",
        "Lampu jalan berkedip-kedip terus sejak seminggu lalu.",
    ],
    "drainase": [
        "Saluran air tersumbat sampah dan lumpur, air meluap ke jalan saat hujan.",
        "Tutup gorong-gorong hilang, berbahaya bagi pejalan kaki.",
    ],
    "air-bersih": [
        "Air PDAM mati sejak pagi, belum ada pemberitahuan.",
        "Pipa bocor di pinggir jalan, air terbuang terus.",
    ],
    "kemacetan": ["Macet panjang di simpang, kendaraan tidak bergerak hampir 30 menit."],
    "parkir-liar": ["Parkir liar memakan setengah badan jalan di depan pertokoan."],
    "pkl-liar": ["Pedagang kaki lima berjualan di trotoar, pejalan kaki terpaksa turun ke jalan."],
    "fasilitas-umum": ["Halte rusak, atapnya bocor dan kursinya patah."],
    "lampu-lalu-lintas": ["Lampu lalu lintas di simpang mati, arus kendaraan semrawut."],
    "pohon-rawan": ["Pohon besar miring ke arah jalan, dahannya sudah retak."],
    "listrik": ["Listrik padam di beberapa rumah sejak tadi malam."],
    "pelayanan-publik": ["Antrean layanan di kantor pelayanan sangat lama, petugas sedikit."],
    "banjir": [
        "Air setinggi lutut masuk ke rumah warga, beberapa lansia perlu dibantu.",
        "Jalan tergenang banjir, kendaraan kecil tidak bisa lewat.",
        "Banjir makin tinggi, air sudah masuk ke dalam rumah.",
    ],
    "antrean-pelabuhan": [
        "Antrean truk menuju pelabuhan mengular sampai beberapa kilometer.",
        "Kendaraan pribadi tertahan berjam-jam di antrean menuju dermaga.",
        "Antrean di gerbang pelabuhan tidak bergerak, tidak ada petugas yang mengatur.",
    ],
}
PHOTO_COLOURS = [(120, 110, 90), (90, 120, 80), (130, 130, 135), (100, 90, 70)]


# ---------------------------------------------------------------------- the city


@dataclass(frozen=True)
class Kelurahan:
    kode: str
    name: str
    population: int
    polygon: BaseGeometry


@dataclass
class City:
    kelurahan: list[Kelurahan]
    port: tuple[float, float, float]  # lat, lon, radius in metres
    port_kelurahan: str

    @classmethod
    def load(cls) -> City:
        areas = json.loads((AREAS / "kelurahan.geojson").read_text())
        population = json.loads((AREAS / "population.json").read_text())
        people = {row["kode"]: int(row["population"]) for row in population["kelurahan"]}
        kelurahan = [
            Kelurahan(
                kode=f["properties"]["kode"],
                name=f["properties"]["kelurahan"],
                population=people[f["properties"]["kode"]],
                polygon=shape(f["geometry"]),
            )
            for f in areas["features"]
        ]
        port = yaml.safe_load(RULES.read_text())["areas"]["merak-port"]
        centre = port["center"]
        return cls(
            kelurahan=kelurahan,
            port=(float(centre["lat"]), float(centre["lon"]), float(port["radius_m"])),
            port_kelurahan=str(port["kelurahan_kode"]),
        )

    def by_kode(self, kode: str) -> Kelurahan:
        return next(k for k in self.kelurahan if k.kode == kode)

    def random_kelurahan(self, rng: random.Random) -> Kelurahan:
        weights = [k.population for k in self.kelurahan]
        return rng.choices(self.kelurahan, weights=weights)[0]


def point_inside(area: BaseGeometry, rng: random.Random) -> tuple[float, float]:
    """A uniformly random point inside a polygon (lat, lon), by rejection."""
    min_lon, min_lat, max_lon, max_lat = area.bounds
    for _ in range(1000):
        lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
        if area.contains(Point(lon, lat)):
            return round(lat, 6), round(lon, 6)
    centre = area.representative_point()
    return round(centre.y, 6), round(centre.x, 6)


def near(
    lat: float, lon: float, radius_m: float, area: BaseGeometry, rng: random.Random
) -> tuple[float, float]:
    """A point within radius_m of (lat, lon) that lies on land in `area`."""
    disc = Point(lon, lat).buffer(radius_m / 111_000)
    return point_inside(disc.intersection(area) if disc.intersects(area) else area, rng)


# ---------------------------------------------------------------------- reports


@dataclass
class Draft:
    category: str
    description: str
    lat: float
    lon: float
    hotspot: str | None = None


def hour_wib(now: datetime | None = None) -> int:
    return (now or datetime.now(UTC)).astimezone(WIB).hour


def category_weights(categories: Sequence[str], hour: int) -> list[float]:
    weights = []
    for code in categories:
        weight = CATEGORY_MIX.get(code, 0.0)
        boost = HOUR_BOOST.get(code)
        if boost and hour in boost[0]:
            weight *= boost[1]
        weights.append(weight)
    return weights


def everyday_report(city: City, categories: Sequence[str], rng: random.Random) -> Draft:
    code = rng.choices(list(categories), weights=category_weights(categories, hour_wib()))[0]
    place = city.random_kelurahan(rng)
    lat, lon = point_inside(place.polygon, rng)
    text = rng.choice(DESCRIPTIONS.get(code, ["Mohon segera ditindaklanjuti."]))
    return Draft(code, f"{text} (Kel. {place.name})", lat, lon)


def answers_for(category: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Plausible answers to the category's required questions."""
    answers: dict[str, Any] = {}
    for question in category["questions"]:
        if not question["required"]:
            continue
        values = [v["key"] for v in question["values"]]
        kind = question["datatype"]
        if kind == "singlevaluelist" and values:
            answers[question["code"]] = rng.choice(values)
        elif kind == "multivaluelist" and values:
            answers[question["code"]] = [rng.choice(values)]
        elif kind == "number":
            answers[question["code"]] = rng.randint(1, 5)
        elif kind == "datetime":
            answers[question["code"]] = datetime.now(WIB).isoformat(timespec="seconds")
        else:
            answers[question["code"]] = "Tidak tahu"
    return answers


def photo_bytes(rng: random.Random) -> bytes:
    """A small JPEG with a few shapes: a stand-in for a phone's photo."""
    image = Image.new("RGB", (640, 480), (150 + rng.randint(0, 60), 180, 210))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 280, 640, 480), fill=rng.choice(PHOTO_COLOURS))
    for _ in range(6):
        x, y, r = rng.randint(40, 600), rng.randint(200, 440), rng.randint(20, 80)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.choice(PHOTO_COLOURS))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


@dataclass
class Counters:
    reports: int = 0
    photos: int = 0
    actions: dict[str, int] = field(default_factory=dict)
    waits: int = 0
    errors: int = 0

    def line(self) -> str:
        acts = ", ".join(f"{k} {v}" for k, v in sorted(self.actions.items())) or "none yet"
        return (
            f"[demo] {self.reports} reports ({self.photos} photos) | operator actions: {acts}"
            f" | waits {self.waits}, errors {self.errors}"
        )


async def send(
    client: httpx.AsyncClient, method: str, url: str, counters: Counters, **kw: Any
) -> httpx.Response | None:
    """One request, waiting out 429/503 as Retry-After says (a few times)."""
    for _ in range(5):
        try:
            response = await client.request(method, url, **kw)
        except httpx.HTTPError:
            counters.errors += 1
            await asyncio.sleep(2)
            continue
        if response.status_code in (429, 503):
            counters.waits += 1
            await asyncio.sleep(float(response.headers.get("Retry-After", "2")))
            continue
        return response
    return None


async def file_report(
    client: httpx.AsyncClient,
    intake: str,
    draft: Draft,
    catalogue: dict[str, dict[str, Any]],
    rng: random.Random,
    counters: Counters,
) -> None:
    category = catalogue[draft.category]
    media_ids = []
    if category["photo_required"] or rng.random() < 0.35:
        files = {"file": ("foto.jpg", photo_bytes(rng), "image/jpeg")}
        uploaded = await send(client, "POST", f"{intake}/v1/media", counters, files=files)
        if uploaded is not None and uploaded.status_code == 201:
            media_ids.append(uploaded.json()["id"])
            counters.photos += 1
    body: dict[str, Any] = {
        "category": draft.category,
        "description": draft.description,
        "location": {
            "lat": draft.lat,
            "lon": draft.lon,
            "accuracy_m": rng.choice([5, 8, 12, 20, 35]),
        },
        "media_ids": media_ids,
        "answers": answers_for(category, rng),
        "privacy": rng.choices(["public", "anonymous", "confidential"], weights=[70, 25, 5])[0],
    }
    if rng.random() < 0.5:
        body["reporter"] = {
            "name": "Warga (demo)",
            "phone": f"0812{rng.randint(10_000_000, 99_999_999)}",
        }
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    answer = await send(
        client, "POST", f"{intake}/v1/reports", counters, json=body, headers=headers
    )
    if answer is not None and answer.status_code == 202:
        counters.reports += 1
    else:
        counters.errors += 1


# ---------------------------------------------------------------------- hotspots


@dataclass
class Burst:
    """Near-duplicate reports around one place, a few seconds apart."""

    name: str
    category: str
    lat: float
    lon: float
    area: BaseGeometry
    radius_m: float
    size: tuple[int, int]
    every_s: float
    next_at: float


def hotspots(city: City, flood_kode: str, started: float, rng: random.Random) -> list[Burst]:
    flood = city.by_kode(flood_kode)
    f_lat, f_lon = point_inside(flood.polygon.buffer(-0.001), rng)
    p_lat, p_lon, p_radius = city.port
    return [
        Burst("banjir", "banjir", f_lat, f_lon, flood.polygon, 120, (5, 10), 600, started + 20),
        Burst("antrean-merak", "antrean-pelabuhan", p_lat, p_lon,
              city.by_kode(city.port_kelurahan).polygon, p_radius, (4, 8), 420, started + 45),
    ]  # fmt: skip


def burst_drafts(burst: Burst, rng: random.Random) -> list[Draft]:
    drafts = []
    for _ in range(rng.randint(*burst.size)):
        lat, lon = near(burst.lat, burst.lon, burst.radius_m, burst.area, rng)
        text = rng.choice(DESCRIPTIONS[burst.category])
        drafts.append(Draft(burst.category, text, lat, lon, hotspot=burst.name))
    return drafts


# ---------------------------------------------------------------------- operators


@dataclass
class Operator:
    username: str
    unit_id: str
    token: str | None = None


@dataclass
class Plan:
    acknowledge_at: float | None
    start_at: float | None
    resolve_at: float | None


def plan_for(incident: dict[str, Any], now: float, neglect: float, rng: random.Random) -> Plan:
    """When the simulated unit acts: usually within a minute or two (a demo's
    compressed day), with a long tail; a share is neglected until it escalates."""
    if rng.random() < neglect:
        return Plan(None, None, None)
    acknowledge = now + rng.lognormvariate(math.log(40), 0.8)
    start = acknowledge + rng.lognormvariate(math.log(30), 0.7) if rng.random() < 0.6 else None
    resolve = (start or acknowledge) + rng.lognormvariate(math.log(120), 0.8)
    if incident["status"] != "open":
        acknowledge = now
    return Plan(acknowledge, start, resolve)


class Operators:
    def __init__(
        self, dashboard: str, password: str, usernames: dict[str, str], counters: Counters
    ):
        self.dashboard = dashboard
        self.password = password
        self.by_unit = {unit: Operator(name, unit) for name, unit in usernames.items()}
        self.command = next(o for o in self.by_unit.values() if o.unit_id == "command-center")
        self.counters = counters
        self.plans: dict[str, Plan] = {}

    async def token(self, client: httpx.AsyncClient, operator: Operator) -> str | None:
        if operator.token is None:
            form = {"username": operator.username, "password": self.password}
            answer = await send(
                client, "POST", f"{self.dashboard}/v1/auth/token", self.counters, data=form
            )
            if answer is None or answer.status_code != 200:
                self.counters.errors += 1
                return None
            operator.token = str(answer.json()["access_token"])
        return operator.token

    async def call(
        self, client: httpx.AsyncClient, operator: Operator, method: str, path: str, **kw: Any
    ) -> httpx.Response | None:
        for _ in range(2):
            token = await self.token(client, operator)
            if token is None:
                return None
            headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
            answer = await send(
                client, method, f"{self.dashboard}{path}", self.counters, headers=headers, **kw
            )
            if answer is not None and answer.status_code == 401:
                operator.token = None  # expired: log in again
                continue
            return answer
        return None

    def actor(self, incident: dict[str, Any]) -> Operator:
        """The owner's own demo operator when there is one, else the command center."""
        return self.by_unit.get(incident["owner"]["id"]) or self.command

    async def work(self, client: httpx.AsyncClient, neglect: float, rng: random.Random) -> None:
        query = "status=open&status=acknowledged&status=in_progress&limit=200&sort=opened_at"
        answer = await self.call(client, self.command, "GET", f"/v1/incidents?{query}")
        if answer is None or answer.status_code != 200:
            return
        now = time.monotonic()
        for incident in answer.json()["items"]:
            plan = self.plans.setdefault(incident["id"], plan_for(incident, now, neglect, rng))
            action = self.due(incident["status"], plan, now)
            if action:
                await self.act(client, incident, action, rng)

    @staticmethod
    def due(status: str, plan: Plan, now: float) -> str | None:
        if status == "open" and plan.acknowledge_at is not None and now >= plan.acknowledge_at:
            return "acknowledge"
        if status == "acknowledged" and plan.start_at is not None and now >= plan.start_at:
            return "start"
        if (
            status in ("acknowledged", "in_progress")
            and plan.resolve_at is not None
            and now >= plan.resolve_at
        ):
            return "resolve"
        return None

    async def act(
        self, client: httpx.AsyncClient, incident: dict[str, Any], action: str, rng: random.Random
    ) -> None:
        notes = {
            "acknowledge": "Laporan diterima, petugas dijadwalkan ke lokasi.",
            "start": "Petugas sudah di lokasi.",
            "resolve": rng.choice(
                ["Sudah ditangani petugas.", "Selesai diperbaiki.", "Sudah dibersihkan."]
            ),
        }
        answer = await self.call(
            client, self.actor(incident), "POST", f"/v1/incidents/{incident['id']}/{action}",
            json={"note": notes[action]}, headers={"Idempotency-Key": str(uuid.uuid4())},
        )  # fmt: skip
        if answer is not None and answer.status_code in (200, 202):
            self.counters.actions[action] = self.counters.actions.get(action, 0) + 1
        elif answer is not None and answer.status_code in (403, 409):
            # Someone else moved it first (or it escalated away): leave it to them.
            self.plans[incident["id"]] = Plan(None, None, None)
        else:
            self.counters.errors += 1


# ---------------------------------------------------------------------- seeding


def seed_operators(database_url: str, password: str) -> dict[str, str]:
    """Creates the demo operators with one password (resetting those that
    exist to it) through the dashboard's CLI; returns username -> unit."""
    env = {**os.environ, "TANGGAP_DASHBOARD_DATABASE_URL": database_url}
    env.setdefault("TANGGAP_DASHBOARD_DEV_MODE", "1")
    cli = str(BIN / "tanggap-dashboard")
    seeded = subprocess.run(
        [cli, "seed-demo", "--password-stdin"], input=password + "\n", env=env,
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    operators: dict[str, str] = {}
    for line in seeded.stdout.splitlines()[1:]:
        words = line.split()
        if not words:
            continue
        operators[words[0]] = words[-1]
        if "(exists," in line:
            reset = [cli, "user", "reset-password", "--username", words[0], "--password-stdin"]
            subprocess.run(
                reset, input=password + "\n", env=env, capture_output=True, text=True, check=True
            )
    return operators


def print_logins(operators: dict[str, str], password: str, dashboard: str, intake: str) -> None:
    print("\nTanggap demo — Kota Cilegon")
    print(f"  command center : {dashboard}/ui/")
    print(f"  transparency   : {dashboard}/transparansi")
    print(f"  citizen report : {intake}/lapor")
    print(f"\n  demo operators (password for all: {password})")
    for username, unit in operators.items():
        print(f"    {username:20} {unit}")
    print("\nFiling reports; Ctrl-C stops the generator (the services keep running).\n")


# ---------------------------------------------------------------------- the run


async def run(args: argparse.Namespace, operators: dict[str, str], password: str) -> Counters:
    rng = random.Random(args.seed)
    city = City.load()
    counters = Counters()
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=15) as client:
        listed = (await client.get(f"{args.intake}/v1/categories")).json()["categories"]
        catalogue = {c["code"]: c for c in listed}
        everyday = [code for code in CATEGORY_MIX if code in catalogue]
        bursts = hotspots(city, args.flood_kelurahan, started, rng)
        staff = Operators(args.dashboard, password, operators, counters)
        queue: list[Draft] = []
        next_report = next_work = next_status = started
        while args.duration is None or time.monotonic() - started < args.duration:
            now = time.monotonic()
            for burst in bursts:
                if now >= burst.next_at:
                    queue += burst_drafts(burst, rng)
                    burst.next_at = now + burst.every_s
            if now >= next_report:
                draft = queue.pop(0) if queue else everyday_report(city, everyday, rng)
                await file_report(client, args.intake, draft, catalogue, rng, counters)
                # Poisson arrivals at the hour's share of the peak rate; bursts come faster.
                rate = args.rate / 60 * max(HOURLY[hour_wib()], 0.25)
                next_report = now + (rng.uniform(1, 4) if queue else rng.expovariate(rate))
            if now >= next_work:
                await staff.work(client, args.neglect, rng)
                next_work = now + 3
            if now >= next_status:
                print(counters.line(), flush=True)
                next_status = now + 10
            await asyncio.sleep(max(0.05, min(next_report, next_work) - time.monotonic()))
    return counters


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="deploy/demo.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--intake", default="http://127.0.0.1:8001")
    parser.add_argument("--dashboard", default="http://127.0.0.1:8004")
    parser.add_argument("--database-url", default=DEV_DATABASE, help="the dashboard's database")
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds; default: until Ctrl-C"
    )
    parser.add_argument(
        "--rate", type=float, default=30.0, help="reports a minute at the busiest hour"
    )
    parser.add_argument(
        "--neglect", type=float, default=0.12, help="share of incidents nobody acts on"
    )
    parser.add_argument(
        "--flood-kelurahan", default="36.72.01.1002", help="kode of the flooded kelurahan"
    )
    parser.add_argument(
        "--password", default=None, help="demo operators' password (default: random)"
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed, for a repeatable run")
    parser.add_argument(
        "--no-seed", action="store_true", help="use an existing command-center operator instead"
    )
    parser.add_argument("--operator", default="cc.operator", help="with --no-seed: its username")
    args = parser.parse_args(argv)
    if not 0 < args.rate <= 120:
        parser.error("--rate must be within (0, 120] reports a minute")
    if args.no_seed and not args.password:
        parser.error("--no-seed needs --password")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse(argv)
    password = args.password or secrets.token_urlsafe(9)
    operators = (
        {args.operator: "command-center"}
        if args.no_seed
        else seed_operators(args.database_url, password)
    )
    print_logins(operators, password, args.dashboard, args.intake)
    with contextlib.suppress(KeyboardInterrupt):
        counters = asyncio.run(run(args, operators, password))
        print(counters.line())
    print("demo generator stopped")


if __name__ == "__main__":
    main()
