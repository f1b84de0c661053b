"""Idempotency-Key reservations in PostgreSQL (docs/adr/0010)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from tanggap.intake.domain.idempotency import KeyState, Reservation


@dataclass(frozen=True, slots=True)
class NewReservation:
    scope: str
    key: str
    fingerprint: str
    report_id: str
    submitted_at: datetime
    lease_until: datetime


_RESERVE = """
INSERT INTO idempotency_keys (scope, key, fingerprint, report_id, submitted_at, state,
                              lease_until, created_at)
SELECT scope, key, fingerprint, report_id, submitted_at, 'in_flight', lease_until, now()
FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::timestamptz[],
            $6::timestamptz[]) AS r(scope, key, fingerprint, report_id, submitted_at, lease_until)
ON CONFLICT (scope, key) DO NOTHING
RETURNING scope, key
"""


class IdempotencyRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def reserve(self, reservations: Sequence[NewReservation]) -> list[bool]:
        """One statement for a batch; True where the key was free and is now
        ours. Two requests of one batch with the same key: the first wins."""
        unique: dict[tuple[str, str], NewReservation] = {}
        for reservation in reservations:
            unique.setdefault((reservation.scope, reservation.key), reservation)
        rows = list(unique.values())
        async with self._pool.acquire() as connection:
            inserted = await connection.fetch(
                _RESERVE,
                [r.scope for r in rows],
                [r.key for r in rows],
                [r.fingerprint for r in rows],
                [r.report_id for r in rows],
                [r.submitted_at for r in rows],
                [r.lease_until for r in rows],
            )
        won = {(row["scope"], row["key"]) for row in inserted}
        return [(r.scope, r.key) in won and unique[(r.scope, r.key)] is r for r in reservations]

    async def get(self, scope: str, key: str) -> Reservation | None:
        async with self._pool.acquire() as connection:
            row = await connection.fetchrow(
                "SELECT * FROM idempotency_keys WHERE scope = $1 AND key = $2", scope, key
            )
        if row is None:
            return None
        return Reservation(
            fingerprint=row["fingerprint"],
            report_id=str(row["report_id"]),
            submitted_at=row["submitted_at"],
            state=KeyState(row["state"]),
            lease_until=row["lease_until"],
        )

    async def take_over(self, scope: str, key: str, lease_until: datetime) -> bool:
        """Claim an in-flight reservation whose lease ran out; only one of
        several concurrent retries wins."""
        async with self._pool.acquire() as connection:
            won = await connection.fetchval(
                """
                UPDATE idempotency_keys SET lease_until = $3
                WHERE scope = $1 AND key = $2 AND state = 'in_flight' AND lease_until <= now()
                RETURNING true
                """,
                scope,
                key,
                lease_until,
            )
        return bool(won)

    async def release(self, scope: str, key: str, *, forget: bool) -> None:
        """After a failed produce: ``forget`` drops the reservation (nothing
        can have reached Kafka); otherwise its lease ends now so that the
        client's retry takes over at once with the same report id."""
        async with self._pool.acquire() as connection:
            if forget:
                await connection.execute(
                    "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2"
                    " AND state = 'in_flight'",
                    scope,
                    key,
                )
            else:
                await connection.execute(
                    "UPDATE idempotency_keys SET lease_until = now()"
                    " WHERE scope = $1 AND key = $2 AND state = 'in_flight'",
                    scope,
                    key,
                )

    async def purge(self, older_than: datetime) -> int:
        async with self._pool.acquire() as connection:
            result = await connection.execute(
                "DELETE FROM idempotency_keys WHERE created_at < $1", older_than
            )
        return int(result.split()[-1])
