import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { bounds, contains, featureAt, labelPoint } from "../src/js/geo.js";

const kelurahan = JSON.parse(
  readFileSync(new URL("../../services/dashboard-api/data/kelurahan.geojson", import.meta.url)),
);

test("a point in Cibeber is found in Kelurahan Cibeber, one at sea in none", () => {
  const cibeber = kelurahan.features.find((f) => f.properties.kode === "36.72.01.1001");
  const [lat, lon] = labelPoint(cibeber.geometry);
  assert.equal(featureAt(kelurahan, lon, lat)?.properties.kode, "36.72.01.1001");
  assert.equal(featureAt(kelurahan, 105.85, -6.0), null); // Sunda Strait, west of the city
});

test("holes are outside their polygon", () => {
  const square = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]];
  const hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]];
  const geometry = { type: "Polygon", coordinates: [square, hole] };
  assert.equal(contains(geometry, 2, 2), true);
  assert.equal(contains(geometry, 5, 5), false);
  assert.equal(contains({ type: "MultiPolygon", coordinates: [[hole]] }, 5, 5), true);
});

test("the city's bounds hold every kelurahan", () => {
  const [[minLat, minLon], [maxLat, maxLon]] = bounds(kelurahan);
  assert.ok(minLat < -6.07 && maxLat > -5.88, "north-south extent of Kota Cilegon");
  assert.ok(minLon < 105.93 && maxLon > 106.08, "west-east extent of Kota Cilegon");
});
