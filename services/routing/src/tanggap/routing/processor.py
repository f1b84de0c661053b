"""The transactional processor: Kafka records in, the service's outcome out,
all inside the batch's transaction (docs/adr/0004, 0020).

Three inputs:

- ``reports.submitted`` (keyed by category): routed here, by the instance that
  owns the category, which is therefore the single writer of its incidents;
- ``incident.commands`` (keyed by incident id): not decided here but forwarded
  to the command inbox under the incident's category key, so that the writer
  decides it; a command for an incident nobody wrote is refused here, after the
  changelog has caught up;
- the command inbox (keyed by category): forwarded commands, decided, and timer
  ticks, which run the due escalations and automatic closes of a category.

Every incident change writes the contract events, the public snapshot on
``incidents.state`` and the aggregate on the changelog. The in-memory changes
live in a :class:`~tanggap.routing.state.Batch` until the transaction commits.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import datetime

import structlog

import tanggap.schemas.common as cc
import tanggap.schemas.events as ce
from tanggap.routing import metrics
from tanggap.routing.adapters import contract
from tanggap.routing.adapters.changelog import ChangelogFollower
from tanggap.routing.adapters.incident_codec import encode_incident
from tanggap.routing.service import Outcome, RoutingService
from tanggap.routing.settings import Settings
from tanggap.routing.state import Batch, IncidentStore
from tanggap.schemas.cloudevents import Envelope, decode, encode
from tanggap.schemas.topic_names import Topic
from tanggap.streaming import Message, PoisonMessage, TransactionalOutput

log = structlog.get_logger(__name__)

Clock = Callable[[], datetime]
INBOX_HEADER = "tanggap_routing_inbox"
COMMAND, TICK = b"command", b"tick"
SOURCE = "/tanggap/routing"
_IDS = uuid.UUID("6f0c2a53-7f4e-4d0e-9b1c-2d7f1e0a5b3c")


def event_id(event: cc.Event) -> str:
    """A stable CloudEvents id: the same fact always gets the same id, so a
    reader that dedups by id also drops a fact written twice by mistake."""
    if isinstance(event, ce.IncidentEvent):
        name = f"incident/{event.incident_id}/{event.sequence}"
    elif isinstance(event, ce.IncidentSnapshot):
        name = f"state/{event.incident_id}/{event.sequence}"
    elif isinstance(event, ce.ReportRouted | ce.ReportRejected):
        name = f"report/{event.report_id}"
    elif isinstance(event, ce.CommandRejected):
        name = f"rejected/{event.command_id}/{event.reason_code.value}"
    else:
        return str(uuid.uuid4())
    return str(uuid.uuid5(_IDS, name))


def tick_record(category: str) -> bytes:
    return json.dumps({"category": category}).encode()


class RoutingProcessor:
    def __init__(
        self,
        *,
        settings: Settings,
        service: RoutingService,
        store: IncidentStore,
        follower: ChangelogFollower,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.service = service
        self.store = store
        self.follower = follower
        self.clock = clock
        self.owned: set[int] = set()
        #: set on assignment until the changelog has caught up (see on_assigned)
        self._behind = False
        self.on_ticks_done: Callable[[set[str]], None] = lambda _: None
        self._batch = Batch(store)
        self._effects: list[Callable[[], None]] = []
        self._ticked: set[str] = set()
        self._topics = {
            Topic.REPORTS_ROUTED: settings.topic_reports_routed,
            Topic.INCIDENTS: settings.topic_incidents,
            Topic.INCIDENTS_STATE: settings.topic_incidents_state,
        }

    # -- TransactionalProcessor ----------------------------------------------------------

    async def process(self, message: Message, out: TransactionalOutput) -> None:
        if self._behind:
            # The barrier failed in on_assigned; nothing is decided before it
            # holds (a timeout here is transient: the batch is retried).
            await self.follower.catch_up(self.settings.catch_up_timeout_s)
            self._behind = False
        started = time.perf_counter()
        topic = message.topic
        if topic == self.settings.topic_reports_submitted:
            kind = "report"
            await self._report(message, out)
        elif topic == self.settings.topic_incident_commands:
            kind = "forward"
            await self._forward(message, out)
        elif topic == self.settings.topic_command_inbox:
            kind = "tick" if message.header(INBOX_HEADER) == TICK else "command"
            await self._inbox(message, out)
        else:
            raise PoisonMessage("unexpected_topic", f"routing does not read {topic}")
        metrics.PROCESSING_SECONDS.labels(kind).observe(time.perf_counter() - started)

    def on_commit(self) -> None:
        self._batch.commit()
        for effect in self._effects:
            effect()
        self._effects.clear()
        done, self._ticked = self._ticked, set()
        if done:
            self.on_ticks_done(done)
        metrics.ACTIVE_INCIDENTS.set(self.store.active_count)

    def on_abort(self) -> None:
        self._batch.abort()
        self._effects.clear()
        self._ticked.clear()

    async def on_assigned(self, partitions: set[tuple[str, int]]) -> None:
        # Whoever held these partitions before committed its last batch before
        # the rebalance finished: wait until its changelog records are here.
        self._behind = True
        try:
            await self.follower.catch_up(self.settings.catch_up_timeout_s)
            self._behind = False
        except Exception as exc:  # the listener must not fail: process() retries
            log.warning("changelog not caught up at assignment", error=repr(exc))
        self.owned = {p for t, p in partitions if t == self.settings.topic_command_inbox}
        log.info("partitions assigned", partitions=sorted(partitions))

    async def on_revoked(self, partitions: set[tuple[str, int]]) -> None:
        self.owned -= {p for t, p in partitions if t == self.settings.topic_command_inbox}

    # -- inputs ----------------------------------------------------------------------------

    async def _report(self, message: Message, out: TransactionalOutput) -> None:
        envelope = decode(message.value, message.headers)
        report = envelope.data
        if not isinstance(report, ce.ReportSubmitted):
            raise PoisonMessage("unexpected_type", f"{envelope.type} on {message.topic}")
        now = self.clock()
        outcome = self.service.route_report(report, self._batch, now)
        self._write(outcome, out, now, envelope)

    async def _forward(self, message: Message, out: TransactionalOutput) -> None:
        envelope, command = self._command(message)
        key = self.service.inbox_key(command, self._batch)
        if key is None:
            # Maybe opened a moment ago by another instance: read the changelog
            # to its end before calling the incident unknown.
            await self.follower.catch_up(self.settings.catch_up_timeout_s)
            key = self.service.inbox_key(command, self._batch)
        if key is None:
            now = self.clock()
            self._write(self.service.unknown_incident(command, now), out, now, envelope)
            return
        headers = [(k, v) for k, v in message.headers if k != INBOX_HEADER]
        out.raw(
            self.settings.topic_command_inbox,
            key=key.encode(),
            value=message.value,
            headers=[*headers, (INBOX_HEADER, COMMAND)],
        )

    async def _inbox(self, message: Message, out: TransactionalOutput) -> None:
        now = self.clock()
        if message.header(INBOX_HEADER) == TICK:
            category = _tick_category(message)
            self._ticked.add(category)
            self._write(self.service.run_timers(category, self._batch, now), out, now, None)
            return
        envelope, command = self._command(message)
        self._write(self.service.decide_command(command, self._batch, now), out, now, envelope)

    def _command(self, message: Message) -> tuple[Envelope[cc.Message], cc.Command]:
        envelope = decode(message.value, message.headers)
        if not isinstance(envelope.data, cc.Command):
            raise PoisonMessage("unexpected_type", f"{envelope.type} on {message.topic}")
        return envelope, envelope.data

    # -- outputs ---------------------------------------------------------------------------

    def _write(
        self,
        outcome: Outcome,
        out: TransactionalOutput,
        now: datetime,
        cause: Envelope[cc.Message] | None,
    ) -> None:
        """Build every record first: if one cannot be built, the input is dead-lettered
        and neither the batch state nor the transaction has any of its changes."""
        traceparent = cause.traceparent if cause is not None else None
        units = self.service.rules.rulebook.units
        events: list[cc.Event] = list(outcome.events)
        events += [contract.snapshot(i, units=units, updated_at=now) for i in outcome.changed]
        records = [
            (
                self._topics[event.topic],
                encode(
                    event,
                    source=SOURCE,
                    event_id=event_id(event),
                    time=now,
                    traceparent=traceparent,
                ),
            )
            for event in events
        ]
        changelog = [(i.id.encode(), encode_incident(i)) for i in outcome.changed]
        self._batch.keep(outcome.changed)
        for topic, record in records:
            out.record(topic, record)
        for key, value in changelog:
            out.raw(
                self.settings.topic_changelog,
                key=key,
                value=value,
                headers=[("content-type", b"application/json")],
            )
        self._effects += outcome.effects


def _tick_category(message: Message) -> str:
    try:
        category = json.loads(message.value or b"")["category"]
    except (ValueError, KeyError, TypeError) as exc:
        raise PoisonMessage("invalid_tick", repr(exc)) from None
    if not isinstance(category, str):
        raise PoisonMessage("invalid_tick", "category is not a string")
    return category
