// The map of Kota Cilegon drawn from its real kelurahan and kecamatan
// boundaries, with no tile server: the city renders offline, on the sea's
// colour. A tile layer is added only when the deployment configures one.
import { bounds, labelPoint } from "./geo.js";

const L = window.L;
const cache = new Map();

export function loadAreas(base = "/static/data") {
  if (!cache.has(base)) {
    const get = (name) =>
      fetch(`${base}/${name}.geojson`).then((r) => {
        if (!r.ok) throw new Error(`${name}.geojson: HTTP ${r.status}`);
        return r.json();
      });
    cache.set(base, Promise.all([get("kelurahan"), get("kecamatan")]).then(([kelurahan, kecamatan]) => ({ kelurahan, kecamatan })));
  }
  return cache.get(base);
}

const LAND = { color: "#a99f8c", weight: 0.8, fillColor: "#ece7dc", fillOpacity: 1 };
const KECAMATAN_LINE = { color: "#55606e", weight: 2, fill: false, interactive: false };
const ATTRIBUTION =
  'Batas wilayah: Kepmendagri 300.2.2-2430/2025 via <a href="https://github.com/cahyadsn/wilayah_boundaries">cahyadsn/wilayah_boundaries</a> (MIT)';

// Returns { map, kelurahanLayer, fit(kode?) }. `focus` is a kelurahan kode
// (a lurah's view): the map frames it and greys the rest.
export async function cityMap(element, { focus = null, tiles = null, labels = true } = {}) {
  const areas = await loadAreas();
  const cityBounds = L.latLngBounds(bounds(areas.kelurahan));
  const map = L.map(element, {
    zoomSnap: 0.25,
    zoomControl: true,
    attributionControl: true,
    maxBounds: cityBounds.pad(0.6),
    minZoom: 10,
    maxZoom: 18,
    preferCanvas: false,
  });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(ATTRIBUTION);
  if (tiles?.url) {
    L.tileLayer(tiles.url, { attribution: tiles.attribution || "", maxZoom: 19 }).addTo(map);
  }
  const style = (feature) =>
    focus && feature.properties.kode !== focus
      ? { ...LAND, fillColor: "#d9d6cf", fillOpacity: tiles?.url ? 0.2 : 1 }
      : { ...LAND, fillOpacity: tiles?.url ? 0.15 : 1 };
  const kelurahanLayer = L.geoJSON(areas.kelurahan, {
    style,
    onEachFeature: (feature, layer) => {
      layer.bindTooltip(`${feature.properties.kelurahan} · ${feature.properties.kecamatan}`, {
        sticky: true,
        direction: "top",
        className: "area-tip",
      });
    },
  }).addTo(map);
  L.geoJSON(areas.kecamatan, { style: () => KECAMATAN_LINE }).addTo(map);
  if (labels) {
    const labelLayer = L.layerGroup();
    for (const feature of areas.kecamatan.features) {
      const at = labelPoint(feature.geometry);
      if (!at) continue;
      L.marker(at, {
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: "area-label", html: feature.properties.kecamatan.toUpperCase(), iconSize: null }),
      }).addTo(labelLayer);
    }
    // Kecamatan names help city-wide; they crowd a small map and clutter a close-up.
    const toggle = () => {
      const zoom = map.getZoom();
      if (zoom >= 11.5 && zoom < 14) labelLayer.addTo(map);
      else labelLayer.remove();
    };
    map.on("zoomend", toggle);
    map.whenReady(toggle);
  }
  const fit = (kode = focus) => {
    const target = kode && areas.kelurahan.features.find((f) => f.properties.kode === kode);
    const frame = target ? L.geoJSON(target).getBounds() : cityBounds;
    map.fitBounds(frame, { padding: [12, 12], animate: false });
  };
  fit();
  return { map, areas, kelurahanLayer, fit };
}
