// The command center's map: incidents as markers coloured by status and sized
// by priority (a red ring when overdue), clustered when dense, and a
// choropleth of the open backlog per kelurahan, over the city's boundaries.
import { cityMap } from "../citymap.js";
import { number } from "../format.js";
import { t } from "../i18n.js";
import { backlogScale, renderBacklogLegend } from "../scales.js";

const L = window.L;

function icon(incident) {
  const classes = ["inc", `st-${incident.status}`, `pr-${incident.priority}`];
  if (incident.overdue) classes.push("overdue");
  if (incident.escalation_level > 0) classes.push("escalated");
  return L.divIcon({ className: classes.join(" "), html: "<span></span>", iconSize: null });
}

function clusterIcon(cluster) {
  const children = cluster.getAllChildMarkers();
  const overdue = children.filter((m) => m.options.incident.overdue).length;
  const open = children.filter((m) => m.options.incident.status === "open").length;
  const size = children.length < 10 ? "s" : children.length < 50 ? "m" : "l";
  const tone = overdue ? "hot" : open ? "warm" : "calm";
  return L.divIcon({
    className: `cluster cluster-${size} cluster-${tone}`,
    html: `<span>${children.length}</span>`,
    iconSize: null,
  });
}

export async function createMap(element, { focus, tiles, onSelect }) {
  const base = await cityMap(element, { focus, tiles });
  const { map } = base;
  const clusters = L.markerClusterGroup({
    maxClusterRadius: 42,
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: true,
    disableClusteringAtZoom: 17,
    iconCreateFunction: clusterIcon,
    chunkedLoading: true,
  });
  const markers = new Map();
  let backlog = null;
  const legend = L.control({ position: "bottomleft" });
  legend.onAdd = () => L.DomUtil.create("div", "map-legend");
  legend.addTo(map);
  const layers = L.control.layers(null, {}, { collapsed: false, position: "topright" }).addTo(map);
  layers.addOverlay(clusters, t("map.layer.incidents"));
  clusters.addTo(map);

  function marker(incident) {
    const created = L.marker([incident.location.lat, incident.location.lon], {
      icon: icon(incident),
      incident,
      keyboard: false,
      riseOnHover: true,
      title: "",
    });
    created.on("click", () => onSelect(incident.id));
    return created;
  }

  function upsert(incident, { flash = false } = {}) {
    const existing = markers.get(incident.id);
    if (existing) {
      existing.options.incident = incident;
      existing.setIcon(icon(incident));
      existing.setLatLng([incident.location.lat, incident.location.lon]);
      clusters.refreshClusters(existing);
    } else {
      const created = marker(incident);
      markers.set(incident.id, created);
      clusters.addLayer(created);
    }
    if (flash) pulse(incident);
  }

  // A ring that spreads from a new or changed incident, seen even inside a cluster.
  function pulse(incident) {
    const ring = L.marker([incident.location.lat, incident.location.lon], {
      icon: L.divIcon({ className: `pulse st-${incident.status}`, html: "<span></span>", iconSize: null }),
      interactive: false,
      keyboard: false,
    }).addTo(map);
    setTimeout(() => ring.remove(), 2400);
  }

  function remove(id) {
    const existing = markers.get(id);
    if (existing) {
      clusters.removeLayer(existing);
      markers.delete(id);
    }
  }

  function replaceAll(incidents) {
    clusters.clearLayers();
    markers.clear();
    const created = incidents.map((incident) => {
      const m = marker(incident);
      markers.set(incident.id, m);
      return m;
    });
    clusters.addLayers(created);
  }

  function setBacklog(collection) {
    const wasOn = backlog ? map.hasLayer(backlog) : true;
    if (backlog) {
      layers.removeLayer(backlog);
      backlog.remove();
    }
    const values = collection.features.map((f) => f.properties.open_per_10k ?? f.properties.open);
    const scale = backlogScale(values);
    backlog = L.geoJSON(collection, {
      style: (feature) => ({
        color: "#ffffff",
        weight: 1,
        fillOpacity: 0.78,
        fillColor: scale.colour(feature.properties.open_per_10k ?? feature.properties.open),
      }),
      onEachFeature: (feature, layer) => {
        const p = feature.properties;
        layer.bindTooltip(
          `<strong>${p.name}</strong> · ${p.kecamatan_name}<br>${t("map.backlog.tip", {
            open: number(p.open),
            overdue: number(p.overdue),
            rate: p.open_per_10k === null ? "–" : number(p.open_per_10k),
          })}`,
          { sticky: true, className: "area-tip" },
        );
      },
    });
    layers.addOverlay(backlog, t("map.layer.backlog"));
    if (wasOn) backlog.addTo(map);
    // Under the markers and the kecamatan outlines, over the plain land.
    backlog.bringToBack();
    base.kelurahanLayer.bringToBack();
    renderBacklogLegend(legend.getContainer(), t("map.backlog.legend"), scale.breaks);
  }

  function focusOn(incident) {
    map.setView([incident.location.lat, incident.location.lon], Math.max(map.getZoom(), 16), { animate: true });
  }

  // A map made inside a hidden tab (a phone starts on the list) has no size
  // yet: frame the city or the kelurahan the first time it is shown.
  let framed = element.clientWidth > 0;
  function invalidate() {
    map.invalidateSize();
    if (!framed && element.clientWidth > 0) {
      base.fit();
      framed = true;
    }
  }

  return { map, upsert, remove, replaceAll, setBacklog, focusOn, invalidate };
}
