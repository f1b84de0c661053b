"""ISO 8601 durations as the rules use them: ``PnD``, ``PTnH``, ``PnDTnHnMnS``.

Years and months are refused (their length depends on the start date, and
no SLA in the catalogue needs them); weeks (``PnW``) are accepted as 7 days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

_PATTERN = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


@dataclass(frozen=True, slots=True)
class IsoDuration:
    text: str
    days: int
    seconds: int

    @property
    def timedelta(self) -> timedelta:
        return timedelta(days=self.days, seconds=self.seconds)

    @property
    def whole_days(self) -> bool:
        """True for a pure day count (``P3D``), the only form a working-day clock takes."""
        return self.seconds == 0 and "T" not in self.text

    def __str__(self) -> str:
        return self.text


def parse_duration(text: str) -> IsoDuration:
    """Parse, or raise ``ValueError("invalid ISO 8601 duration 'P14X'")``."""
    match = _PATTERN.match(text) if isinstance(text, str) else None
    if match is None or text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"invalid ISO 8601 duration {text!r}")
    parts = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    days = parts["weeks"] * 7 + parts["days"]
    seconds = parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"]
    if days == 0 and seconds == 0:
        raise ValueError(f"zero ISO 8601 duration {text!r}")
    return IsoDuration(text=text, days=days, seconds=seconds)
