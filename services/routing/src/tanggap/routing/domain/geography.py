"""Point -> kelurahan and kecamatan of Kota Cilegon.

Rules, all deterministic:

- Containment is tested in the data's own lon/lat coordinates against the
  kelurahan polygons (boundary included). A point covered by more than one
  kelurahan -- only possible exactly on a shared border or vertex, since the
  coverage is clean -- goes to the one with the **lowest kode**, the same rule
  the data's builders used for overlap slivers (SOURCE.md section 2).
- The kecamatan is the kelurahan's own ``kecamatan_kode``, never a second
  point-in-polygon test, so the two answers can never disagree on a border.
- A point outside every polygon but within ``coastal_margin_m`` (default
  150 m) of one is snapped to the nearest kelurahan (ties: lowest kode) and the
  result says so. Farther away: :class:`OutsideJurisdiction` with the nearest
  kelurahan and its distance. The margin applies on the land border with
  Kabupaten Serang as well: there is no coastline layer to tell sea from land.
- Every located point carries its distance to the nearest border shared with
  another kelurahan and that neighbour, because borders are only accurate to
  about 50-100 m (SOURCE.md section 5.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import shape

from tanggap.routing.domain.geo import CILEGON, LocalProjection, Point

DEFAULT_COASTAL_MARGIN_M = 150.0


@dataclass(frozen=True, slots=True)
class Kecamatan:
    kode: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return f"Kecamatan {self.name}"


@dataclass(frozen=True, slots=True)
class Kelurahan:
    kode: str
    name: str
    kecamatan_kode: str
    aliases: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return f"Kelurahan {self.name}"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a point lies. ``snap_distance_m`` is 0 for a point inside a polygon."""

    kelurahan: Kelurahan
    kecamatan: Kecamatan
    border_distance_m: float | None
    border_neighbour: Kelurahan | None
    snapped: bool = False
    snap_distance_m: float = 0.0


@dataclass(frozen=True, slots=True)
class OutsideJurisdiction:
    nearest: Kelurahan
    distance_m: float


@dataclass(frozen=True, slots=True)
class _Border:
    neighbour_index: int
    line_m: Any


