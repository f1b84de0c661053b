"""A token bucket per client (API key or IP address), in process memory.

Each intake instance keeps its own buckets: behind a load balancer with N
instances a client gets up to N times the rate. That is the price of no
shared store in the request path; see docs/adr/0013."""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """``take(client, now)`` spends one token, refilled at ``rate_per_s`` up to
    ``burst``; it answers 0 when allowed, else the seconds to wait. The least
    recently seen clients are forgotten beyond ``max_clients`` (a full bucket
    and a forgotten one behave the same)."""

    def __init__(self, *, rate_per_s: float, burst: int, max_clients: int = 100_000) -> None:
        if rate_per_s <= 0 or burst < 1:
            raise ValueError("rate_per_s must be positive and burst at least 1")
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, client: str, now: float) -> float:
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = _Bucket(tokens=float(self.burst), updated=now)
            self._buckets[client] = bucket
            if len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(client)
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate_per_s)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate_per_s

    @staticmethod
    def retry_after_header(wait_s: float) -> int:
        """Retry-After is whole seconds; never 0 for a refused request."""
        return max(1, math.ceil(wait_s))
