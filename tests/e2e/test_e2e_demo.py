"""deploy/demo.py, the generator behind `make run`: its city is the real one
(points inside the real kelurahan, spread by population, hotspots where they
belong), and a short run against the stack files reports through the public
API and works incidents as an operator."""

from __future__ import annotations

import importlib.util
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from playwright.sync_api import expect
from shapely.geometry import Point
from shapely.ops import unary_union

from tanggap.schemas.cloudevents import decode
from tanggap.schemas.topic_names import Topic

ROOT = Path(__file__).resolve().parents[2]


def load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tanggap_demo", ROOT / "deploy" / "demo.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["tanggap_demo"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


demo = load_demo()


def test_reports_spread_over_the_kelurahan_by_population() -> None:
    city = demo.City.load()
    assert len(city.kelurahan) == 43
    rng = random.Random(3)
    draws = Counter(city.random_kelurahan(rng).kode for _ in range(20000))
    total = sum(k.population for k in city.kelurahan)
    for kelurahan in city.kelurahan:
        expected = kelurahan.population / total
        assert abs(draws[kelurahan.kode] / 20000 - expected) < 0.012, kelurahan.name


def test_every_point_lies_inside_its_kelurahan_and_bursts_stay_together() -> None:
    city = demo.City.load()
    rng = random.Random(5)
    for kelurahan in city.kelurahan:
        lat, lon = demo.point_inside(kelurahan.polygon, rng)
        assert kelurahan.polygon.contains(Point(lon, lat)), kelurahan.name
    land = unary_union([k.polygon for k in city.kelurahan])
    for burst in demo.hotspots(city, "36.72.01.1002", 0.0, rng):
        drafts = demo.burst_drafts(burst, rng)
        assert len(drafts) >= burst.size[0]
        centre = Point(burst.lon, burst.lat)
        for draft in drafts:
            point = Point(draft.lon, draft.lat)
            assert land.contains(point), f"{burst.name} report at sea"
            # degrees to metres at Cilegon's latitude, with room for the land clip
            assert centre.distance(point) * 111_000 <= burst.radius_m * 1.2 + 1


def test_the_mix_follows_the_hour() -> None:
    codes = ["kemacetan", "sampah", "penerangan-jalan"]
    morning = dict(zip(codes, demo.category_weights(codes, 7), strict=True))
    night = dict(zip(codes, demo.category_weights(codes, 21), strict=True))
    assert morning["kemacetan"] > night["kemacetan"]
    assert night["penerangan-jalan"] > morning["penerangan-jalan"]
    assert morning["sampah"] == night["sampah"]


@pytest.mark.integration
@pytest.mark.browser
@pytest.mark.timeout(240)
def test_a_short_run_is_a_city_at_work(
    stack: Any, operators: Any, open_page: Any, log_in: Any
) -> None:
    before = len(stack.records(Topic.REPORTS_SUBMITTED))
    run = subprocess.run(
        [
            sys.executable, str(ROOT / "deploy" / "demo.py"),
            "--intake", stack.intake_url, "--dashboard", stack.dashboard_url,
            "--no-seed", "--operator", operators.command_center, "--password", operators.password,
            "--duration", "35", "--rate", "120", "--seed", "11",
        ],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    last = [line for line in run.stdout.splitlines() if line.startswith("[demo]")][-1]
    filed = int(re.search(r"\] (\d+) reports", last).group(1))  # type: ignore[union-attr]
    assert filed >= 10, run.stdout
    assert "errors 0" in last, run.stdout
    assert "acknowledge" in last, f"the simulated operators worked nothing: {last}"

    events = [decode(r.value, r.headers).data for r in stack.records(Topic.REPORTS_SUBMITTED)]
    new = events[before:]
    assert len(new) == filed, "every accepted report is on the topic, once"
    city = demo.City.load()
    land = unary_union([k.polygon for k in city.kelurahan])
    for event in new:
        assert event.location is not None
        assert land.contains(Point(event.location.lon, event.location.lat))
    assert any(event.media for event in new), "some reports carry a photo"

    wall = open_page(f"{stack.dashboard_url}/ui/", device="wall")
    log_in(wall, operators.command_center)
    page = wall.page
    expect(page.locator("#incident-list .incident").nth(9)).to_be_visible()
    expect(page.locator("#league tbody tr").first).to_be_visible()
    expect(
        page.locator("#map .leaflet-marker-pane .inc span, #map .cluster span").first
    ).to_be_visible()
    wall.axe("ui-wall")
    wall.shot("ui-wall-city-at-work", full_page=False)
    wall.assert_clean()
