"""The HTTP API without Kafka: the dry run places every sample point in its own
kelurahan, bad input gets a 422 problem with a stable code, and a rule reload
keeps the old rules when the new file is broken."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.geo import Point
from tanggap.routing.main import create_app
from tanggap.routing.rulesource import RuleSource
from tanggap.routing.settings import Settings

DATA = Path(__file__).resolve().parents[2] / "data"


def read(path: Path) -> str:
    return path.read_text()


def write(path: Path, text: str) -> None:
    path.write_text(text)


@pytest.fixture(scope="module")
def rules_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    shutil.copy(DATA / "rules.yaml", path)
    return path


@pytest.fixture(scope="module")
def app(catalog: Catalog, rules_file: Path) -> FastAPI:
    settings = Settings(environment="test", data_dir=DATA, rules_path=rules_file)
    rules = RuleSource(catalog, rules_path=rules_file, units_path=DATA / "units.yaml")
    return create_app(settings, rules=rules, run_worker=False)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://routing") as opened:
        yield opened


async def test_every_sample_point_is_routed_to_its_own_kelurahan(
    client: httpx.AsyncClient, interior_points: dict[str, list[Point]]
) -> None:
    assert len(interior_points) == 43
    for kode, points in interior_points.items():
        for point in points:
            response = await client.post(
                "/v1/route/explain",
                json={"category": "sampah", "lat": point.lat, "lon": point.lon},
            )
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["outcome"] == "routed"
            area = body["decision"]["area"]
            assert (area["kelurahan_kode"], area["kecamatan_kode"]) == (kode, kode[:8])
            assert body["decision"]["coastal_snap_m"] is None


async def test_the_dry_run_explains_its_decision(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/route/explain",
        json={
            "category": "jalan-rusak",
            "lat": -6.0175,
            "lon": 106.0521,
            "answers": {"status_jalan": "kota"},
            "reported_at": "2026-11-27T19:00:00+07:00",
        },
    )
    decision = response.json()["decision"]
    assert decision["rule_id"].startswith("jalan-rusak/")
    assert decision["reasons"]
    assert decision["deadlines"]["acknowledge_by"] == "2026-11-28T19:00:00+07:00"
    assert decision["dedup"] == {"radius_m": 150.0, "window": "PT6H"}


async def test_points_routing_refuses_are_explained_not_errors(client: httpx.AsyncClient) -> None:
    outside = await client.post(
        "/v1/route/explain", json={"category": "sampah", "lat": -6.3, "lon": 106.3}
    )
    assert outside.status_code == 200
    rejection = outside.json()["rejection"]
    assert rejection["reason"] == "outside_jurisdiction"
    assert rejection["nearest"]["kelurahan_kode"]
    unknown = await client.post(
        "/v1/route/explain", json={"category": "naga-terbang", "lat": -6.0175, "lon": 106.0521}
    )
    assert unknown.json()["rejection"]["reason"] == "unknown_category"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lat": -6.0, "lon": 106.0}, "category"),
        ({"category": "sampah", "lat": 91, "lon": 106.0}, "lat"),
        ({"category": "Sampah!", "lat": -6.0, "lon": 106.0}, "category"),
        ({"category": "sampah", "lat": -6.0, "lon": 106.0, "extra": 1}, "extra"),
        (
            {"category": "sampah", "lat": -6.0, "lon": 106.0, "reported_at": "2026-12-01T09:00"},
            "reported_at",
        ),
        (
            {"category": "sampah", "lat": -6.0, "lon": 106.0, "answers": {"jenis": {"a": 1}}},
            "answers",
        ),
    ],
)
async def test_bad_input_is_a_422_problem(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/v1/route/explain", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_request"
    assert any(e["field"].startswith(field) for e in problem["errors"])


async def test_reload_keeps_the_old_rules_on_error_and_reports_the_version(
    client: httpx.AsyncClient, rules_file: Path
) -> None:
    version = (await client.get("/v1/rules")).json()["version"]
    good = read(rules_file)
    write(rules_file, good.replace("categories:", "categories:\n  bad: {}", 1))
    refused = await client.post("/v1/rules/reload")
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_rules"
    assert refused.json()["problems"][0].startswith("rules.yaml:")
    assert (await client.get("/v1/rules")).json()["version"] == version
    write(rules_file, good.replace(f'version: "{version}"', 'version: "uji-3"'))
    loaded = await client.post("/v1/rules/reload")
    assert loaded.json() == {
        "version": "uji-3",
        "previous_version": version,
        "units_version": loaded.json()["units_version"],
        "categories": 32,
    }
    write(rules_file, good)
    assert (await client.post("/v1/rules/reload")).json()["version"] == version


async def test_operational_endpoints_answer(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).status_code == 200
    assert (await client.get("/readyz")).status_code == 200
    metrics = (await client.get("/metrics")).text
    assert "tanggap_routing_rules_info" in metrics
    missing = await client.get("/v1/nothing")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("configured", "environment", "sent", "status", "code"),
    [
        ("rahasia-admin-rute-0123456789", "dev", None, 401, "unauthorized"),
        ("rahasia-admin-rute-0123456789", "dev", "Bearer salah", 401, "unauthorized"),
        (
            "rahasia-admin-rute-0123456789",
            "production",
            "rahasia-admin-rute-0123456789",
            401,
            "unauthorized",
        ),
        (
            "rahasia-admin-rute-0123456789",
            "production",
            "Bearer rahasia-admin-rute-0123456789",
            200,
            None,
        ),
        (None, "production", "Bearer anything", 403, "admin_disabled"),
        (None, "dev", None, 200, None),
    ],
)
async def test_a_rule_reload_takes_the_admin_token(
    catalog: Catalog,
    rules_file: Path,
    configured: str | None,
    environment: str,
    sent: str | None,
    status: int,
    code: str | None,
) -> None:
    settings = Settings(
        environment=environment, data_dir=DATA, rules_path=rules_file, admin_token=configured
    )
    rules = RuleSource(catalog, rules_path=rules_file, units_path=DATA / "units.yaml")
    app = create_app(settings, rules=rules, run_worker=False)
    headers = {"Authorization": sent} if sent else {}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://routing"
    ) as client:
        answer = await client.post("/v1/rules/reload", headers=headers)
        assert answer.status_code == status, answer.text
        if code is not None:
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["code"] == code
        if status == 401:
            assert answer.headers["www-authenticate"] == "Bearer"
        # Reading the rule book stays open: it is what a unit may see anyway.
        assert (await client.get("/v1/rules")).status_code == 200
