// The command center: login, then the city (or the operator's own area) at
// work — tiles, map, work queue, league table and trend — kept current by the
// live stream without reloading.
import { ApiError, request } from "../api.js";
import { clock } from "../format.js";
import { applyTranslations, bindLangToggle, categoryName, lang, onLangChange, t } from "../i18n.js";
import { api, login, logout, operator, whenLoggedOut } from "./auth.js";
import { renderList } from "./listview.js";
import { connectLive } from "./live.js";
import { createMap } from "./mapview.js";
import { createPanel } from "./panel.js";
import { loadFigures, renderLeague, renderTiles, renderTrend, resetTrend } from "./stats.js";
import { emptyFilters, matches, PRIORITIES, query, refreshOverdue, STATUSES } from "./store.js";
import { toast } from "./ui.js";
import { isCommandCenter, loadUnrouted, renderUnrouted } from "./unrouted.js";

const $ = (id) => document.getElementById(id);
const FIGURES_EVERY_MS = 4000; // at most this often after live changes
const FIGURES_IDLE_MS = 60000; // and at least this often (overdue grows with time)
const FRESH_MS = 8000;
const UNROUTED_EVERY_MS = 60000;

const state = {
  incidents: new Map(),
  filters: emptyFilters(),
  fresh: new Map(), // id -> when it arrived live
  catalogue: new Map(),
  areas: null,
  config: {},
  figures: null,
  unrouted: [],
};
let map = null;
let panel = null;
let live = null;
let figuresTimer = null;
let figuresDue = 0;

// ---------------------------------------------------------------- login

function showLogin(message = "") {
  $("app").hidden = true;
  $("login-view").hidden = false;
  $("login-error").hidden = !message;
  $("login-error").textContent = message;
  $("username").focus();
}

