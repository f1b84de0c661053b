// Plain geometry on the city's GeoJSON (lon/lat), no map library: which
// kelurahan a point is in, and the centre of an area for its label.

function inRing(lon, lat, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(lon, lat, rings) {
  // The first ring is the outline, the others are holes.
  return inRing(lon, lat, rings[0]) && !rings.slice(1).some((hole) => inRing(lon, lat, hole));
}

export function contains(geometry, lon, lat) {
  if (geometry.type === "Polygon") return inPolygon(lon, lat, geometry.coordinates);
  if (geometry.type === "MultiPolygon") {
    return geometry.coordinates.some((rings) => inPolygon(lon, lat, rings));
  }
  return false;
}

export function featureAt(collection, lon, lat) {
  return collection.features.find((f) => contains(f.geometry, lon, lat)) ?? null;
}

function outlines(geometry) {
  return geometry.type === "Polygon"
    ? [geometry.coordinates[0]]
    : geometry.coordinates.map((rings) => rings[0]);
}

// The area-weighted centroid of the largest part: a label point that lies
// inside ordinary (not strongly concave) kelurahan shapes.
export function labelPoint(geometry) {
  let best = null;
  for (const ring of outlines(geometry)) {
    let area = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      area += cross;
      cx += (ring[j][0] + ring[i][0]) * cross;
      cy += (ring[j][1] + ring[i][1]) * cross;
    }
    if (area !== 0 && (!best || Math.abs(area) > Math.abs(best.area))) {
      best = { area, lon: cx / (3 * area), lat: cy / (3 * area) };
    }
  }
  return best ? [best.lat, best.lon] : null;
}

export function bounds(collection) {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const feature of collection.features) {
    for (const ring of outlines(feature.geometry)) {
      for (const [lon, lat] of ring) {
        minLon = Math.min(minLon, lon);
        maxLon = Math.max(maxLon, lon);
        minLat = Math.min(minLat, lat);
        maxLat = Math.max(maxLat, lat);
      }
    }
  }
  return [
    [minLat, minLon],
    [maxLat, maxLon],
  ];
}
