"""Listing incidents: the filters, the orders, and the opaque keyset cursor."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tanggap.dashboard.domain.errors import InvalidCursor, InvalidQuery
from tanggap.schemas.common import IncidentStatus, Priority

PRIORITY_RANK: dict[Priority, int] = {
    Priority.LOW: 1,
    Priority.NORMAL: 2,
    Priority.HIGH: 3,
    Priority.URGENT: 4,
}

NO_DEADLINE = datetime.fromisoformat("9999-12-31T00:00:00+00:00")
"""Where incidents without a next deadline sort when ordered by deadline."""


class SortKey(StrEnum):
    OPENED_AT = "opened_at"
    UPDATED_AT = "updated_at"
    PRIORITY = "priority"
    NEXT_DEADLINE = "next_deadline"


class SortOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True, slots=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @classmethod
    def parse(cls, text: str) -> BBox:
        """``min_lon,min_lat,max_lon,max_lat`` in WGS84 degrees."""
        parts = text.split(",")
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise InvalidQuery(
                "bbox must be four numbers: min_lon,min_lat,max_lon,max_lat"
            ) from None
        if len(values) != 4 or any(v != v or v in (float("inf"), float("-inf")) for v in values):
            raise InvalidQuery("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat")
        box = cls(*values)
        if not (
            -180 <= box.min_lon <= box.max_lon <= 180 and -90 <= box.min_lat <= box.max_lat <= 90
        ):
            raise InvalidQuery("bbox corners must be ordered (min before max) and within WGS84")
        return box


@dataclass(frozen=True, slots=True)
class IncidentFilters:
    statuses: tuple[IncidentStatus, ...] = ()
    categories: tuple[str, ...] = ()
    priorities: tuple[Priority, ...] = ()
    unit_id: str | None = None
    kelurahan_kode: str | None = None
    kecamatan_kode: str | None = None
    overdue: bool | None = None
    bbox: BBox | None = None
    opened_from: datetime | None = None
    opened_to: datetime | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if self.opened_from and self.opened_to and self.opened_from > self.opened_to:
            raise InvalidQuery("opened_from is after opened_to")


CursorValue = int | str


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the previous page ended: the sort values of its last row."""

    sort: SortKey
    order: SortOrder
    values: tuple[CursorValue, ...]
    incident_id: str

    def encode(self) -> str:
        payload = [self.sort.value, self.order.value, list(self.values), self.incident_id]
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, sort: SortKey, order: SortOrder) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            sort_text, order_text, values, incident_id = json.loads(raw)
            cursor = cls(SortKey(sort_text), SortOrder(order_text), tuple(values), incident_id)
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
            raise InvalidCursor("the cursor is not one this API gave out") from None
        if (cursor.sort, cursor.order) != (sort, order):
            raise InvalidCursor("the cursor belongs to another sort order; start again")
        if not isinstance(incident_id, str) or len(values) != len(sort_columns(sort)):
            raise InvalidCursor("the cursor is not one this API gave out")
        if not all(isinstance(v, int | str) and not isinstance(v, bool) for v in values):
            raise InvalidCursor("the cursor is not one this API gave out")
        return cursor


def sort_columns(sort: SortKey) -> tuple[str, ...]:
    """The columns a sort orders by, before the incident id that breaks ties."""
    if sort is SortKey.PRIORITY:
        return ("priority_rank", "opened_at")
    return (sort.value,)


_WORD = re.compile(r"\w+", re.UNICODE)
MAX_SEARCH_WORDS = 8


def search_terms(text: str) -> list[str]:
    """The words of a free-text search, lower-cased; each matches as a prefix.
    Only word characters survive, so nothing reaches the query syntax."""
    words = [w.lower() for w in _WORD.findall(text)][:MAX_SEARCH_WORDS]
    if not words:
        raise InvalidQuery("the search text has no words")
    return words
