"""One circuit breaker per agency, shared by its deliveries and its status
polls, and the gauge that shows it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog

from tanggap.agency_adapters.clock import Clock
from tanggap.agency_adapters.domain.circuit import CircuitBreaker, CircuitState
from tanggap.agency_adapters.domain.errors import AgencyError, CircuitOpen
from tanggap.agency_adapters.metrics import CIRCUIT_OPEN

T = TypeVar("T")
log = structlog.get_logger("tanggap.agency_adapters.resilience")


class AdapterBug(AgencyError):
    """An adapter raised something other than an AgencyError: a bug of ours. It
    is retried and dead-lettered like any failure, never allowed to stop the
    consumer of every other incident."""

    code = "adapter_error"


class GuardedAgency:
    def __init__(self, agency: str, breaker: CircuitBreaker, clock: Clock) -> None:
        self.agency = agency
        self.breaker = breaker
        self._clock = clock
        CIRCUIT_OPEN.labels(agency).set(0)

    def retry_in(self) -> float:
        return self.breaker.retry_in(self._clock.monotonic())

    async def call(self, operation: Callable[[], Awaitable[T]]) -> T:
        if not self.breaker.allow(self._clock.monotonic()):
            self._show()
            raise CircuitOpen(f"{self.agency}: circuit open, not calling the agency")
        try:
            result = await operation()
        except AgencyError as exc:
            self._outcome(exc)
            raise
        except Exception as exc:
            log.exception("adapter raised an unexpected error", agency=self.agency)
            bug = AdapterBug(f"{type(exc).__name__}: {exc}")
            self._outcome(bug)
            raise bug from exc
        self.breaker.success()
        self._show()
        return result

    def _outcome(self, exc: AgencyError) -> None:
        # A refusal proves the agency is up: only transient failures trip the breaker.
        if exc.transient:
            was = self.breaker.state
            self.breaker.failure(self._clock.monotonic())
            if was is not CircuitState.OPEN and self.breaker.state is CircuitState.OPEN:
                log.warning("circuit opened", agency=self.agency, code=exc.code)
        else:
            self.breaker.success()
        self._show()

    def _show(self) -> None:
        CIRCUIT_OPEN.labels(self.agency).set(0 if self.breaker.state is CircuitState.CLOSED else 1)
