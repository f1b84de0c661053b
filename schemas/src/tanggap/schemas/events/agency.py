"""Events of the agency adapters: delivery of incidents into agencies' systems,
feed health, and the agencies' own data normalized (Dishub traffic, ASDP Merak
port, BMKG earthquakes). None carries personal data."""

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints

from tanggap.schemas.common import (
    CE_TYPE_PREFIX,
    Event,
    GeoPoint,
    IncidentId,
    Latitude,
    Longitude,
    ShortText,
    Slug,
    Timestamp,
    UnitId,
    Value,
)
from tanggap.schemas.topic_names import Topic

_AGENCY = CE_TYPE_PREFIX + "agency."


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    DEAD_LETTERED = "dead_lettered"


class DeliveryUpdated(Event):
    """Where the delivery of one incident to one agency's system stands."""

    ce_type: ClassVar[str] = _AGENCY + "delivery_updated"
    topic: ClassVar[Topic] = Topic.AGENCY_DELIVERIES

    incident_id: IncidentId
    agency_unit_id: UnitId
    state: DeliveryState
    attempt: int = Field(ge=0, description="Delivery attempts so far")
    agency_reference: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    reason: ShortText | None = Field(default=None, description="Why it failed, for operators")
    at: Timestamp

    def partition_key(self) -> str:
        return self.incident_id


class FeedState(StrEnum):
    FRESH = "fresh"
    STALE = "stale"


class FeedStatusChanged(Event):
    """An agency feed went stale (no successful poll within its interval) or recovered."""

    ce_type: ClassVar[str] = _AGENCY + "feed_status_changed"
    topic: ClassVar[Topic] = Topic.AGENCY_FEED_STATUS

    feed: Slug = Field(description="e.g. bmkg.autogempa, dishub.traffic, asdp.port_status")
    state: FeedState
    last_success_at: Timestamp | None = None
    expected_interval_s: int = Field(gt=0)
    at: Timestamp

    def partition_key(self) -> str:
        return self.feed


class TrafficLevel(StrEnum):
    """Dishub's own words for traffic, from free to jammed."""

    LANCAR = "lancar"
    RAMAI_LANCAR = "ramai_lancar"
    PADAT = "padat"
    MACET = "macet"


class TrafficPlaceKind(StrEnum):
    SEGMENT = "segment"
    INTERSECTION = "intersection"


class TrafficConditionObserved(Event):
    ce_type: ClassVar[str] = _AGENCY + "dishub.traffic_observed"
    topic: ClassVar[Topic] = Topic.AGENCY_DISHUB_TRAFFIC

    segment_id: Slug
    name: ShortText
    kind: TrafficPlaceKind
    level: TrafficLevel
    speed_kmh: float | None = Field(default=None, ge=0)
    location: GeoPoint
    observed_at: Timestamp

    def partition_key(self) -> str:
        return self.segment_id


class VehicleQueue(Value):
    """Vehicles waiting for one class of ferry ticket. ASDP's classes are
    ``golongan I`` .. ``golongan IX`` plus ``pejalan_kaki``; kept as text because
    the tariff classes change by ministerial decree."""

    vehicle_class: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    vehicles_waiting: int = Field(ge=0)
    est_wait_minutes: int | None = Field(default=None, ge=0)


class PortStatusObserved(Event):
    ce_type: ClassVar[str] = _AGENCY + "asdp.port_status_observed"
    topic: ClassVar[Topic] = Topic.AGENCY_ASDP_PORT_STATUS

    port: Slug = Field(description="e.g. merak")
    observed_at: Timestamp
    ferries_operating: int = Field(ge=0)
    departures_last_hour: int = Field(ge=0)
    queues: list[VehicleQueue]

    def partition_key(self) -> str:
        return self.port


class TsunamiPotential(StrEnum):
    """BMKG's free-text tsunami statement, classified (see design/BMKG.md §3)."""

    NONE = "none"
    POTENTIAL = "potential"
    FELT_NO_STATEMENT = "felt_no_statement"
    UNKNOWN = "unknown"


class SolutionStatus(StrEnum):
    AUTOMATIC = "automatic"
    CONFIRMED = "confirmed"


class BmkgFeed(StrEnum):
    AUTOGEMPA = "autogempa"
    GEMPATERKINI = "gempaterkini"
    GEMPADIRASAKAN = "gempadirasakan"
    INATEWS = "inatews"


class TsunamiWarningLevel(StrEnum):
    """InaTEWS threat levels: WASPADA < 0.5 m, SIAGA 0.5-3 m, AWAS > 3 m."""

    AWAS = "AWAS"
    SIAGA = "SIAGA"
    WASPADA = "WASPADA"


class TsunamiWarning(Value):
    """An InaTEWS tsunami warning: the highest level in the message and the
    warning-zone districts as BMKG names them (e.g. ``KOTA-CILEGON``)."""

    level: TsunamiWarningLevel
    districts: list[Annotated[str, StringConstraints(min_length=1, max_length=120)]]
    provinces: list[Annotated[str, StringConstraints(min_length=1, max_length=60)]] = Field(
        default_factory=list,
        description="Provinces of the warning zones as BMKG writes them (e.g. BANTEN)",
    )


class EarthquakeObserved(Event):
    """One BMKG earthquake, normalized. ``exercise`` (InaTEWS status ``TES``) must
    never trigger a real alert."""

    ce_type: ClassVar[str] = _AGENCY + "bmkg.earthquake_observed"
    topic: ClassVar[Topic] = Topic.AGENCY_BMKG_EARTHQUAKES

    event_key: Slug = Field(description="Stable across feeds and revisions of one quake")
    origin_time: Timestamp
    lat: Latitude
    lon: Longitude
    magnitude: float = Field(ge=0, le=10)
    depth_km: float = Field(ge=0, le=800)
    region: ShortText = Field(description="BMKG's Wilayah text: display only, never a key")
    tsunami_potential: TsunamiPotential
    felt: ShortText | None = None
    distance_km: float = Field(ge=0, description="From Cilegon (6.00 S, 106.05 E)")
    status: SolutionStatus | None = None
    exercise: bool = False
    source_feed: BmkgFeed
    tsunami_warning: TsunamiWarning | None = None

    def partition_key(self) -> str:
        return self.event_key