async function onLogin(event) {
  event.preventDefault();
  const button = event.target.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    await login($("username").value.trim(), $("password").value);
    $("password").value = "";
    await start();
  } catch (error) {
    showLogin(error instanceof ApiError && error.status === 401 ? t("login.wrong") : error.message);
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------- scope

function focusKelurahan(op) {
  const match = /^kelurahan:(.+)$/.exec(op.unit_id);
  return match ? match[1] : null;
}

function scopeTitle(op) {
  const kelurahan = focusKelurahan(op);
  if (kelurahan) {
    const feature = state.areas.kelurahan.features.find((f) => f.properties.kode === kelurahan);
    return `${t("word.kelurahan")} ${feature?.properties.kelurahan ?? kelurahan}`;
  }
  const kecamatan = /^kecamatan:(.+)$/.exec(op.unit_id)?.[1];
  if (kecamatan) {
    const feature = state.areas.kecamatan.features.find((f) => f.properties.kode === kecamatan);
    return `${t("word.kecamatan")} ${feature?.properties.kecamatan ?? kecamatan}`;
  }
  return op.unit_id === "command-center" ? t("cc.city") : `${t("cc.city")} · ${op.unit_id}`;
}

function renderWho(op) {
  $("who").textContent = `${op.username} · ${t(`role.${op.role}`)}`;
  $("scope-title").textContent = scopeTitle(op);
  document.title = `${scopeTitle(op)} · ${t("login.title")}`;
}

// ---------------------------------------------------------------- filters

function fillFilters(op) {
  const chips = $("status-chips");
  chips.querySelectorAll("button").forEach((b) => b.remove());
  for (const status of STATUSES) {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = `chip st-${status}`;
    chip.dataset.status = status;
    chip.setAttribute("aria-pressed", String(state.filters.statuses.has(status)));
    chip.textContent = t(`status.${status}`);
    chip.addEventListener("click", () => {
      if (state.filters.statuses.has(status)) state.filters.statuses.delete(status);
      else state.filters.statuses.add(status);
      chip.setAttribute("aria-pressed", String(state.filters.statuses.has(status)));
      reloadIncidents();
    });
    chips.append(chip);
  }
  const options = (select, first, entries, value) => {
    select.replaceChildren(new Option(first, ""), ...entries.map(([v, label]) => new Option(label, v)));
    select.value = value;
  };
  options($("f-priority"), t("filter.priority.all"), PRIORITIES.map((p) => [p, t(`priority.${p}`)]), state.filters.priority);
  const categories = [...state.catalogue.keys()]
    .map((code) => [code, categoryName(state.catalogue, code)])
    .sort((a, b) => a[1].localeCompare(b[1], lang()));
  options($("f-category"), t("filter.category.all"), categories, state.filters.category);
  const kecamatan = state.areas.kecamatan.features.map((f) => [f.properties.kode, f.properties.kecamatan]);
  options($("f-kecamatan"), t("filter.kecamatan.all"), kecamatan, state.filters.kecamatan);
  // A lurah's or camat's scope is one area already.
  $("f-kecamatan-wrap").hidden = /^(kelurahan|kecamatan):/.test(op.unit_id);
  updateFilterCount();
}

function updateFilterCount() {
  const f = state.filters;
  const n = f.statuses.size + [f.priority, f.category, f.kecamatan, f.q].filter(Boolean).length + (f.overdue ? 1 : 0);
  $("filter-count").textContent = n ? `(${n})` : "";
}

function bindFilters() {
  const change = (key, read) => (event) => {
    state.filters[key] = read(event.target);
    reloadIncidents();
  };
  $("f-priority").addEventListener("change", change("priority", (e) => e.value));
  $("f-category").addEventListener("change", change("category", (e) => e.value));
  $("f-kecamatan").addEventListener("change", change("kecamatan", (e) => e.value));
  $("f-overdue").addEventListener("change", change("overdue", (e) => e.checked));
  let typing = null;
  $("f-q").addEventListener("input", (event) => {
    clearTimeout(typing);
    typing = setTimeout(() => change("q", (e) => e.value.trim())(event), 350);
  });
  $("f-clear").addEventListener("click", () => {
    state.filters = emptyFilters();
    $("f-overdue").checked = false;
    $("f-q").value = "";
    fillFilters(operator());
    reloadIncidents();
  });
  $("filters").addEventListener("submit", (e) => e.preventDefault());
}

// ---------------------------------------------------------------- incidents

async function reloadIncidents() {
  updateFilterCount();
  const params = query(state.filters);
  params.set("limit", "2000");
  const collection = await api(`/v1/incidents.geojson?${params}`);
  state.incidents = new Map(collection.features.map((f) => [f.properties.id, withLocation(f)]));
  map.replaceAll([...state.incidents.values()]);
  renderQueue();
}

// The GeoJSON properties are the incident summary less its location, which
// the geometry carries.
function withLocation(feature) {
  const [lon, lat] = feature.geometry.coordinates;
  return { ...feature.properties, location: { lat, lon } };
}

function renderQueue() {
  const now = Date.now();
  for (const [id, at] of state.fresh) if (now - at > FRESH_MS) state.fresh.delete(id);
  for (const incident of state.incidents.values()) incident.overdue = refreshOverdue(incident, now);
  const shown = renderList($("incident-list"), state.incidents.values(), {
    catalogue: state.catalogue,
    onSelect: select,
    fresh: state.fresh,
    selected: panel?.shownId,
  });
  $("list-count").textContent = `(${state.incidents.size})`;
  $("list-empty").hidden = shown > 0;
}

function select(id) {
  const incident = state.incidents.get(id);
  if (incident && window.matchMedia("(min-width: 900px)").matches) map.focusOn(incident);
  panel.open(id);
  renderQueue();
}

function onLiveEvent(payload) {
  const incident = payload.incident;
  const known = state.incidents.has(incident.id);
  if (matches(state.filters, incident, known)) {
    state.incidents.set(incident.id, incident);
    state.fresh.set(incident.id, Date.now());
    map.upsert(incident, { flash: true });
    if (!known) {
      toast(t("toast.new", { category: categoryName(state.catalogue, incident.category), kelurahan: incident.kelurahan.name }), "info");
    }
  } else if (known) {
    state.incidents.delete(incident.id);
    map.remove(incident.id);
  }
  renderQueue();
  if (panel.shownId === incident.id) panel.reload();
  scheduleFigures(FIGURES_EVERY_MS);
}

// Back after longer than the server keeps changes (a wall screen woken in the
// morning): what was missed is gone from the log, so everything is read again.
function onLiveReset() {
  reloadIncidents().catch((error) => console.warn("reload", error));
  scheduleFigures(0);
  if (isCommandCenter(operator())) refreshUnrouted();
}

function onIncidentChanged(incident) {
  if (state.incidents.has(incident.id)) {
    state.incidents.set(incident.id, incident);
    map.upsert(incident);
    renderQueue();
  }
  scheduleFigures(FIGURES_EVERY_MS);
}

// ---------------------------------------------------------------- not routed

async function refreshUnrouted() {
  try {
    state.unrouted = await loadUnrouted(api);
  } catch (error) {
    console.warn("unrouted", error);
    return;
  }
  renderUnroutedList();
}

function renderUnroutedList() {
  const shown = renderUnrouted($("unrouted-list"), state.unrouted, { catalogue: state.catalogue });
  $("unrouted-count").textContent = `(${shown})`;
  $("unrouted-empty").hidden = shown > 0;
}

// ---------------------------------------------------------------- figures

async function refreshFigures() {
  figuresTimer = null;
  try {
    state.figures = await loadFigures();
    renderFigures();
  } catch (error) {
    console.warn("figures", error);
  }
  scheduleFigures(FIGURES_IDLE_MS);
}

function renderFigures() {
  const figures = state.figures;
  if (!figures) return;
  renderTiles(figures.overview);
  renderLeague(figures.units);
  renderTrend(figures.trend);
  map.setBacklog(figures.backlog);
}

function scheduleFigures(delay) {
  const due = Date.now() + delay;
  if (figuresTimer && figuresDue <= due) return;
  clearTimeout(figuresTimer);
  figuresDue = due;
  figuresTimer = setTimeout(refreshFigures, delay);
}

// ---------------------------------------------------------------- layout

function bindTabs() {
  const tabs = ["list", "map", "stats"];
  const show = (name) => {
    for (const tab of tabs) {
      const selected = tab === name;
      $(`tab-${tab}`).setAttribute("aria-selected", String(selected));
      $(`tab-${tab}`).tabIndex = selected ? 0 : -1;
      $(`pane-${tab}`).classList.toggle("is-active", selected);
    }
    if (name === "map") map?.invalidate();
    if (name === "stats") {
      resetTrend();
      if (state.figures) renderTrend(state.figures.trend);
    }
  };
  for (const tab of tabs) $(`tab-${tab}`).addEventListener("click", () => show(tab));
  show("list");
}

function tickClock() {
  $("clock").textContent = clock();
}

function setLive(mode) {
  $("live").dataset.state = mode;
  $("live-text").textContent = t(`live.${mode}`);
}

// ---------------------------------------------------------------- start

async function start() {
  const op = operator();
  $("login-view").hidden = true;
  $("app").hidden = false;
  const [areas, names, config] = await Promise.all([
    (await import("../citymap.js")).loadAreas(),
    request("/static/data/categories.json"),
    request("/ui/config.json").catch(() => ({})),
  ]);
  state.areas = areas;
  state.catalogue = new Map(Object.entries(names));
  state.config = config;
  renderWho(op);
  fillFilters(op);
  if (!map) {
    map = await createMap($("map"), { focus: focusKelurahan(op), tiles: config.tiles, onSelect: select });
  }
  panel ??= createPanel({ catalogue: state.catalogue, onChanged: onIncidentChanged });
  // Only the command center handles reports no incident holds (the API refuses others).
  const unrouted = isCommandCenter(op);
  $("unrouted").hidden = !unrouted;
  await Promise.all([reloadIncidents(), refreshFigures(), unrouted ? refreshUnrouted() : null]);
  if (unrouted) {
    $("unrouted").addEventListener("toggle", () => $("unrouted").open && refreshUnrouted());
    setInterval(refreshUnrouted, UNROUTED_EVERY_MS);
  }
  live = connectLive({ onEvent: onLiveEvent, onReset: onLiveReset, onState: setLive });
  setInterval(renderQueue, 30000); // deadlines count down, overdue flags turn
}

async function main() {
  applyTranslations();
  bindLangToggle($("lang"));
  bindLangToggle($("login-lang"));
  $("login-form").addEventListener("submit", onLogin);
  $("logout").addEventListener("click", () => logout());
  whenLoggedOut(() => {
    live?.stop();
    location.reload();
  });
  bindFilters();
  bindTabs();
  tickClock();
  setInterval(tickClock, 15000);
  onLangChange(() => {
    tickClock();
    const op = operator();
    if (!op || !state.areas) return;
    renderWho(op);
    fillFilters(op);
    renderQueue();
    if (isCommandCenter(op)) renderUnroutedList();
    resetTrend();
    renderFigures();
    setLive($("live").dataset.state);
    if (panel.shownId) panel.reload();
  });
  if (!operator()) {
    showLogin();
    return;
  }
  try {
    await api("/v1/auth/me");
    await start();
  } catch {
    showLogin();
  }
}

main();
