"""The city's road layer: nearest road -> status and owning unit.

Built from ``roads.geojson`` (3,986 LineStrings with ``status`` and ``owner``).
The nearest road within the threshold (default 30 m) wins; equal distances --
a junction -- go to the higher road class (tol, nasional, provinsi, kota,
lingkungan), then to the earlier feature in the file. Note the layer's own
caveat: at junctions a lower-class road stops 15-30 m short of the higher one
(SOURCE.md section 8.4), so a point at a junction tends to match the higher
class, which is also the owner that must be told.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import shapely
from shapely.geometry import shape

from tanggap.routing.domain.geo import CILEGON, LocalProjection, Point

DEFAULT_ROAD_DISTANCE_M = 30.0
_TIE_M = 1e-6


class RoadStatus(StrEnum):
    TOL = "tol"
    NASIONAL = "nasional"
    PROVINSI = "provinsi"
    KOTA = "kota"
    LINGKUNGAN = "lingkungan"


_CLASS_ORDER = {status: i for i, status in enumerate(RoadStatus)}


@dataclass(frozen=True, slots=True)
class Road:
    status: RoadStatus
    owner: str
    name: str | None
    ref: str | None
    highway: str | None


@dataclass(frozen=True, slots=True)
class NearestRoad:
    road: Road
    distance_m: float
    feature_index: int

    @property
    def status(self) -> RoadStatus:
        return self.road.status

    @property
    def owner(self) -> str:
        return self.road.owner


class RoadNetwork:
    """Immutable STRtree over the road lines, in metres."""

    def __init__(
        self,
        roads: list[tuple[Road, Any]],
        *,
        default_max_distance_m: float = DEFAULT_ROAD_DISTANCE_M,
        projection: LocalProjection = CILEGON,
    ) -> None:
        if default_max_distance_m <= 0:
            raise ValueError("default_max_distance_m must be positive")
        self._roads = tuple(road for road, _ in roads)
        self._geoms_m = [projection.geometry_m(geom) for _, geom in roads]
        self._tree = shapely.STRtree(self._geoms_m)
        self._projection = projection
        self.default_max_distance_m = default_max_distance_m

    @classmethod
    def from_geojson(
        cls,
        feature_collection: Mapping[str, Any],
        *,
        default_max_distance_m: float = DEFAULT_ROAD_DISTANCE_M,
    ) -> RoadNetwork:
        roads = []
        for i, feature in enumerate(feature_collection["features"]):
            props = feature["properties"]
            try:
                status = RoadStatus(props["status"])
            except (KeyError, ValueError) as exc:
                raise ValueError(f"road feature {i}: bad status {props.get('status')!r}") from exc
            owner = props.get("owner")
            if not isinstance(owner, str) or not owner:
                raise ValueError(f"road feature {i}: missing owner")
            road = Road(
                status=status,
                owner=owner,
                name=props.get("name"),
                ref=props.get("ref"),
                highway=props.get("highway"),
            )
            roads.append((road, shape(feature["geometry"])))
        return cls(roads, default_max_distance_m=default_max_distance_m)

    def __len__(self) -> int:
        return len(self._roads)

    @property
    def owners(self) -> frozenset[str]:
        return frozenset(road.owner for road in self._roads)

    def road(self, feature_index: int) -> Road:
        return self._roads[feature_index]

    def nearest(self, point: Point, *, max_distance_m: float | None = None) -> NearestRoad | None:
        limit = self.default_max_distance_m if max_distance_m is None else max_distance_m
        indices, distances = self._tree.query_nearest(
            self._projection.point_m(point),
            max_distance=limit,
            return_distance=True,
            all_matches=True,
        )
        if not len(indices):
            return None
        best_d = float(distances.min())
        ties = [
            int(i)
            for i, d in zip(indices.tolist(), distances.tolist(), strict=True)
            if d - best_d <= _TIE_M
        ]
        index = min(ties, key=lambda i: (_CLASS_ORDER[self._roads[i].status], i))
        return NearestRoad(road=self._roads[index], distance_m=best_d, feature_index=index)
