"""The InaTEWS latest-message file ``datagempa.json``: a CAP-shaped BMKG profile
(BMKG.md §5). Differences from the open data that matter: ``point.coordinates``
is "lon,lat"; the origin time is ``date`` (DD-MM-YY) + ``time`` in WIB, while
``eventid`` and ``sent`` may be the *issue* time; ``status`` ``TES`` is an
exercise; tsunami warnings list their zones in ``wzarea``."""

from __future__ import annotations

from collections.abc import Mapping

from tanggap.agency_adapters.domain.bmkg.opendata import (
    RecordError,
    depth,
    position,
    region_text,
)
from tanggap.agency_adapters.domain.bmkg.reading import (
    FeedFormatError,
    ParsedFeed,
    QuakeReading,
    Rejected,
    WarningZone,
    as_list,
)
from tanggap.agency_adapters.domain.bmkg.text import (
    classify_potential,
    felt_report,
    leading_number,
    numeric_local_datetime,
)
from tanggap.schemas.events.agency import BmkgFeed, TsunamiWarningLevel

_ENDED_WORDS = ("berakhir", "diakhiri")


def parse_inatews(document: object) -> ParsedFeed:
    if not isinstance(document, Mapping):
        raise FeedFormatError("root is not an object")
    alert = document.get("alert", document)
    if not isinstance(alert, Mapping) or "info" not in alert:
        raise FeedFormatError("no info in the InaTEWS message")
    exercise = str(alert.get("status", "")).strip().upper() == "TES"
    readings: list[QuakeReading] = []
    rejected: list[Rejected] = []
    for index, info in enumerate(as_list(alert["info"])):
        try:
            readings.append(_reading(info, index, exercise))
        except RecordError as exc:
            rejected.append(Rejected(feed=BmkgFeed.INATEWS, index=index, reason=str(exc)))
    return ParsedFeed(readings=tuple(readings), rejected=tuple(rejected))


def _reading(info: object, index: int, exercise: bool) -> QuakeReading:
    if not isinstance(info, Mapping):
        raise RecordError("info is not an object")
    origin = numeric_local_datetime(info.get("date"), info.get("time"))
    if origin is None:
        raise RecordError(f"origin time unreadable: {info.get('date')!r} {info.get('time')!r}")
    point = info.get("point")
    coordinates = point.get("coordinates") if isinstance(point, Mapping) else None
    # "lon,lat" here; `position` tries both orders against latitude/longitude.
    lat, lon = position(coordinates, info.get("latitude"), info.get("longitude"))
    magnitude = leading_number(info.get("magnitude"))
    if magnitude is None or not 0 <= magnitude <= 10:
        raise RecordError(f"magnitude unreadable: {info.get('magnitude')!r}")
    felt = felt_report(info.get("felt"))
    return QuakeReading(
        feed=BmkgFeed.INATEWS,
        origin_time=origin,
        lat=lat,
        lon=lon,
        magnitude=magnitude,
        depth_km=depth(info.get("depth")),
        region=region_text(info.get("area"), lat, lon),
        potential=classify_potential(info.get("potential")),
        felt=felt.text if felt else None,
        peak_mmi=felt.peak_mmi if felt else None,
        exercise=exercise,
        warning_zones=warning_zones(info.get("wzarea")),
        warning_ended=_ended(info),
        issue_order=index,
    )


def warning_zones(value: object) -> tuple[WarningZone, ...]:
    """De-duplicated (sample files repeat rows, BMKG.md §5.1), in first-seen order."""
    zones: dict[tuple[str, str], WarningZone] = {}
    for row in as_list(value):
        if not isinstance(row, Mapping):
            continue
        province = " ".join(str(row.get("province") or "").split()).upper()
        district = " ".join(str(row.get("district") or "").split()).upper()
        level = _level(row.get("level"))
        if not province or not district or level is None:
            continue
        key = (province, district)
        if key not in zones or _rank(level) > _rank(zones[key].level):
            zones[key] = WarningZone(province=province, district=district[:120], level=level)
    return tuple(zones.values())


def _level(value: object) -> TsunamiWarningLevel | None:
    text = str(value or "").strip().upper()
    return TsunamiWarningLevel(text) if text in TsunamiWarningLevel.__members__ else None


_RANKS = {TsunamiWarningLevel.WASPADA: 1, TsunamiWarningLevel.SIAGA: 2, TsunamiWarningLevel.AWAS: 3}


def _rank(level: TsunamiWarningLevel) -> int:
    return _RANKS[level]


def highest_level(zones: tuple[WarningZone, ...]) -> TsunamiWarningLevel | None:
    return max((z.level for z in zones), key=_rank, default=None)


def _ended(info: Mapping[str, object]) -> bool:
    subject = str(info.get("subject") or "").upper().replace(" ", "")
    if "PD-4" in subject or "PD4" in subject:
        return True
    texts = " ".join(str(info.get(k) or "") for k in ("potential", "headline")).lower()
    return any(word in texts for word in _ENDED_WORDS)
