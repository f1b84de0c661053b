"""Listing and replaying dead-lettered deliveries. A replay delivers the
dead-lettered snapshot with the idempotency key of its first attempts (so an
agency that did receive it after all sees a duplicate key, not a new case),
unless a later version of the incident reached the agency since. Each replayed
dead letter is recorded on ``agency.adapter_state`` and never replayed again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from tanggap.agency_adapters.adapters.dead_letters import DeadLetter
from tanggap.agency_adapters.adapters.state_store import StateStore
from tanggap.agency_adapters.clock import Clock
from tanggap.agency_adapters.domain.delivery import replay_plan
from tanggap.agency_adapters.metrics import REPLAYS
from tanggap.agency_adapters.service.delivery import Delivered, DeliveryService, read_snapshot
from tanggap.schemas.cloudevents import CodecError
from tanggap.schemas.events.adapter_state import DeadLetterReplayed, ReplayOutcome
from tanggap.streaming import PoisonMessage


class LetterStatus(StrEnum):
    PENDING = "pending"
    REPLAYED = "replayed"
    SUPERSEDED = "superseded"
    NOT_REPLAYABLE = "not_replayable"  # poison: no agency ever took it


@dataclass(frozen=True, slots=True)
class LetterView:
    letter: DeadLetter
    status: LetterStatus
    incident_id: str | None


@dataclass(frozen=True, slots=True)
class ReplayResult:
    letter: DeadLetter
    outcome: str  # delivered, superseded, failed, skipped
    detail: str


class DeadLetterDesk:
    def __init__(
        self, *, deliveries: Mapping[str, DeliveryService], state: StateStore, clock: Clock
    ) -> None:
        self._deliveries = deliveries
        self._state = state
        self._clock = clock

    def view(self, letters: Sequence[DeadLetter], agency: str | None = None) -> list[LetterView]:
        return [self._view(letter) for letter in letters if agency in (None, letter.agency)]

    def _view(self, letter: DeadLetter) -> LetterView:
        incident_id = letter.message.key.decode("utf-8", "replace") if letter.message.key else None
        if letter.agency is None:
            return LetterView(letter, LetterStatus.NOT_REPLAYABLE, incident_id)
        done = self._state.replay(*letter.position)
        if done is None:
            return LetterView(letter, LetterStatus.PENDING, incident_id)
        status = (
            LetterStatus.REPLAYED
            if done.outcome is ReplayOutcome.DELIVERED
            else LetterStatus.SUPERSEDED
        )
        return LetterView(letter, status, incident_id)

    async def replay(
        self, letters: Sequence[DeadLetter], agency: str | None = None
    ) -> list[ReplayResult]:
        results = []
        for view in self.view(letters, agency):
            if view.status is LetterStatus.PENDING:
                results.append(await self._replay(view.letter))
        return results

    async def _replay(self, letter: DeadLetter) -> ReplayResult:
        agency = letter.agency or ""
        service = self._deliveries.get(agency)
        if service is None:
            return ReplayResult(letter, "skipped", f"adapter {agency!r} is not enabled here")
        try:
            snapshot = read_snapshot(letter.message)
        except (CodecError, PoisonMessage) as exc:
            return ReplayResult(letter, "skipped", f"unreadable snapshot: {exc}")
        unit = letter.unit_id or service.deliverer.route.involved_unit(snapshot)
        if unit is None:
            return ReplayResult(letter, "skipped", "the incident is no longer this agency's")
        prior = self._state.delivery(agency, snapshot.incident_id)
        plan = replay_plan(snapshot, agency=agency, unit_id=unit, prior=prior)
        if plan is None:
            await self._record(letter, agency, snapshot.incident_id, ReplayOutcome.SUPERSEDED, None)
            return ReplayResult(letter, "superseded", "a later version was delivered since")
        outcome = await service.deliver(plan, snapshot, origin=None)
        if isinstance(outcome, Delivered):
            await self._record(
                letter, agency, snapshot.incident_id, ReplayOutcome.DELIVERED, outcome.reference
            )
            return ReplayResult(letter, "delivered", outcome.reference or "")
        REPLAYS.labels(agency, "failed").inc()
        return ReplayResult(letter, "failed", f"{outcome.error.code}: {outcome.error.detail}")

    async def _record(
        self,
        letter: DeadLetter,
        agency: str,
        incident_id: str,
        outcome: ReplayOutcome,
        reference: str | None,
    ) -> None:
        partition, offset = letter.position
        await self._state.save_replay(
            DeadLetterReplayed(
                partition=partition,
                offset=offset,
                adapter=agency,
                incident_id=incident_id,
                outcome=outcome,
                agency_reference=reference,
                at=self._clock.now(),
            )
        )
        REPLAYS.labels(agency, outcome.value).inc()
