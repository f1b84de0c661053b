// Colour scales shared by the maps and the league table, chosen so that
// neighbouring classes stay apart for colour-blind viewers (ColorBrewer
// RdYlGn for on-time, YlOrRd for backlog), with grey for "no figure".
import { t } from "./i18n.js";

const NO_DATA = "#cfd4da";
const ON_TIME = [
  [90, "#1a9850"],
  [75, "#91cf60"],
  [60, "#fee08b"],
  [40, "#fc8d59"],
  [0, "#d73027"],
];
const BACKLOG = ["#ffffcc", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"];

export function onTimeColour(pct) {
  if (pct === null || pct === undefined) return NO_DATA;
  return ON_TIME.find(([floor]) => pct >= floor)[1];
}

// Class breaks for the backlog choropleth from the values on the map, so a
// quiet city and a busy one both use the whole ramp.
export function backlogScale(values) {
  const top = Math.max(0, ...values.filter((v) => v !== null && v !== undefined));
  const step = top / BACKLOG.length || 1;
  const colour = (value) => {
    if (value === null || value === undefined) return NO_DATA;
    if (value <= 0) return "#f7f7f2";
    return BACKLOG[Math.min(BACKLOG.length - 1, Math.floor(value / step))];
  };
  const breaks = BACKLOG.map((c, i) => [Math.round(step * i * 10) / 10, c]);
  return { colour, breaks };
}

function swatch(colour, text) {
  const item = document.createElement("span");
  item.className = "legend-item";
  const box = document.createElement("span");
  box.className = "legend-swatch";
  box.style.background = colour;
  item.append(box, text);
  return item;
}

export function renderLegend(container, title) {
  const heading = document.createElement("span");
  heading.className = "legend-title";
  heading.textContent = title;
  container.replaceChildren(
    heading,
    ...[...ON_TIME].reverse().map(([floor, colour], i, all) => {
      const next = all[i + 1];
      return swatch(colour, next ? `${floor}–${next[0]}%` : `≥${floor}%`);
    }),
    swatch(NO_DATA, t("public.nodata")),
  );
}

export function renderBacklogLegend(container, title, breaks) {
  const heading = document.createElement("span");
  heading.className = "legend-title";
  heading.textContent = title;
  container.replaceChildren(heading, ...breaks.map(([from, colour]) => swatch(colour, `≥${from}`)));
}
