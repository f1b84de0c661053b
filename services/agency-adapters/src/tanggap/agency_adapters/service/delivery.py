"""Deliver an incident to an agency: at least once, with the same idempotency
key on every attempt, exponential backoff with jitter between attempts, the
agency's circuit breaker, and the dead-letter topic when the attempts are spent
(or at once when the agency refuses the request). Every step is published as
``agency.delivery_updated`` for the dashboard."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import structlog

from tanggap.agency_adapters.adapters.base import Deliverer, Delivery, DeliveryReceipt
from tanggap.agency_adapters.adapters.dead_letters import (
    H_AGENCY,
    H_ATTEMPTS,
    H_IDEMPOTENCY_KEY,
    H_UNIT,
)
from tanggap.agency_adapters.adapters.publisher import Publisher
from tanggap.agency_adapters.adapters.state_store import StateStore
from tanggap.agency_adapters.clock import Clock
from tanggap.agency_adapters.domain.delivery import (
    Absorb,
    DeliveryPlan,
    DeliveryRecord,
    plan_delivery,
)
from tanggap.agency_adapters.domain.errors import AgencyError
from tanggap.agency_adapters.domain.retry import RetryPolicy
from tanggap.agency_adapters.domain.status import link_reference
from tanggap.agency_adapters.metrics import (
    ATTEMPTS,
    COMMANDS,
    DEAD_LETTERS,
    DELIVERIES,
    DELIVERY_SECONDS,
    RETRIES,
)
from tanggap.agency_adapters.service.resilience import GuardedAgency
from tanggap.schemas.cloudevents import decode
from tanggap.schemas.events.agency import DeliveryState, DeliveryUpdated
from tanggap.schemas.events.snapshot import IncidentSnapshot
from tanggap.schemas.topic_names import Topic
from tanggap.streaming import Message, PoisonMessage
from tanggap.streaming.deadletter import dead_letter_headers

log = structlog.get_logger("tanggap.agency_adapters.delivery")
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Delivered:
    reference: str | None


@dataclass(frozen=True, slots=True)
class NotDelivered:
    error: AgencyError
    attempts: int


Outcome = Delivered | NotDelivered


def read_snapshot(message: Message) -> IncidentSnapshot:
    """The snapshot in a record of ``incidents.state``; anything else is poison."""
    data = decode(message.value, message.headers).data
    if not isinstance(data, IncidentSnapshot):
        raise PoisonMessage("unexpected_type", f"{type(data).__name__} on incidents.state")
    return data


class DeliveryService:
    def __init__(
        self,
        deliverer: Deliverer,
        *,
        guard: GuardedAgency,
        state: StateStore,
        publisher: Publisher,
        retry: RetryPolicy,
        clock: Clock,
        service_name: str,
        sleep: Sleep = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.deliverer = deliverer
        self.agency = deliverer.agency
        self._guard = guard
        self._state = state
        self._publisher = publisher
        self._retry = retry
        self._clock = clock
        self._service_name = service_name
        self._sleep = sleep
        self._jitter = jitter

    async def handle(self, message: Message) -> None:
        """The consumer's handler for one ``incidents.state`` record."""
        if message.value is None:
            return  # a tombstone: the incident was deleted from the compacted topic
        snapshot = read_snapshot(message)
        prior = self._state.delivery(self.agency, snapshot.incident_id)
        decision = plan_delivery(snapshot, self.deliverer.route, prior)
        if decision is None:
            return
        if isinstance(decision, Absorb):
            await self._absorb(decision, snapshot.incident_id)
            return
        await self.deliver(decision, snapshot, origin=message)

    async def _absorb(self, absorb: Absorb, incident_id: str) -> None:
        async with self._state.lock(self.agency):
            prior = self._state.delivery(self.agency, incident_id)
            if prior is None or prior.sequence >= absorb.sequence:
                return
            await self._state.save_delivery(
                prior.next(
                    self._clock.now(),
                    sequence=absorb.sequence,
                    fingerprint=absorb.fingerprint,
                    incident_status=absorb.incident_status,
                )
            )

    async def deliver(
        self, plan: DeliveryPlan, snapshot: IncidentSnapshot, *, origin: Message | None
    ) -> Outcome:
        """Deliver with retries. With an ``origin`` record, a failure ends in the
        dead-letter topic; without one (a replay) it is only reported."""
        delivery = Delivery(plan=plan, incident=snapshot)
        started = self._clock.monotonic()
        await self._update(plan, DeliveryState.PENDING, attempt=0)
        attempt = 0
        while True:
            attempt += 1
            try:
                receipt = await self._guard.call(lambda: self.deliverer.deliver(delivery))
            except AgencyError as exc:
                ATTEMPTS.labels(self.agency, exc.code).inc()
                if not exc.transient or attempt >= self._retry.max_attempts:
                    await self._give_up(plan, snapshot, exc, attempt, origin)
                    return NotDelivered(error=exc, attempts=attempt)
                RETRIES.labels(self.agency, exc.code).inc()
                await self._update(plan, DeliveryState.FAILED, attempt=attempt, reason=_reason(exc))
                await self._sleep(self._wait_after(attempt))
                continue
            ATTEMPTS.labels(self.agency, "ok").inc()
            await self._succeeded(plan, snapshot, receipt, attempt)
            DELIVERY_SECONDS.labels(self.agency).observe(self._clock.monotonic() - started)
            return Delivered(reference=receipt.reference or plan.reference)

    def _wait_after(self, attempt: int) -> float:
        # While the breaker is open, waiting less than its reset would only
        # spend an attempt on a guaranteed CircuitOpen.
        return max(self._retry.delay_s(attempt, self._jitter()), self._guard.retry_in())

    async def _succeeded(
        self,
        plan: DeliveryPlan,
        snapshot: IncidentSnapshot,
        receipt: DeliveryReceipt,
        attempt: int,
    ) -> None:
        # Tell the bus first, remember last: if Kafka fails in between, the
        # consumer retries the snapshot, the agency sees the same key again and
        # the same command ids go out again (routing ignores a repeated id).
        # The agency's lock keeps a status callback that follows at once from
        # reading the record before it is written.
        reference = receipt.reference or plan.reference
        async with self._state.lock(self.agency):
            if reference is not None and reference != plan.reference:
                await self._publisher.command(
                    link_reference(
                        agency=self.agency,
                        incident_id=plan.incident_id,
                        unit_id=plan.unit_id,
                        reference=reference,
                        now=self._clock.now(),
                    )
                )
                COMMANDS.labels(self.agency, "link_external_reference").inc()
            await self._update(plan, DeliveryState.DELIVERED, attempt=attempt, reference=reference)
            await self._save(plan, snapshot, delivered=True, reference=reference)
        DELIVERIES.labels(self.agency, "delivered").inc()
        log.info(
            "delivered",
            agency=self.agency,
            incident_id=plan.incident_id,
            sequence=plan.sequence,
            kind=plan.kind.value,
            attempts=attempt,
        )

    async def _give_up(
        self,
        plan: DeliveryPlan,
        snapshot: IncidentSnapshot,
        exc: AgencyError,
        attempts: int,
        origin: Message | None,
    ) -> None:
        log.warning(
            "delivery failed",
            agency=self.agency,
            incident_id=plan.incident_id,
            code=exc.code,
            attempts=attempts,
            reason=str(exc)[:300],
        )
        if origin is None:
            await self._update(plan, DeliveryState.FAILED, attempt=attempts, reason=_reason(exc))
            return
        await self._publisher.raw(
            Topic.DEADLETTER_AGENCY_ADAPTERS,
            key=origin.key,
            value=origin.value,
            headers=[
                *dead_letter_headers(origin, exc, service=self._service_name),
                (H_AGENCY, self.agency.encode()),
                (H_UNIT, plan.unit_id.encode()),
                (H_ATTEMPTS, str(attempts).encode()),
                (H_IDEMPOTENCY_KEY, plan.idempotency_key.encode()),
            ],
        )
        DEAD_LETTERS.labels(self.agency, exc.code).inc()
        DELIVERIES.labels(self.agency, "dead_lettered").inc()
        await self._update(plan, DeliveryState.DEAD_LETTERED, attempt=attempts, reason=_reason(exc))
        # Remember the snapshot as handled: the dead letter holds it now, and a
        # restart must not deliver it again behind the operator's back.
        await self._record(plan, snapshot, delivered=False, reference=plan.reference)

    async def _record(
        self,
        plan: DeliveryPlan,
        snapshot: IncidentSnapshot,
        *,
        delivered: bool,
        reference: str | None,
    ) -> None:
        async with self._state.lock(self.agency):
            await self._save(plan, snapshot, delivered=delivered, reference=reference)

    async def _save(
        self,
        plan: DeliveryPlan,
        snapshot: IncidentSnapshot,
        *,
        delivered: bool,
        reference: str | None,
    ) -> None:
        """Read-modify-write of the record; the caller holds the agency's lock."""
        prior = self._state.delivery(self.agency, plan.incident_id)
        await self._state.save_delivery(
            _recorded(plan, snapshot, prior, delivered, reference, self._clock.now())
        )

    async def _update(
        self,
        plan: DeliveryPlan,
        state: DeliveryState,
        *,
        attempt: int,
        reason: str | None = None,
        reference: str | None = None,
    ) -> None:
        await self._publisher.event(
            DeliveryUpdated(
                incident_id=plan.incident_id,
                agency_unit_id=plan.unit_id,
                state=state,
                attempt=attempt,
                agency_reference=reference if reference else None,
                reason=reason,
                at=self._clock.now(),
            )
        )


def _reason(exc: AgencyError) -> str:
    return f"{exc.code}: {exc.detail}"[:500]


def _recorded(
    plan: DeliveryPlan,
    snapshot: IncidentSnapshot,
    prior: DeliveryRecord | None,
    delivered: bool,
    reference: str | None,
    now: datetime,
) -> DeliveryRecord:
    if prior is not None:
        changes: dict[str, object] = {
            "unit_id": plan.unit_id,
            "sequence": max(plan.sequence, prior.sequence),
            "fingerprint": plan.fingerprint,
            "incident_status": snapshot.status,
            "reference": reference or prior.reference,
        }
        if delivered:
            changes["delivered_sequence"] = max(plan.sequence, prior.delivered_sequence or 0)
        return prior.next(now, **changes)
    return DeliveryRecord(
        agency=plan.agency,
        incident_id=plan.incident_id,
        unit_id=plan.unit_id,
        sequence=plan.sequence,
        fingerprint=plan.fingerprint,
        incident_status=snapshot.status,
        revision=1,
        updated_at=now,
        delivered_sequence=plan.sequence if delivered else None,
        reference=reference,
    )
