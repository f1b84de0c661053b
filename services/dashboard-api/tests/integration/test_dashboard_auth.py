"""Operators: logging in with the OAuth2 password flow, short-lived access
tokens, rotated refresh tokens (a stolen one, replayed, ends the session),
the CLI that creates them and resets passwords, and the audit trail."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from dashboard_testkit import count, settings_for
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard import cli
from tanggap.dashboard.adapters.tokens import AccessTokens
from tanggap.dashboard.domain.roles import Principal, Role
from tanggap.dashboard.main import create_app
from tanggap.dashboard.settings import Settings

pytestmark = pytest.mark.integration

PASSWORD = "kata-sandi-camat-7"


@pytest.fixture(scope="module")
async def app(
    database_url: str, kafka_bootstrap: str, schema: str, prefix: str
) -> AsyncIterator[FastAPI]:
    settings = settings_for(database_url, kafka_bootstrap, schema, prefix, run_projector=False)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        await app.state.use_cases.auth.create_user(
            username="Camat.Jombang",
            display_name="Camat Jombang",
            role=Role.CAMAT,
            unit_id="kecamatan:36.72.05",
            password=PASSWORD,
        )
        yield app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://dashboard") as found:
        yield found


async def token(client: httpx.AsyncClient, password: str = PASSWORD) -> httpx.Response:
    return await client.post(
        "/v1/auth/token", data={"username": "camat.jombang", "password": password}
    )


async def test_login_me_and_refusals(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    response = await token(client)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    me = await client.get(
        "/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.json()["unit_id"] == "kecamatan:36.72.05"
    assert me.json()["role"] == "camat"

    wrong = await token(client, "salah-sekali-123")
    unknown = await client.post("/v1/auth/token", data={"username": "nobody", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["code"] == unknown.json()["code"] == "invalid_credentials"
    assert wrong.json()["detail"] == unknown.json()["detail"]
    refused = await count(
        engine, "SELECT count(*) FROM audit_log WHERE action = 'login' AND outcome = 'refused'"
    )
    assert refused == 2
    stored = await count(
        engine, "SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$%'"
    )
    assert stored == 1


async def test_refresh_tokens_rotate_and_a_replayed_one_ends_the_session(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    first = (await token(client)).json()
    rotated = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    # The spent token comes back: someone copied it. Both copies stop working.
    replayed = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replayed.status_code == 401
    assert replayed.json()["code"] == "invalid_token"
    after = await client.post("/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401
    assert (
        await count(engine, "SELECT count(*) FROM audit_log WHERE outcome = 'reuse_detected'") == 1
    )
    # Only hashes are stored.
    assert (
        await count(
            engine,
            "SELECT count(*) FROM refresh_tokens WHERE token_hash = :t",
            t=first["refresh_token"],
        )
        == 0
    )


async def test_logout_ends_the_refresh_token(client: httpx.AsyncClient) -> None:
    pair = (await token(client)).json()
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    out = await client.post(
        "/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=headers
    )
    assert out.status_code == 204
    again = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401


async def test_expired_and_foreign_access_tokens_are_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    tokens: AccessTokens = app.state.use_cases.access_tokens
    someone = Principal("u-x", "camat.jombang", Role.CAMAT, "kecamatan:36.72.05")
    expired = tokens.issue(someone, datetime.now(UTC) - timedelta(hours=1))
    foreign = AccessTokens(secret="another-" + "s" * 40, issuer=tokens.issuer, ttl=tokens.ttl)
    forged = foreign.issue(someone, datetime.now(UTC))
    for bad in (expired, forged, "not.a.jwt"):
        response = await client.get("/v1/incidents", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"


def run_cli(settings: Settings, *args: str, stdin: str = "") -> str:
    """The CLI in-process (in a thread: it runs its own event loop); its output."""
    out = io.StringIO()
    cli.main(list(args), settings=settings, stdin=io.StringIO(stdin), stdout=out)
    return out.getvalue()


async def test_cli_creates_lists_resets_and_seeds(
    database_url: str, kafka_bootstrap: str, schema: str, prefix: str, client: httpx.AsyncClient
) -> None:
    settings = settings_for(database_url, kafka_bootstrap, schema, prefix)
    created = await asyncio.to_thread(
        run_cli,
        settings,
        "user",
        "create",
        "--username",
        "lurah.bulakan",
        "--role",
        "lurah",
        "--unit",
        "kelurahan:36.72.01.1003",
        "--password-stdin",
        stdin="kata-sandi-bulakan\n",
    )
    assert "created lurah.bulakan" in created
    with pytest.raises(SystemExit, match="invalid_role_unit"):
        await asyncio.to_thread(
            run_cli,
            settings,
            "user",
            "create",
            "--username",
            "lurah.nowhere",
            "--role",
            "lurah",
            "--unit",
            "kelurahan:36.72.01.1099",
            "--password-stdin",
            stdin="kata-sandi-bulakan\n",
        )
    reseeded = await asyncio.to_thread(run_cli, settings, "seed-demo")
    listed = await asyncio.to_thread(run_cli, settings, "user", "list")
    assert "lurah.bulakan" in listed
    assert "polsek:cibeber" in listed
    # The console script itself, as `make run` calls it: the demo users exist already.
    assert "lurah.cibeber" in reseeded
    script = os.path.join(os.path.dirname(sys.executable), "tanggap-dashboard")
    env = {
        **os.environ,
        "TANGGAP_DASHBOARD_DATABASE_URL": database_url,
        "TANGGAP_DASHBOARD_DATABASE_SCHEMA": schema,
        "TANGGAP_DASHBOARD_DEV_MODE": "1",
        "TANGGAP_DASHBOARD_LOG_LEVEL": "WARNING",
    }
    again = await asyncio.to_thread(
        subprocess.run,
        [script, "seed-demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert "exists, password unchanged" in again.stdout

    # A demo script seeds with one password: existing demo operators get it too.
    await asyncio.to_thread(
        run_cli, settings, "seed-demo", "--password-stdin", stdin="demo-kata-sandi-1\n"
    )
    login = await client.post(
        "/v1/auth/token", data={"username": "lurah.cibeber", "password": "demo-kata-sandi-1"}
    )
    assert login.status_code == 200
    refresh = login.json()["refresh_token"]
    await asyncio.to_thread(
        run_cli,
        settings,
        "user",
        "reset-password",
        "--username",
        "lurah.cibeber",
        "--password-stdin",
        stdin="kata-sandi-baru-99\n",
    )
    # The old session ends; the new password works, the old one not.
    assert (
        await client.post("/v1/auth/refresh", json={"refresh_token": refresh})
    ).status_code == 401
    old = await client.post(
        "/v1/auth/token", data={"username": "lurah.cibeber", "password": "demo-kata-sandi-1"}
    )
    new = await client.post(
        "/v1/auth/token", data={"username": "lurah.cibeber", "password": "kata-sandi-baru-99"}
    )
    assert old.status_code == 401
    assert new.status_code == 200


async def test_text_postgresql_cannot_hold_is_a_422_not_a_500(client: httpx.AsyncClient) -> None:
    # Found by schemathesis: a NUL in a login name reached PostgreSQL.
    response = await client.post(
        "/v1/auth/token", data={"username": "camat\x00jombang", "password": PASSWORD}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_text"
    assert (await token(client)).status_code == 200  # the session pool is unharmed
