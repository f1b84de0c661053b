"""The routing-private changelog record: a whole incident aggregate as JSON.

``incidents.state`` carries the public snapshot, which lacks what routing needs
to go on deciding (the SLA policy, the escalation chain and the escalations
done, the command ids already applied, ...). The changelog
(``routing.incident-changelog``, compacted, keyed by incident id) carries the
aggregate itself (docs/adr/0020). Only routing reads it; it holds no reporter
data, but it does hold the texts operators wrote (resolution note).

The record is ``{"v": 1, "incident": {...}}``; a reader refuses another ``v``
(a newer routing wrote it) instead of guessing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from enum import Enum
from typing import Any

from tanggap.routing.domain.commands import RejectReason
from tanggap.routing.domain.decide import AreaRef
from tanggap.routing.domain.events import EscalationClock, IncidentStatus
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.incident import EscalationRecord, Incident
from tanggap.routing.domain.priority import Priority
from tanggap.routing.domain.sla import SlaClock, SlaPolicy

VERSION = 1


class ChangelogFormatError(ValueError):
    """A changelog record this version of routing cannot read."""


def encode_incident(incident: Incident) -> bytes:
    body = {f.name: _encode(getattr(incident, f.name)) for f in fields(Incident)}
    return json.dumps({"v": VERSION, "incident": body}, separators=(",", ":")).encode()


def decode_incident(value: bytes) -> Incident:
    try:
        record = json.loads(value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ChangelogFormatError(f"not JSON: {exc}") from None
    if not isinstance(record, dict) or record.get("v") != VERSION:
        version = record.get("v") if isinstance(record, dict) else None
        raise ChangelogFormatError(f"unknown changelog version {version!r}")
    try:
        body = record["incident"]
        return Incident(**{name: _DECODERS.get(name, _same)(value) for name, value in body.items()})
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ChangelogFormatError(f"bad incident record: {exc}") from None


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Point):
        return [value.lon, value.lat]
    if isinstance(value, AreaRef):
        return [
            value.kelurahan_kode,
            value.kelurahan_name,
            value.kecamatan_kode,
            value.kecamatan_name,
        ]
    if isinstance(value, SlaPolicy):
        return value.model_dump(mode="json")
    if isinstance(value, EscalationRecord):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(EscalationRecord)}
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


def _same(value: Any) -> Any:
    return value


def _optional(decode: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else decode(value)


def _moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"naive time {value!r}")
    return moment


def _escalation(value: dict[str, Any]) -> EscalationRecord:
    return EscalationRecord(
        clock=EscalationClock(value["clock"]),
        missed=SlaClock(value["missed"]) if value["missed"] is not None else None,
        deadline=_optional(_moment)(value["deadline"]),
        from_unit=value["from_unit"],
        to_unit=value["to_unit"],
        at=_moment(value["at"]),
    )


def _strings(value: list[str]) -> tuple[str, ...]:
    return tuple(value)


_TIMES = (
    "acknowledge_by",
    "first_action_by",
    "resolve_by",
    "handler_first_action_by",
    "handler_resolve_by",
    "acknowledged_at",
    "started_at",
    "handler_started_at",
    "resolved_at",
    "closed_at",
    "rejected_at",
)
_DECODERS: dict[str, Callable[[Any], Any]] = {
    **{name: _optional(_moment) for name in _TIMES},
    "opened_at": _moment,
    "last_report_at": _moment,
    "status": IncidentStatus,
    "point": _optional(lambda v: Point(v[0], v[1])),
    "area": _optional(lambda v: AreaRef(*v)),
    "escalation_chain": _strings,
    "copied": _strings,
    "report_ids": _strings,
    "proof_photo_ids": _strings,
    "priority": Priority,
    "base_priority": Priority,
    "sla": SlaPolicy.model_validate,
    "escalations": lambda v: tuple(_escalation(r) for r in v),
    "references": lambda v: tuple((unit, ref) for unit, ref in v),
    "rejection_reason": _optional(RejectReason),
    "seen_command_ids": frozenset,
}