class Geography:
    """Immutable spatial index of the 43 kelurahan and 8 kecamatan."""

    def __init__(
        self,
        kelurahan: Sequence[tuple[Kelurahan, Any]],
        kecamatan: Iterable[Kecamatan],
        *,
        projection: LocalProjection = CILEGON,
    ) -> None:
        ordered = sorted(kelurahan, key=lambda item: item[0].kode)
        self._kelurahan: tuple[Kelurahan, ...] = tuple(k for k, _ in ordered)
        self._by_kode = {k.kode: i for i, k in enumerate(self._kelurahan)}
        if len(self._by_kode) != len(self._kelurahan):
            raise ValueError("duplicate kelurahan kode")
        self._kecamatan = {k.kode: k for k in kecamatan}
        for kel in self._kelurahan:
            if kel.kecamatan_kode not in self._kecamatan:
                raise ValueError(f"kelurahan {kel.kode}: unknown kecamatan {kel.kecamatan_kode}")
        self._projection = projection
        self._geoms_ll = [geom for _, geom in ordered]
        for geom in self._geoms_ll:
            shapely.prepare(geom)
        self._tree_ll = shapely.STRtree(self._geoms_ll)
        self._geoms_m = [projection.geometry_m(g) for g in self._geoms_ll]
        for geom in self._geoms_m:
            shapely.prepare(geom)
        self._tree_m = shapely.STRtree(self._geoms_m)
        self._borders = self._shared_borders()

    @classmethod
    def from_geojson(
        cls, kelurahan_fc: Mapping[str, Any], kecamatan_fc: Mapping[str, Any]
    ) -> Geography:
        """Build from the parsed ``kelurahan.geojson`` and ``kecamatan.geojson``."""
        kelurahan = []
        for feature in kelurahan_fc["features"]:
            props = feature["properties"]
            kel = Kelurahan(
                kode=str(props["kode"]),
                name=str(props["kelurahan"]),
                kecamatan_kode=str(props["kecamatan_kode"]),
                aliases=tuple(props.get("alias") or ()),
            )
            kelurahan.append((kel, shape(feature["geometry"])))
        kecamatan = [
            Kecamatan(
                kode=str(f["properties"]["kode"]),
                name=str(f["properties"]["kecamatan"]),
                aliases=tuple(f["properties"].get("alias") or ()),
            )
            for f in kecamatan_fc["features"]
        ]
        return cls(kelurahan, kecamatan)

    # -- lookups -------------------------------------------------------------

    @property
    def kelurahan_list(self) -> tuple[Kelurahan, ...]:
        return self._kelurahan

    @property
    def kecamatan_list(self) -> tuple[Kecamatan, ...]:
        return tuple(sorted(self._kecamatan.values(), key=lambda k: k.kode))

    def kelurahan(self, kode: str) -> Kelurahan:
        return self._kelurahan[self._by_kode[kode]]

    def kecamatan(self, kode: str) -> Kecamatan:
        return self._kecamatan[kode]

    @property
    def projection(self) -> LocalProjection:
        return self._projection

    # -- locating ------------------------------------------------------------

    def locate(
        self, point: Point, *, coastal_margin_m: float = DEFAULT_COASTAL_MARGIN_M
    ) -> Location | OutsideJurisdiction:
        hits = self._tree_ll.query(point.to_shapely(), predicate="intersects")
        if len(hits):
            return self._location(int(min(hits)), point)
        index, distance = self._nearest(point)
        if distance <= coastal_margin_m:
            return self._location(index, point, snapped=True, snap_distance_m=distance)
        return OutsideJurisdiction(nearest=self._kelurahan[index], distance_m=distance)

    def assign(self, point: Point, kode: str) -> Location:
        """Locate ``point`` in a given kelurahan (a port area rule puts piers there)."""
        index = self._by_kode[kode]
        distance = float(self._geoms_m[index].distance(self._projection.point_m(point)))
        return self._location(index, point, snapped=distance > 0, snap_distance_m=distance)

    def distance_to_m(self, point: Point, kode: str) -> float:
        index = self._by_kode[kode]
        return float(self._geoms_m[index].distance(self._projection.point_m(point)))

    def _nearest(self, point: Point) -> tuple[int, float]:
        indices, distances = self._tree_m.query_nearest(
            self._projection.point_m(point), return_distance=True, all_matches=True
        )
        best = min(zip(distances.tolist(), indices.tolist(), strict=True))
        return int(best[1]), float(best[0])

    def _location(
        self, index: int, point: Point, *, snapped: bool = False, snap_distance_m: float = 0.0
    ) -> Location:
        kel = self._kelurahan[index]
        point_m = self._projection.point_m(point)
        border_distance: float | None = None
        neighbour: Kelurahan | None = None
        for border in self._borders[index]:
            d = float(border.line_m.distance(point_m))
            if border_distance is None or d < border_distance:
                border_distance, neighbour = d, self._kelurahan[border.neighbour_index]
        return Location(
            kelurahan=kel,
            kecamatan=self._kecamatan[kel.kecamatan_kode],
            border_distance_m=border_distance,
            border_neighbour=neighbour,
            snapped=snapped,
            snap_distance_m=snap_distance_m,
        )

    def _shared_borders(self) -> tuple[tuple[_Border, ...], ...]:
        borders: list[list[_Border]] = [[] for _ in self._kelurahan]
        for i, geom in enumerate(self._geoms_m):
            for j in sorted(int(j) for j in self._tree_m.query(geom, predicate="intersects")):
                if j <= i:
                    continue
                line = shapely.intersection(geom.boundary, self._geoms_m[j].boundary)
                line = shapely.line_merge(_linear_parts(line)) if not line.is_empty else line
                if line.is_empty or line.length == 0:
                    continue
                borders[i].append(_Border(j, line))
                borders[j].append(_Border(i, line))
        return tuple(tuple(sorted(b, key=lambda x: x.neighbour_index)) for b in borders)


def _linear_parts(geometry: Any) -> Any:
    """Keep the line parts of a boundary intersection (drop touching points)."""
    lines: list[Any] = []
    for part in shapely.get_parts(geometry):
        if part.geom_type == "LineString":
            lines.append(part)
        elif part.geom_type in ("MultiLineString", "GeometryCollection"):
            lines.extend(p for p in shapely.get_parts(part) if p.geom_type == "LineString")
    return shapely.multilinestrings(lines) if lines else shapely.MultiLineString()
