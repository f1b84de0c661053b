"""What the dashboard's tests share: the city's real areas, a scenario that
emits what intake and routing would (reports, incident events, snapshots), a
stand-in for routing that answers commands, and read-model dumps.

Routing is another service; here its part is played by ``Routing`` below,
which consumes ``incident.commands`` from the real broker and answers with the
codec's events, the way routing's contract says it will.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard.adapters.tables import READ_MODEL_TABLES
from tanggap.dashboard.settings import Settings
from tanggap.schemas.cloudevents import decode
from tanggap.schemas.commands import (
    AcknowledgeIncident,
    CommentIncident,
    ReassignIncident,
    RejectIncident,
    ResolveIncident,
    StartIncident,
)
from tanggap.schemas.common import (
    Actor,
    ActorKind,
    AreaRef,
    Command,
    Event,
    GeoPoint,
    IncidentStatus,
    KecamatanRef,
    KelurahanRef,
    Location,
    Priority,
    Privacy,
    SlaDeadlines,
    UnitRef,
    UnitType,
    uuid7,
)
from tanggap.schemas.events import (
    Channel,
    CommandRejected,
    CommandRejectionCode,
    EscalationClock,
    IncidentAcknowledged,
    IncidentCommented,
    IncidentEscalated,
    IncidentOpened,
    IncidentRejected,
    IncidentReportAttached,
    IncidentResolved,
    IncidentSnapshot,
    IncidentStatusChanged,
    Reporter,
    ReportRouted,
    ReportSubmitted,
)
from tanggap.schemas.topic_names import Topic
from tanggap.streaming import (
    ConsumerRunner,
    DeadLetterPolicy,
    EventProducer,
    Message,
)

SYSTEM = Actor(kind=ActorKind.SYSTEM, id="routing")
T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def settings_for(
    database_url: str, kafka: str, schema: str, prefix: str, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "database_schema": schema,
        "kafka_bootstrap": kafka,
        "topic_prefix": prefix,
        "consumer_group": f"{prefix}dashboard-projector",
        "dev_mode": True,
        "jwt_secret": "test-secret-" + uuid.uuid4().hex + uuid.uuid4().hex,
        "argon2_memory_kib": 1024,
        "exit_on_projector_failure": False,
        "log_level": "WARNING",
        "command_wait_s": 5.0,
        "public_stats_cache_s": 0.0,
    }
    values.update(overrides)
    return Settings(**values)


@dataclass(frozen=True)
class Area:
    kode: str
    name: str
    kecamatan_kode: str
    kecamatan_name: str
    lat: float
    lon: float

    @property
    def ref(self) -> AreaRef:
        return AreaRef(
            kelurahan=KelurahanRef(kode=self.kode, name=self.name),
            kecamatan=KecamatanRef(kode=self.kecamatan_kode, name=self.kecamatan_name),
        )

    @property
    def kelurahan_unit(self) -> UnitRef:
        return UnitRef(
            id=f"kelurahan:{self.kode}", type=UnitType.KELURAHAN, name=f"Kelurahan {self.name}"
        )

    @property
    def kecamatan_unit(self) -> UnitRef:
        return UnitRef(
            id=f"kecamatan:{self.kecamatan_kode}",
            type=UnitType.KECAMATAN,
            name=f"Kecamatan {self.kecamatan_name}",
        )


async def load_areas(engine: AsyncEngine) -> dict[str, Area]:
    """A point inside each real kelurahan (PostGIS ST_PointOnSurface)."""
    query = text(
        "SELECT k.kode, k.name, k.kecamatan_kode, c.name AS kecamatan_name, "
        "ST_Y(ST_PointOnSurface(k.geom)) AS lat, ST_X(ST_PointOnSurface(k.geom)) AS lon "
        "FROM kelurahan k JOIN kecamatan c ON c.kode = k.kecamatan_kode"
    )
    async with engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    return {
        r.kode: Area(r.kode, r.name, r.kecamatan_kode, r.kecamatan_name, r.lat, r.lon) for r in rows
    }


DLH = UnitRef(id="dlh", type=UnitType.OPD, name="Dinas Lingkungan Hidup Kota Cilegon")
DISHUB = UnitRef(id="dishub", type=UnitType.OPD, name="Dinas Perhubungan Kota Cilegon")
COMMAND_CENTER = UnitRef(
    id="command-center", type=UnitType.COMMAND_CENTER, name="Command Center Kota Cilegon"
)
POLSEK_CIBEBER = UnitRef(id="polsek:cibeber", type=UnitType.POLSEK, name="Polsek Cibeber")
POLRES = UnitRef(id="polres:cilegon", type=UnitType.POLRES, name="Polres Cilegon")


@dataclass
class IncidentState:
    incident_id: str
    category: str
    area: Area
    location: GeoPoint
    owner: UnitRef
    handler: UnitRef
    copied: list[UnitRef]
    priority: Priority
    opened_at: datetime
    sla: SlaDeadlines
    report_ids: list[str]
    status: IncidentStatus = IncidentStatus.OPEN
    sequence: int = 1
    acknowledged_at: datetime | None = None
    first_action_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    escalation_level: int = 0
    updated_at: datetime = field(default_factory=lambda: T0)

    def snapshot(self) -> IncidentSnapshot:
        return IncidentSnapshot(
            incident_id=self.incident_id,
            category=self.category,
            status=self.status,
            priority=self.priority,
            location=self.location,
            area=self.area.ref,
            owner=self.owner,
            handler=self.handler,
            copied=self.copied,
            report_count=len(self.report_ids),
            report_ids=self.report_ids,
            opened_at=self.opened_at,
            acknowledged_at=self.acknowledged_at,
            first_action_at=self.first_action_at,
            resolved_at=self.resolved_at,
            closed_at=self.closed_at,
            sla=self.sla,
            escalation_level=self.escalation_level,
            reassign_count=0,
            external_refs={},
            sequence=self.sequence,
            updated_at=self.updated_at,
        )


Emitted = list[Event]


class Scenario:
    """Emits what intake and routing would, keeping each incident's state."""

    def __init__(self, areas: dict[str, Area]) -> None:
        self.areas = areas
        self.incidents: dict[str, IncidentState] = {}
        self.escalations: list[tuple[str, str]] = []
        self.privacy: dict[str, list[Privacy]] = {}

    def report(
        self,
        kelurahan: str,
        *,
        category: str = "sampah",
        privacy: Privacy = Privacy.PUBLIC,
        reporter: Reporter | None = None,
        description: str = "Sampah menumpuk di pinggir jalan dekat pasar",
        owner: UnitRef | None = None,
        handler: UnitRef = DLH,
        copied: Iterable[UnitRef] = (),
        at: datetime = T0,
        sla: timedelta = timedelta(days=3),
        resolve_sla: bool = True,
        merge_into: str | None = None,
    ) -> tuple[str, Emitted]:
        """A citizen's report and routing's answer; returns the incident id."""
        area = self.areas[kelurahan]
        report_id = uuid7(int(at.timestamp() * 1000))
        location = Location(lat=area.lat, lon=area.lon, accuracy_m=8.0)
        submitted = ReportSubmitted(
            report_id=report_id,
            submitted_at=at,
            category=category,
            description=description,
            location=location,
            address_text="Jl. Raya dekat gang masjid",
            area_key=category,
            media=[],
            answers={},
            reporter=reporter,
            privacy=privacy,
            channel=Channel.NATIVE,
        )
        if merge_into is not None:
            self.privacy[merge_into].append(privacy)
            return merge_into, [submitted, *self._attach(merge_into, report_id, at)]
        incident_id = str(uuid.uuid4())
        owner = owner or area.kelurahan_unit
        deadlines = SlaDeadlines(
            acknowledge_by=at + sla / 6,
            first_action_by=at + sla / 2,
            resolve_by=at + sla if resolve_sla else None,
        )
        state = IncidentState(
            incident_id=incident_id,
            category=category,
            area=area,
            location=location.point,
            owner=owner,
            handler=handler,
            copied=list(copied),
            priority=Priority.NORMAL,
            opened_at=at,
            sla=deadlines,
            report_ids=[report_id],
            updated_at=at,
        )
        self.incidents[incident_id] = state
        self.privacy[incident_id] = [privacy]
        routed = ReportRouted(
            report_id=report_id,
            incident_id=incident_id,
            area=area.ref,
            owner=owner,
            handler=handler,
            copied=list(copied),
            rule_id=f"{category}-default",
            rules_version="test-1",
            reasons=["kategori dan lokasi"],
            merged=False,
            routed_at=at,
        )
        opened = IncidentOpened(
            incident_id=incident_id,
            sequence=1,
            occurred_at=at,
            by=SYSTEM,
            category=category,
            priority=Priority.NORMAL,
            location=location.point,
            area=area.ref,
            owner=owner,
            handler=handler,
            copied=list(copied),
            sla=deadlines,
            rule_id=f"{category}-default",
            rules_version="test-1",
            report_id=report_id,
        )
        return incident_id, [submitted, routed, opened, state.snapshot()]

    def _attach(self, incident_id: str, report_id: str, at: datetime) -> Emitted:
        state = self.incidents[incident_id]
        state.report_ids.append(report_id)
        state.sequence += 1
        state.updated_at = at
        area = state.area
        routed = ReportRouted(
            report_id=report_id,
            incident_id=incident_id,
            area=area.ref,
            owner=state.owner,
            handler=state.handler,
            copied=state.copied,
            rule_id=f"{state.category}-default",
            rules_version="test-1",
            reasons=["laporan serupa di dekatnya"],
            merged=True,
            routed_at=at,
        )
        attached = IncidentReportAttached(
            incident_id=incident_id,
            sequence=state.sequence,
            occurred_at=at,
            by=SYSTEM,
            report_id=report_id,
            report_count=len(state.report_ids),
            priority=state.priority,
        )
        return [routed, attached, state.snapshot()]

    def step(
        self,
        incident_id: str,
        kind: str,
        *,
        by: Actor = SYSTEM,
        at: datetime | None = None,
        command_id: str | None = None,
        note: str | None = None,
    ) -> Emitted:
        """One lifecycle event and the snapshot after it."""
        state = self.incidents[incident_id]
        at = at or state.updated_at + timedelta(minutes=10)
        state.sequence += 1
        state.updated_at = at
        common: dict[str, Any] = {
            "incident_id": incident_id,
            "sequence": state.sequence,
            "occurred_at": at,
            "by": by,
            "command_id": command_id,
        }
        event: Event
        if kind == "acknowledge":
            state.status, state.acknowledged_at = IncidentStatus.ACKNOWLEDGED, at
            event = IncidentAcknowledged(**common, note=note)
        elif kind == "start":
            previous = state.status
            state.status, state.first_action_at = IncidentStatus.IN_PROGRESS, at
            event = IncidentStatusChanged(
                **common, from_status=previous, to_status=IncidentStatus.IN_PROGRESS, note=note
            )
        elif kind == "resolve":
            state.status, state.resolved_at = IncidentStatus.RESOLVED, at
            event = IncidentResolved(**common, note=note or "Sudah diangkut", proof_media_ids=[])
        elif kind == "comment":
            event = IncidentCommented(**common, text=note or "Catatan")
        elif kind == "reject":
            state.status = IncidentStatus.REJECTED
            event = IncidentRejected(
                **common, reason_code="invalid", note=note or "Bukan masalah nyata"
            )
        elif kind == "escalate":
            previous_owner = state.owner
            self.escalations.append((incident_id, previous_owner.id))
            state.owner = state.area.kecamatan_unit
            state.escalation_level += 1
            state.sla = SlaDeadlines(
                acknowledge_by=at + timedelta(hours=4),
                first_action_by=at + timedelta(days=1),
                resolve_by=at + timedelta(days=3),
            )
            event = IncidentEscalated(
                **common,
                level=state.escalation_level,
                from_unit=previous_owner,
                to_unit=state.owner,
                clock=EscalationClock.ACKNOWLEDGE,
                missed_deadline=at,
                sla=state.sla,
            )
        else:
            raise ValueError(kind)
        return [event, state.snapshot()]


