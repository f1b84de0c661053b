"""Open311 API clients. Only the SHA-256 of a key is stored."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

import asyncpg

KEY_PREFIX = "tgp_"
# Verified keys are remembered briefly so an Open311 POST costs no extra
# round trip; a revoked key stops working within this many seconds.
CACHE_TTL_S = 60.0


@dataclass(frozen=True, slots=True)
class ApiClient:
    client_id: str
    name: str


def key_digest(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()


def client_id_for(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:100]
    if not slug:
        raise ValueError("a client name needs at least one letter or digit")
    return slug


class ApiClientRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._cache: dict[str, tuple[float, ApiClient]] = {}

    async def create(self, name: str) -> tuple[ApiClient, str]:
        """A new client and its key; the key is shown once and never stored."""
        client = ApiClient(client_id=client_id_for(name), name=name)
        api_key = KEY_PREFIX + secrets.token_urlsafe(32)
        async with self._pool.acquire() as connection:
            await connection.execute(
                "INSERT INTO api_clients (client_id, name, key_sha256, created_at)"
                " VALUES ($1, $2, $3, now())",
                client.client_id,
                client.name,
                key_digest(api_key),
            )
        return client, api_key

    async def revoke(self, client_id: str) -> bool:
        async with self._pool.acquire() as connection:
            result = await connection.execute(
                "UPDATE api_clients SET revoked_at = now()"
                " WHERE client_id = $1 AND revoked_at IS NULL",
                client_id,
            )
        self._cache.clear()
        return result.endswith(" 1")

    async def verify(self, api_key: str) -> ApiClient | None:
        digest = key_digest(api_key)
        cached = self._cache.get(digest)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        async with self._pool.acquire() as connection:
            row = await connection.fetchrow(
                "SELECT client_id, name FROM api_clients"
                " WHERE key_sha256 = $1 AND revoked_at IS NULL",
                digest,
            )
        if row is None:
            return None
        client = ApiClient(client_id=row["client_id"], name=row["name"])
        self._cache[digest] = (now + CACHE_TTL_S, client)
        return client
