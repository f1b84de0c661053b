"""Liveness and readiness helpers used by every service's /healthz and /readyz."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tanggap.streaming import metrics


class Heartbeat:
    """The consumer loop beats on every turn; /healthz fails when it stops
    beating (a stuck loop), which a plain 'process is up' check would miss."""

    def __init__(self, service: str, max_age_s: float = 30.0) -> None:
        self.service = service
        self.max_age_s = max_age_s
        self._last: float | None = None

    def beat(self) -> None:
        self._last = time.monotonic()
        metrics.HEARTBEAT.labels(self.service).set(time.time())

    @property
    def age_s(self) -> float | None:
        return None if self._last is None else time.monotonic() - self._last

    def alive(self) -> bool:
        age = self.age_s
        return age is not None and age <= self.max_age_s


async def kafka_reachable(client: Any, timeout_s: float = 2.0) -> bool:
    """True when the broker answers a metadata request on an existing client
    (an AIOKafkaProducer's or consumer's ``.client``)."""
    try:
        await asyncio.wait_for(client.fetch_all_metadata(), timeout_s)
    except Exception:
        return False
    return True
