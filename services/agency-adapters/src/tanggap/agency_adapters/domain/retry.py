"""Exponential backoff with jitter, and the bounded budget of attempts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 8
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0
    multiplier: float = 2.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_delay_s < 0 or self.max_delay_s < self.base_delay_s:
            raise ValueError("retry policy needs max_attempts >= 1 and 0 <= base <= max delay")

    def delay_s(self, attempt: int, jitter: float) -> float:
        """Wait after failed attempt ``attempt`` (1-based). ``jitter`` in [0, 1)
        spreads the wait over the upper half of the exponential ceiling ("equal
        jitter"): many deliveries failing together do not retry in lockstep, and
        none retries much sooner than the schedule says."""
        ceiling = min(self.max_delay_s, self.base_delay_s * self.multiplier ** (attempt - 1))
        return ceiling / 2 + ceiling / 2 * min(max(jitter, 0.0), 1.0)

    def budget_s(self) -> float:
        """The longest total wait before a delivery is dead-lettered."""
        return sum(self.delay_s(a, 1.0) for a in range(1, self.max_attempts))
