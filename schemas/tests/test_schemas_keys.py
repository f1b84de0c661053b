"""Record keys: the area key of reports.submitted and key_for/topic_for of every message."""

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanggap.schemas.commands import OpenIncident
from tanggap.schemas.common import Command
from tanggap.schemas.events import (
    DeadLetterReplayed,
    DeliveryStateRecorded,
    EarthquakeIncidentRecorded,
    IncidentEvent,
    ReportRejected,
    ReportRouted,
    ReportSubmitted,
)
from tanggap.schemas.keys import UNLOCATED_KEY, area_key, key_for, topic_for
from tanggap.schemas.registry import EVENT_TYPES
from tanggap.schemas.topic_names import Topic

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*/*.json"))
# Around Kota Cilegon, with a margin: reports from just outside are keyed too.
_lat = st.floats(min_value=-6.2, max_value=-5.7, allow_nan=False)
_lon = st.floats(min_value=105.8, max_value=106.2, allow_nan=False)
_category = st.sampled_from(["jalan-rusak", "banjir", "sampah", "drainase", "kebakaran"])


@given(
    category=_category, lat1=_lat, lon1=_lon, bearing=st.floats(0, 360), metres=st.floats(0, 500)
)
def test_reports_that_may_merge_share_a_key(
    category: str, lat1: float, lon1: float, bearing: float, metres: float
) -> None:
    # Any second point within the largest merge radius (500 m, banjir).
    lat2 = lat1 + metres * math.cos(math.radians(bearing)) / 110_574
    lon2 = lon1 + metres * math.sin(math.radians(bearing)) / (
        111_320 * math.cos(math.radians(lat1))
    )
    assert area_key(category, lat1, lon1) == area_key(category, lat2, lon2)


def test_different_categories_and_unlocated_reports_get_their_own_keys() -> None:
    assert area_key("banjir", -6.01, 106.02) == "banjir"
    assert area_key("sampah", -6.01, 106.02) == "sampah"
    assert area_key("banjir", None, None) == UNLOCATED_KEY == "unlocated"


@pytest.mark.parametrize(
    ("category", "lat", "lon"),
    [
        ("banjir", -6.0, None),
        ("banjir", -95.0, 106.0),
        ("banjir", math.nan, 106.0),
        ("", -6.0, 106.0),
    ],
)
def test_area_key_refuses_bad_input(category: str, lat: float, lon: float | None) -> None:
    with pytest.raises(ValueError, match=r"lat|WGS84|category"):
        area_key(category, lat, lon)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_keys_and_topics_of_examples(path: Path) -> None:
    message = EVENT_TYPES[path.parent.name].model_validate_json(path.read_bytes())
    data = json.loads(path.read_bytes())
    key = key_for(message)
    match message:
        case ReportSubmitted():
            location = data["location"] or {}
            assert key == data["area_key"]
            assert key == area_key(data["category"], location.get("lat"), location.get("lon"))
            assert topic_for(message) is Topic.REPORTS_SUBMITTED
        case ReportRouted() | ReportRejected():
            assert key == data["report_id"]
            assert topic_for(message) is Topic.REPORTS_ROUTED
        case IncidentEvent():
            assert key == data["incident_id"]
            assert topic_for(message) is Topic.INCIDENTS
        case Command():
            assert key == data["incident_id"]
            assert topic_for(message) is Topic.INCIDENT_COMMANDS
        case DeliveryStateRecorded():
            assert key == f"delivery:{data['adapter']}:{data['incident_id']}"
            assert topic_for(message) is Topic.AGENCY_ADAPTER_STATE
        case EarthquakeIncidentRecorded():
            assert key == f"earthquake:{data['event_key']}"
            assert topic_for(message) is Topic.AGENCY_ADAPTER_STATE
        case DeadLetterReplayed():
            assert key == f"deadletter:{data['partition']}:{data['offset']}"
            assert topic_for(message) is Topic.AGENCY_ADAPTER_STATE
        case _:
            assert key in data.values()
    assert isinstance(OpenIncident.topic, Topic)