def topic_of(prefix: str, event: Event | Command) -> str:
    return prefix + event.topic.value


async def produce(producer: EventProducer, prefix: str, events: Iterable[Event]) -> None:
    for event in events:
        await producer.send(topic_of(prefix, event), event)


_ALLOWED: dict[type[Command], set[IncidentStatus]] = {
    AcknowledgeIncident: {IncidentStatus.OPEN},
    StartIncident: {IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED},
    ResolveIncident: {IncidentStatus.ACKNOWLEDGED, IncidentStatus.IN_PROGRESS},
    RejectIncident: {IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED},
    CommentIncident: set(IncidentStatus),
}
_KIND = {
    AcknowledgeIncident: "acknowledge",
    StartIncident: "start",
    ResolveIncident: "resolve",
    RejectIncident: "reject",
    CommentIncident: "comment",
}


class Routing:
    """Routing's part in integration tests: reads incident.commands, checks the
    status transition, answers with the incident event (carrying the command
    id) and the snapshot, or with command.rejected."""

    def __init__(self, kafka: str, prefix: str, scenario: Scenario, producer: EventProducer):
        self.prefix = prefix
        self.scenario = scenario
        self.producer = producer
        self.seen: list[Command] = []
        self.paused = False
        self.parked: list[Command] = []
        self.runner = ConsumerRunner(
            bootstrap_servers=kafka,
            group_id=f"{prefix}routing-standin",
            topics=[prefix + Topic.INCIDENT_COMMANDS.value],
            handler=self.handle,
            service="routing-standin",
            dead_letters=DeadLetterPolicy(topic=prefix + "deadletter.routing-standin"),
        )

    async def handle(self, message: Message) -> None:
        command = decode(message.value, message.headers).data
        assert isinstance(command, Command)
        self.seen.append(command)
        if self.paused:  # a slow routing: the command waits for resume()
            self.parked.append(command)
            return
        await self.answer(command)

    async def resume(self) -> None:
        self.paused = False
        for command in self.parked:
            await self.answer(command)
        self.parked.clear()

    async def answer(self, command: Command) -> None:
        state = self.scenario.incidents.get(command.incident_id)
        allowed = _ALLOWED.get(type(command))
        if (
            state is None
            or allowed is None
            or state.status not in allowed
            or isinstance(command, ReassignIncident)
        ):
            await self._refuse(command, CommandRejectionCode.INVALID_TRANSITION)
            return
        note = getattr(command, "note", None) or getattr(command, "text", None)
        events = self.scenario.step(
            command.incident_id,
            _KIND[type(command)],
            by=command.actor,
            command_id=command.command_id,
            note=note,
        )
        await produce(self.producer, self.prefix, events)

    async def _refuse(self, command: Command, code: CommandRejectionCode) -> None:
        state = self.scenario.incidents.get(command.incident_id)
        status = state.status.value if state else "unknown"
        rejected = CommandRejected(
            command_id=command.command_id,
            command_type=command.ce_type,
            incident_id=command.incident_id,
            reason_code=code,
            detail=f"cannot {command.ce_type.rsplit('.', 1)[1]} an incident that is {status}",
            actor=command.actor,
            rejected_at=datetime.now(UTC),
        )
        await produce(self.producer, self.prefix, [rejected])


