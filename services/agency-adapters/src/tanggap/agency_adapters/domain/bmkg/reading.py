"""One earthquake as read from one BMKG file, before de-duplication."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tanggap.schemas.events.agency import (
    BmkgFeed,
    SolutionStatus,
    TsunamiPotential,
    TsunamiWarningLevel,
)

MAX_DEPTH_KM = 800.0  # deepest quakes are ~700 km; more is a broken value (BMKG.md §6.8)


@dataclass(frozen=True, slots=True)
class WarningZone:
    province: str
    district: str
    level: TsunamiWarningLevel


@dataclass(frozen=True, slots=True)
class QuakeReading:
    feed: BmkgFeed
    origin_time: datetime  # UTC
    lat: float
    lon: float
    magnitude: float
    depth_km: float
    region: str
    potential: TsunamiPotential
    felt: str | None = None
    peak_mmi: int | None = None
    status: SolutionStatus | None = None
    exercise: bool = False
    warning_zones: tuple[WarningZone, ...] = ()
    warning_ended: bool = False
    issue_order: int = 0  # position in its file: later entries were issued later


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that could not be read, and why (logged and counted, never raised)."""

    feed: BmkgFeed
    index: int
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    readings: tuple[QuakeReading, ...]
    rejected: tuple[Rejected, ...]


class FeedFormatError(ValueError):
    """The whole file is not in the published shape: the poll failed."""

    code = "bmkg_format"


def as_list(value: object) -> list[object]:
    """BMKG.md §6.1: a single item may arrive as an object instead of a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]
