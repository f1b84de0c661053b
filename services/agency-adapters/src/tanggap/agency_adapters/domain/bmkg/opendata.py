"""The open-data files: ``autogempa.json`` (one object), ``gempaterkini.json``
and ``gempadirasakan.json`` (arrays), envelope ``{"Infogempa": {"gempa": ...}}``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from tanggap.agency_adapters.domain.bmkg.reading import (
    MAX_DEPTH_KM,
    FeedFormatError,
    ParsedFeed,
    QuakeReading,
    Rejected,
    as_list,
)
from tanggap.agency_adapters.domain.bmkg.text import (
    classify_potential,
    felt_report,
    hemisphere_degrees,
    leading_number,
    local_datetime,
    utc_datetime,
)
from tanggap.schemas.events.agency import BmkgFeed

_COORDINATE_AGREEMENT_DEG = 0.05


class RecordError(ValueError):
    """One record cannot be read (becomes a `Rejected`)."""


def parse_open_data(document: object, feed: BmkgFeed) -> ParsedFeed:
    """Read a decoded open-data JSON document; raises FeedFormatError only when
    the envelope itself is wrong."""
    if not isinstance(document, Mapping):
        raise FeedFormatError("root is not an object")
    info = document.get("Infogempa")
    if not isinstance(info, Mapping) or "gempa" not in info:
        raise FeedFormatError("no Infogempa.gempa")
    readings: list[QuakeReading] = []
    rejected: list[Rejected] = []
    for index, record in enumerate(as_list(info["gempa"])):
        try:
            readings.append(_reading(record, feed, index))
        except RecordError as exc:
            rejected.append(Rejected(feed=feed, index=index, reason=str(exc)))
    return ParsedFeed(readings=tuple(readings), rejected=tuple(rejected))


def _reading(record: object, feed: BmkgFeed, index: int) -> QuakeReading:
    if not isinstance(record, Mapping):
        raise RecordError("record is not an object")
    lat, lon = position(record.get("Coordinates"), record.get("Lintang"), record.get("Bujur"))
    magnitude = leading_number(record.get("Magnitude"))
    if magnitude is None or not 0 <= magnitude <= 10:
        raise RecordError(f"magnitude unreadable: {record.get('Magnitude')!r}")
    felt = felt_report(record.get("Dirasakan"))
    return QuakeReading(
        feed=feed,
        origin_time=_origin_time(record),
        lat=lat,
        lon=lon,
        magnitude=magnitude,
        depth_km=depth(record.get("Kedalaman")),
        region=region_text(record.get("Wilayah"), lat, lon),
        potential=classify_potential(record.get("Potensi")),
        felt=felt.text if felt else None,
        peak_mmi=felt.peak_mmi if felt else None,
        issue_order=index,
    )


def _origin_time(record: Mapping[str, object]) -> datetime:
    # DateTime (UTC) wins over Tanggal/Jam, which once disagreed with it (§2.3).
    origin = utc_datetime(record.get("DateTime")) or local_datetime(
        record.get("Tanggal"), record.get("Jam")
    )
    if origin is None:
        raise RecordError("origin time unreadable (DateTime, Tanggal/Jam)")
    return origin


def depth(value: object) -> float:
    km = leading_number(value)
    if km is None or not 0 <= km <= MAX_DEPTH_KM:
        raise RecordError(f"depth unreadable or absurd: {value!r}")
    return km


def region_text(value: object, lat: float, lon: float) -> str:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())[:500]
    return f"{abs(lat):.2f} {'LS' if lat < 0 else 'LU'} {abs(lon):.2f} {'BB' if lon < 0 else 'BT'}"


def position(coordinates: object, lintang: object, bujur: object) -> tuple[float, float]:
    """``Coordinates`` is "lat,lon" in the current files but "lon,lat" in legacy
    XML; ``Lintang``/``Bujur`` carry the hemisphere explicitly and arbitrate."""
    stated = _stated_position(lintang, bujur)
    pair = _pair(coordinates)
    if pair is None:
        if stated is None:
            raise RecordError("position unreadable (Coordinates, Lintang/Bujur)")
        return stated
    first, second = pair
    candidates = [(first, second), (second, first)]
    if stated is not None:
        for lat, lon in candidates:
            if _agree((lat, lon), stated):
                return lat, lon
        return stated  # Coordinates contradict the hemisphere fields: trust the explicit ones
    for lat, lon in candidates:
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return lat, lon
    raise RecordError(f"coordinates out of range: {coordinates!r}")


def _stated_position(lintang: object, bujur: object) -> tuple[float, float] | None:
    lat = hemisphere_degrees(lintang)
    lon = hemisphere_degrees(bujur)
    if lat is None or lon is None or lat[1] != "lat" or lon[1] != "lon":
        return None
    if not (-90 <= lat[0] <= 90 and -180 <= lon[0] <= 180):
        return None
    return lat[0], lon[0]


def _pair(value: object) -> tuple[float, float] | None:
    if not isinstance(value, str):
        return None
    parts = [p.strip() for p in value.split(",")]
    if len(parts) < 2:
        return None
    first, second = leading_number(parts[0]), leading_number(parts[1])
    if first is None or second is None:
        return None
    return first, second


def _agree(pair: tuple[float, float], stated: tuple[float, float]) -> bool:
    return (
        abs(pair[0] - stated[0]) <= _COORDINATE_AGREEMENT_DEG
        and abs(pair[1] - stated[1]) <= _COORDINATE_AGREEMENT_DEG
    )
