"""Kafka record keys and topics of messages, and the area key of a report.

Why ``area_key`` is the category (full reasoning: docs/adr/0005-report-partition-key.md)
--------------------------------------------------------------------------
Routing merges a report into an open incident of the *same category* within a
radius (150 m; 500 m for ``banjir``). Both must be handled by one routing
instance, i.e. land in one partition of ``reports.submitted``. Any key built
from the location (grid cells, kelurahan) cuts the city along borders, and two
reports a few metres apart on either side of a border would race in two
instances: with 0.05 degree cells up to about 3 % of 150 m pairs and 11 % of
500 m pairs straddle a border. The category alone never splits a possible
merge, needs no geometry at intake, and does not care if routing changes its
radii. The cost, a category's reports sharing one partition, is small at a
city's volume.
"""

import math

from tanggap.schemas.common import Message
from tanggap.schemas.topic_names import Topic

UNLOCATED_KEY = "unlocated"
"""Key of reports without a location: they cannot merge by distance."""


def area_key(category: str, lat: float | None, lon: float | None) -> str:
    """The ``reports.submitted`` key of a report, computed once by intake.

    The point is part of the signature so that a future key (one per
    jurisdiction, past one city) does not change callers; today only whether
    the report is located matters.
    """
    if lat is None and lon is None:
        return UNLOCATED_KEY
    if lat is None or lon is None:
        raise ValueError("give both lat and lon, or neither")
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"not a WGS84 point: lat={lat}, lon={lon}")
    if not category or category == UNLOCATED_KEY:
        raise ValueError(f"not a category code: {category!r}")
    return category


def key_for(message: Message) -> str:
    """The record key of a message (report id, incident id, area key, entity id)."""
    return message.partition_key()


def topic_for(message: Message) -> Topic:
    """The topic a message is produced to."""
    return message.topic
