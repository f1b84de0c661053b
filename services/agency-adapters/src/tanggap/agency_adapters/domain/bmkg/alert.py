"""When a quake becomes a Tanggap incident, and what that incident says.

Rule (ADR 0043): an earthquake of magnitude ≥ 5 whose epicentre lies within
150 km of Cilegon, or an InaTEWS tsunami warning with a warning zone in a
watched province (Banten), opens one ``bencana`` incident for the command
center. Exercises (``TES``) and ended warnings (PD-4) never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import StrEnum

from tanggap.agency_adapters.domain.bmkg.catalogue import Quake
from tanggap.agency_adapters.domain.bmkg.inatews import highest_level
from tanggap.agency_adapters.domain.geo import Point, distance_km
from tanggap.agency_adapters.domain.ids import stable_uuid
from tanggap.schemas.commands import OpenIncident
from tanggap.schemas.common import Actor, ActorKind, GeoPoint, Priority
from tanggap.schemas.events.agency import (
    EarthquakeObserved,
    TsunamiPotential,
    TsunamiWarning,
)

WIB = timezone(timedelta(hours=7), "WIB")
_POTENTIAL_TEXT = {
    TsunamiPotential.NONE: "Tidak berpotensi tsunami.",
    TsunamiPotential.POTENTIAL: "BERPOTENSI TSUNAMI.",
    TsunamiPotential.FELT_NO_STATEMENT: "Gempa dirasakan.",
    TsunamiPotential.UNKNOWN: "",
}


class AlertReason(StrEnum):
    STRONG_AND_NEAR = "strong_and_near"
    TSUNAMI_WARNING = "tsunami_warning"


@dataclass(frozen=True, slots=True)
class AlertRule:
    reference: Point  # Cilegon, the point distances are measured from
    incident_location: Point  # where the city-wide incident is pinned (city hall)
    min_magnitude: float = 5.0
    max_distance_km: float = 150.0
    tsunami_provinces: frozenset[str] = frozenset({"BANTEN"})


def observed_event(quake: Quake, rule: AlertRule) -> EarthquakeObserved:
    r = quake.reading
    return EarthquakeObserved(
        event_key=quake.key,
        origin_time=r.origin_time,
        lat=r.lat,
        lon=r.lon,
        magnitude=r.magnitude,
        depth_km=r.depth_km,
        region=r.region,
        tsunami_potential=r.potential,
        felt=r.felt[:500] if r.felt else None,
        distance_km=round(distance_km(rule.reference, Point(r.lat, r.lon)), 1),
        status=r.status,
        exercise=r.exercise,
        source_feed=r.feed,
        tsunami_warning=_warning(quake, rule),
    )


def _warning(quake: Quake, rule: AlertRule) -> TsunamiWarning | None:
    zones = quake.reading.warning_zones
    level = highest_level(zones)
    if level is None or quake.reading.warning_ended:
        return None
    provinces = list(dict.fromkeys(z.province[:60] for z in zones))
    return TsunamiWarning(level=level, districts=[z.district for z in zones], provinces=provinces)


def alert_reason(event: EarthquakeObserved, rule: AlertRule) -> AlertReason | None:
    if event.exercise:
        return None
    warning = event.tsunami_warning
    if warning is not None and rule.tsunami_provinces.intersection(warning.provinces):
        return AlertReason.TSUNAMI_WARNING
    if event.magnitude >= rule.min_magnitude and event.distance_km <= rule.max_distance_km:
        return AlertReason.STRONG_AND_NEAR
    return None


def incident_id_for(event_key: str) -> str:
    return stable_uuid("bmkg", event_key, "incident")


def open_incident(
    event: EarthquakeObserved, reason: AlertReason, rule: AlertRule, *, now: datetime
) -> OpenIncident:
    """The command, with ids derived from the quake: sending it twice is harmless."""
    return OpenIncident(
        command_id=stable_uuid("bmkg", event.event_key, "open"),
        incident_id=incident_id_for(event.event_key),
        actor=Actor(kind=ActorKind.SYSTEM, id="agency-adapters:bmkg"),
        issued_at=now,
        category="bencana",
        location=GeoPoint(lat=rule.incident_location.lat, lon=rule.incident_location.lon),
        priority=Priority.URGENT,
        description_public=describe(event, reason),
        dedup_key=f"bmkg:{event.event_key}",
    )


def describe(event: EarthquakeObserved, reason: AlertReason) -> str:
    local = event.origin_time.astimezone(WIB)
    parts = []
    if reason is AlertReason.TSUNAMI_WARNING and event.tsunami_warning is not None:
        warning = event.tsunami_warning
        districts = ", ".join(warning.districts[:8])
        parts.append(f"PERINGATAN DINI TSUNAMI BMKG, status {warning.level.value}: {districts}.")
    parts.append(
        f"Gempa M {event.magnitude:.1f} pada {local:%d-%m-%Y %H:%M:%S} WIB, {event.region}, "
        f"kedalaman {event.depth_km:g} km, {event.distance_km:.0f} km dari Cilegon."
    )
    potential = _POTENTIAL_TEXT[event.tsunami_potential]
    if potential:
        parts.append(potential)
    if event.felt:
        parts.append(f"Dirasakan: {event.felt}.")
    parts.append("Sumber: BMKG.")
    return " ".join(parts)[:2000]
