"""Incident priority and how it rises with the number of reports."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)

    def raised(self, levels: int) -> Priority:
        """``levels`` steps up, capped at urgent."""
        return _ORDER[min(len(_ORDER) - 1, max(0, self.rank + levels))]


_ORDER = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)


def highest(priorities: Iterable[Priority]) -> Priority:
    return max(priorities, key=lambda p: p.rank)


class PriorityBoost(BaseModel):
    """From ``min_reports`` reports on one incident, raise its priority ``levels`` steps."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_reports: int = Field(ge=2)
    levels: int = Field(ge=1, le=3)


#: ≥3 reports: one level up; ≥10 reports: two levels up (capped at urgent).
DEFAULT_BOOSTS = (PriorityBoost(min_reports=3, levels=1), PriorityBoost(min_reports=10, levels=2))


def boosted(base: Priority, report_count: int, boosts: Iterable[PriorityBoost]) -> Priority:
    """The priority of an incident with ``report_count`` reports; the largest boost applies."""
    levels = max((b.levels for b in boosts if report_count >= b.min_reports), default=0)
    return base.raised(levels)
