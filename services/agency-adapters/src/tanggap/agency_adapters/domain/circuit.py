"""A circuit breaker per agency: after a run of failures stop calling the agency
for a while, then let one trial request through. Time is passed in (``now``,
monotonic seconds); the breaker itself never reads a clock."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class CircuitBreaker:
    failure_threshold: int = 5
    reset_after_s: float = 30.0
    state: CircuitState = CircuitState.CLOSED
    consecutive_failures: int = 0
    opened_at: float = 0.0
    trial_started_at: float | None = None

    def allow(self, now: float) -> bool:
        """May a request go out now? In half-open state only one trial at a time;
        a trial that never reported back is given up after ``reset_after_s``."""
        if self.state is CircuitState.CLOSED:
            return True
        if self.state is CircuitState.OPEN:
            if now - self.opened_at < self.reset_after_s:
                return False
            self.state = CircuitState.HALF_OPEN
            self.trial_started_at = None
        if self.trial_started_at is None or now - self.trial_started_at >= self.reset_after_s:
            self.trial_started_at = now
            return True
        return False

    def retry_in(self, now: float) -> float:
        """Seconds until the breaker lets a trial through (0 when it would now)."""
        if self.state is CircuitState.OPEN:
            return max(0.0, self.reset_after_s - (now - self.opened_at))
        return 0.0

    def success(self) -> None:
        self.state = CircuitState.CLOSED
        self.consecutive_failures = 0
        self.trial_started_at = None

    def failure(self, now: float) -> None:
        self.consecutive_failures += 1
        if (
            self.state is CircuitState.HALF_OPEN
            or self.consecutive_failures >= self.failure_threshold
        ):
            self.state = CircuitState.OPEN
            self.opened_at = now
            self.trial_started_at = None
