// The figures beside the map: the four tiles (open, overdue, on-time
// percentage, median time to acknowledge), the league table of units by
// on-time percentage and the daily trend of opened and resolved incidents.
import { dayLabel, duration, number, percent } from "../format.js";
import { t } from "../i18n.js";
import { onTimeColour } from "../scales.js";
import { table } from "../table.js";
import { api } from "./auth.js";

const $ = (id) => document.getElementById(id);
const uPlot = window.uPlot;
const TREND_DAYS = 14;

export async function loadFigures() {
  const [overview, units, trend, backlog] = await Promise.all([
    api("/v1/stats/overview"),
    api("/v1/stats/units"),
    api(`/v1/stats/trend?days=${TREND_DAYS}`),
    api("/v1/stats/kelurahan.geojson"),
  ]);
  return { overview, units, trend, backlog };
}

export function renderTiles(overview) {
  const totals = overview.totals;
  $("t-open").textContent = number(totals.open);
  $("t-overdue").textContent = number(totals.overdue);
  $("t-ontime").textContent = percent(totals.on_time_pct);
  $("t-ack").textContent = duration(totals.median_acknowledge_s);
  $("t-overdue").closest(".tile").classList.toggle("alarm", totals.overdue > 0);
  $("t-ontime-sub").textContent = t("tile.ontime.sub", {
    on: number(totals.on_time),
    late: number(totals.late),
  });
  $("t-open-sub").textContent = t("tile.open.sub", { total: number(totals.total) });
}

function bar(pct) {
  const wrap = document.createElement("span");
  wrap.className = "bar";
  const fill = document.createElement("span");
  fill.className = "bar-fill";
  fill.style.width = `${pct ?? 0}%`;
  fill.style.background = onTimeColour(pct);
  const text = document.createElement("span");
  text.className = "bar-text";
  text.textContent = percent(pct);
  wrap.append(fill, text);
  return wrap;
}

// "Kecamatan Cibeber" -> "Kec. Cibeber", the usual abbreviations; a note in
// brackets after an office's name is dropped (the cell's title keeps it all).
function shortUnit(name) {
  return name
    .replace(/^Kecamatan /, "Kec. ")
    .replace(/^Kelurahan /, "Kel. ")
    .replace(/\s*\(.*\)$/, "");
}

export function renderLeague(units) {
  const rows = units.units.filter((u) => u.on_time + u.late + u.open > 0).slice(0, 12);
  table(
    $("league"),
    [
      { label: "#", value: (r) => String(rows.indexOf(r) + 1), numeric: true },
      { label: t("league.unit"), value: (r) => shortUnit(r.name), title: (r) => r.name, head: true },
      { label: t("tile.ontime"), value: (r) => bar(r.on_time_pct) },
      { label: t("league.open"), value: (r) => number(r.open), numeric: true },
      { label: t("league.overdue"), value: (r) => number(r.overdue), numeric: true },
    ],
    rows,
    t("league.title"),
  );
  $("league-empty").hidden = rows.length > 0;
}

let chart = null;

export function renderTrend(points) {
  const holder = $("trend");
  const days = points.map((p) => Date.parse(`${p.date}T00:00:00Z`) / 1000);
  const data = [days, points.map((p) => p.opened), points.map((p) => p.resolved)];
  const width = Math.max(200, holder.clientWidth);
  const height = Math.max(140, Math.min(220, Math.round(width * 0.42)));
  if (chart && chart.width === width) {
    chart.setData(data);
    return;
  }
  chart?.destroy();
  chart = new uPlot(
    {
      width,
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "UTC"),
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        { stroke: "#3c4650", grid: { stroke: "#e6e9ed" }, values: (u, ticks) => ticks.map((v) => dayLabel(new Date(v * 1000).toISOString().slice(0, 10))) },
        { stroke: "#3c4650", grid: { stroke: "#e6e9ed" }, size: 40 },
      ],
      series: [
        {},
        { label: t("trend.opened"), stroke: "#c0392b", width: 2, fill: "rgba(192,57,43,0.08)" },
        { label: t("trend.resolved"), stroke: "#17703c", width: 2, fill: "rgba(23,112,60,0.10)" },
      ],
    },
    data,
    holder,
  );
  const summary = points.reduce((s, p) => ({ opened: s.opened + p.opened, resolved: s.resolved + p.resolved }), { opened: 0, resolved: 0 });
  holder.setAttribute("aria-label", t("trend.alt", { days: points.length, opened: summary.opened, resolved: summary.resolved }));
}

export function resetTrend() {
  chart?.destroy();
  chart = null;
}
