// The public transparency page: city-wide figures per kecamatan and per
// category from GET /v1/public/stats (no login, no personal data).
import { request } from "../api.js";
import { cityMap } from "../citymap.js";
import { dateTime, number, percent } from "../format.js";
import { applyTranslations, bindLangToggle, categoryName, onLangChange, t } from "../i18n.js";
import { onTimeColour, renderLegend } from "../scales.js";
import { table } from "../table.js";

const $ = (id) => document.getElementById(id);
const L = window.L;

let stats = null;
let catalogue = new Map();
let mapped = null;

function hours(value) {
  return value === null || value === undefined ? "–" : `${number(value)} ${t("unit.h")}`;
}

function columns(nameOf) {
  return [
    { label: t("public.col.name"), value: (r) => nameOf(r), head: true },
    { label: t("public.col.opened"), value: (r) => number(r.opened), numeric: true },
    { label: t("public.col.resolved"), value: (r) => number(r.resolved), numeric: true },
    { label: t("public.col.open"), value: (r) => number(r.open), numeric: true },
    { label: t("public.col.overdue"), value: (r) => number(r.overdue), numeric: true },
    { label: t("tile.ontime"), value: (r) => percent(r.on_time_pct), numeric: true },
    { label: t("public.col.median"), value: (r) => hours(r.median_resolve_hours), numeric: true },
  ];
}

function render() {
  const totals = stats.totals;
  $("t-total").textContent = number(totals.total);
  $("t-resolved").textContent = number(totals.resolved);
  $("t-ontime").textContent = percent(totals.on_time_pct);
  $("t-median").textContent =
    totals.median_resolve_s === null ? "–" : hours(Math.round((totals.median_resolve_s / 3600) * 10) / 10);
  $("period").textContent = t("public.period", {
    from: dateTime(stats.period_from),
    to: dateTime(stats.period_to),
  });
  table($("kecamatan-table"), columns((r) => r.name), everyKecamatan(), t("public.kecamatan"));
  const categories = [...stats.category].sort((a, b) => b.opened - a.opened);
  table(
    $("category-table"),
    columns((r) => categoryName(catalogue, r.key)),
    categories,
    t("public.category"),
    t("public.nodata"),
  );
  paintMap();
}

// All eight kecamatan, those without an incident in the period too: a blank
// row says "nothing reported", a missing row would say nothing.
function everyKecamatan() {
  const byKode = new Map(stats.kecamatan.map((r) => [r.key, r]));
  return mapped.areas.kecamatan.features.map((feature) => {
    const { kode, kecamatan } = feature.properties;
    const row = byKode.get(kode);
    return row ?? { key: kode, name: kecamatan, opened: 0, resolved: 0, open: 0, overdue: 0, on_time_pct: null, median_resolve_hours: null };
  });
}

function paintMap() {
  if (!mapped || !stats) return;
  const byKode = new Map(stats.kecamatan.map((r) => [r.key, r]));
  mapped.layer?.remove();
  mapped.layer = L.geoJSON(mapped.areas.kecamatan, {
    style: (feature) => {
      const row = byKode.get(feature.properties.kode);
      return {
        color: "#ffffff",
        weight: 2,
        fillOpacity: 0.85,
        fillColor: onTimeColour(row?.on_time_pct ?? null),
      };
    },
    onEachFeature: (feature, layer) => {
      const row = byKode.get(feature.properties.kode);
      const figure = row ? `${percent(row.on_time_pct)} ${t("tile.ontime").toLowerCase()} · ${number(row.open)} ${t("public.col.open").toLowerCase()}` : t("public.nodata");
      layer.bindTooltip(`${feature.properties.kecamatan}: ${figure}`, { sticky: true, className: "area-tip" });
    },
  }).addTo(mapped.map);
  renderLegend($("legend"), t("tile.ontime"));
}

async function main() {
  applyTranslations();
  bindLangToggle($("lang"));
  onLangChange(() => stats && render());
  try {
    const [figures, names, map] = await Promise.all([
      request("/v1/public/stats"),
      request("/static/data/categories.json"),
      cityMap($("public-map"), { labels: true }),
    ]);
    catalogue = new Map(Object.entries(names));
    mapped = map;
    stats = figures;
    render();
  } catch (error) {
    $("error").hidden = false;
    $("error").textContent = error.message || t("error.generic");
  }
}

main();
