"""Points and metric distances around Kota Cilegon.

Distances are computed in a local equirectangular projection centred on the
city (WGS84 radii of curvature at the centre latitude). The projection is an
affine map of (lon, lat), so it keeps straight segments straight and
point-in-polygon answers unchanged. Its scale error grows with the latitude
offset from the centre: about 2e-4 at the city's northern and southern edges,
i.e. under 0.2 m on any distance up to 1 km (the scale of every routing
decision) and under 1 m up to 5 km.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

# Centre of the city's bounding box (SOURCE.md section 4: lon 105.9217-106.0882,
# lat -6.0806 to -5.8761).
CILEGON_LON0 = 106.005
CILEGON_LAT0 = -5.978

_WGS84_A = 6_378_137.0
_WGS84_E2 = 0.006_694_379_990_14


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS84 position, longitude first as in GeoJSON."""

    lon: float
    lat: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lon) and math.isfinite(self.lat)):
            raise ValueError(f"non-finite coordinate ({self.lon}, {self.lat})")
        if not (-180.0 <= self.lon <= 180.0 and -90.0 <= self.lat <= 90.0):
            raise ValueError(f"coordinate out of range ({self.lon}, {self.lat})")

    def to_shapely(self) -> Any:
        return shapely.Point(self.lon, self.lat)


@dataclass(frozen=True, slots=True)
class LocalProjection:
    """Equirectangular lon/lat -> metres (x east, y north) around a centre."""

    lon0: float = CILEGON_LON0
    lat0: float = CILEGON_LAT0

    @property
    def _scale(self) -> tuple[float, float]:
        phi = math.radians(self.lat0)
        w = 1.0 - _WGS84_E2 * math.sin(phi) ** 2
        n = _WGS84_A / math.sqrt(w)  # prime vertical radius
        m = _WGS84_A * (1.0 - _WGS84_E2) / w**1.5  # meridional radius
        return n * math.cos(phi) * math.pi / 180.0, m * math.pi / 180.0

    def xy(self, point: Point) -> tuple[float, float]:
        kx, ky = self._scale
        return (point.lon - self.lon0) * kx, (point.lat - self.lat0) * ky

    def lonlat(self, x: float, y: float) -> Point:
        kx, ky = self._scale
        return Point(self.lon0 + x / kx, self.lat0 + y / ky)

    def point_m(self, point: Point) -> Any:
        return shapely.Point(*self.xy(point))

    def geometry_m(self, geometry: Any) -> Any:
        """Project a shapely geometry in lon/lat to metres."""
        kx, ky = self._scale
        scale = np.array([kx, ky])
        origin = np.array([self.lon0, self.lat0])
        return shapely.transform(geometry, lambda coords: (coords - origin) * scale)

    def distance_m(self, a: Point, b: Point) -> float:
        ax, ay = self.xy(a)
        bx, by = self.xy(b)
        return math.hypot(ax - bx, ay - by)


CILEGON = LocalProjection()
