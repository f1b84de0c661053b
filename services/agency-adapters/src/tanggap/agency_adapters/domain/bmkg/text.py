"""The small string formats of BMKG's feeds: numbers with units, hemisphere
coordinates, Indonesian dates, felt reports and the tsunami statement."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from tanggap.schemas.events.agency import TsunamiPotential

_LEADING_NUMBER = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)")
_HEMISPHERE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(LS|LU|BT|BB)\s*$", re.IGNORECASE)

# Seen in captures: Jan Mei Okt Des Agu; assumed: the rest; Agt/Ags also accepted
# (BMKG.md §2.3). English names cover the legacy XML files (`27-Aug-19`).
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "mei": 5, "may": 5, "jun": 6, "jul": 7,
    "agu": 8, "agt": 8, "ags": 8, "aug": 8, "sep": 9, "okt": 10, "oct": 10,
    "nov": 11, "des": 12, "dec": 12,
}  # fmt: skip
_ZONES = {"WIB": 7, "WITA": 8, "WIT": 9}
_TANGGAL = re.compile(r"^\s*(\d{1,2})[\s-]+([A-Za-z]{3,})[\s-]+(\d{2}|\d{4})\s*$")
_JAM = re.compile(r"^\s*(\d{1,2}):(\d{2}):(\d{2})\s*(WIB|WITA|WIT)?\s*$", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})\s*$")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
          "x": 10, "xi": 11, "xii": 12}  # fmt: skip
_MMI_TOKEN = re.compile(r"^\s*([IVXivx]+)(?:\s*-\s*([IVXivx]+))?\b")


def leading_number(value: object) -> float | None:
    """``"5.0 SR"`` → 5.0, ``"23 km"`` → 23.0, ``"4,7"`` → 4.7; anything else → None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        return None
    match = _LEADING_NUMBER.match(value)
    return float(match.group(1).replace(",", ".")) if match else None


def hemisphere_degrees(value: object) -> tuple[float, str] | None:
    """``"6.41 LS"`` → (-6.41, "lat"); ``"105.32 BT"`` → (105.32, "lon")."""
    if not isinstance(value, str):
        return None
    match = _HEMISPHERE.match(value)
    if match is None:
        return None
    number = float(match.group(1).replace(",", "."))
    suffix = match.group(2).upper()
    if suffix in ("LS", "LU"):
        return (-number if suffix == "LS" else number, "lat")
    return (-number if suffix == "BB" else number, "lon")


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)  # "26" (InaTEWS, legacy) or "2026"


def _local_time(value: object) -> tuple[int, int, int, timezone] | None:
    if not isinstance(value, str):
        return None
    match = _JAM.match(value)
    if match is None:
        return None
    hour, minute, second = (int(match.group(i)) for i in (1, 2, 3))
    zone = (match.group(4) or "WIB").upper()
    return hour, minute, second, timezone(timedelta(hours=_ZONES[zone]))


def local_datetime(tanggal: object, jam: object) -> datetime | None:
    """``"21 Okt 2026"`` + ``"03:47:12 WIB"`` → the UTC instant; None when unreadable.

    Only a fallback: ``DateTime`` (UTC) is the time of record (BMKG.md §2.3)."""
    clock = _local_time(jam)
    if not isinstance(tanggal, str) or clock is None:
        return None
    match = _TANGGAL.match(tanggal)
    if match is None:
        return None
    month = _MONTHS.get(match.group(2)[:3].lower())
    if month is None:
        return None
    return _build(_year(match.group(3)), month, int(match.group(1)), clock)


def numeric_local_datetime(date: object, jam: object) -> datetime | None:
    """InaTEWS ``"02-08-26"`` (DD-MM-YY, local) + ``"19:31:08 WIB"`` → UTC."""
    clock = _local_time(jam)
    if not isinstance(date, str) or clock is None:
        return None
    match = _NUMERIC_DATE.match(date)
    if match is None:
        return None
    return _build(_year(match.group(3)), int(match.group(2)), int(match.group(1)), clock)


def _build(
    year: int, month: int, day: int, clock: tuple[int, int, int, timezone]
) -> datetime | None:
    hour, minute, second, zone = clock
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError):  # 31 Feb; year 1 shifted before year 1
        return None


def utc_datetime(value: object) -> datetime | None:
    """``DateTime``: ISO 8601 with an offset; a naive value is refused (no zone, no instant)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
        return parsed.astimezone(UTC) if parsed.tzinfo is not None else None
    except (ValueError, OverflowError):
        return None


def classify_potential(text: object) -> TsunamiPotential:
    """BMKG.md §3, plus one rule of ours: an "ended" warning is no potential."""
    if not isinstance(text, str) or not text.strip():
        return TsunamiPotential.UNKNOWN
    words = " ".join(text.lower().split())
    if "tsunami" in words and ("tidak" in words or "berakhir" in words or "diakhiri" in words):
        return TsunamiPotential.NONE
    if "tsunami" in words:
        return TsunamiPotential.POTENTIAL
    if "dirasakan" in words:
        return TsunamiPotential.FELT_NO_STATEMENT
    return TsunamiPotential.UNKNOWN


@dataclass(frozen=True, slots=True)
class FeltReport:
    text: str
    peak_mmi: int | None


def felt_report(value: object) -> FeltReport | None:
    """``"III Pandeglang, II-III Kota Cilegon"`` → peak MMI 3; ``"-"`` or ``""`` → None."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if text in ("", "-"):
        return None
    peaks = [p for p in (_peak(part) for part in text.split(",")) if p is not None]
    return FeltReport(text=text, peak_mmi=max(peaks) if peaks else None)


def _peak(part: str) -> int | None:
    match = _MMI_TOKEN.match(part)
    if match is None:
        return None
    values = [_ROMAN.get(g.lower()) for g in match.groups() if g]
    known = [v for v in values if v is not None]
    return max(known) if known else None