async def eventually(
    check: Callable[[], Awaitable[bool]], timeout_s: float = 20.0, interval_s: float = 0.1
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"not true within {timeout_s}s")
        await asyncio.sleep(interval_s)


async def dump_read_model(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every projected table, rows sorted, geometries as text: for equality."""
    dump: dict[str, list[tuple[Any, ...]]] = {}
    async with engine.connect() as connection:
        for table in READ_MODEL_TABLES:
            columns = (
                await connection.execute(
                    text(
                        "SELECT column_name, udt_name FROM information_schema.columns "
                        "WHERE table_schema = current_schema() AND table_name = :t "
                        "ORDER BY ordinal_position"
                    ),
                    {"t": table},
                )
            ).all()
            select_list = ", ".join(
                f"ST_AsText({name})" if udt == "geometry" else f"{name}::text"
                for name, udt in columns
            )
            rows = (await connection.execute(text(f"SELECT {select_list} FROM {table}"))).all()
            dump[table] = sorted(tuple(row) for row in rows)
    return dump


async def count(engine: AsyncEngine, sql: str, **params: Any) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text(sql), params)).scalar() or 0)


async def login(client: Any, username: str, password: str) -> dict[str, str]:
    """Log in through the API; returns the Authorization header."""
    response = await client.post(
        "/v1/auth/token", data={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def project_directly(engine: AsyncEngine, events: Iterable[Event], schema: str) -> None:
    """Apply events with the projector, without the broker: for tests about
    what is computed from the read model, not about consuming."""
    from tanggap.dashboard.adapters.projection.projector import Projector
    from tanggap.schemas.cloudevents import encode

    projector = Projector(notify_schema=schema)
    async with engine.begin() as connection:
        for offset, event in enumerate(events):
            record = encode(event, source="/test")
            message = Message(
                topic=event.topic.value,
                partition=0,
                offset=offset,
                key=record.key,
                value=record.value,
                headers=tuple(record.headers),
                timestamp_ms=0,
            )
            await projector.apply(connection, message)
