"""What applying one event changed, for the change log and the command waiters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class IncidentChange:
    incident_id: str
    sequence: int
    kind: str
    occurred_at: datetime


@dataclass(slots=True)
class Outcome:
    changes: list[IncidentChange] = field(default_factory=list)
    answered_commands: list[str] = field(default_factory=list)
