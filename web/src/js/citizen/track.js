// The citizen's tracking page: /lacak/<token> shows the report's status, the
// unit that owns it and the timeline; /lacak alone asks for a code and lists
// the reports sent from this device. Re-reads every 20 s until the report is
// finished, so a citizen who keeps the page open sees it move.
import { ApiError, request } from "../api.js";
import { dateTime } from "../format.js";
import { applyTranslations, bindLangToggle, lang, onLangChange, t } from "../i18n.js";
import { savedReports } from "./saved.js";

const $ = (id) => document.getElementById(id);
const STEPS = ["received", "routed", "acknowledged", "in_progress", "resolved"];
const FINISHED = new Set(["resolved", "closed", "rejected"]);
const POLL_MS = 20000;

let catalogue = new Map();
let current = null;
let timer = null;

function tokenFromPath() {
  const match = location.pathname.match(/^\/lacak\/([^/]+)\/?$/);
  return match ? decodeURIComponent(match[1]) : null;
}

function categoryLabel(code) {
  const entry = catalogue.get(code);
  if (!entry) return code;
  return lang() === "en" ? entry.name_en : entry.name_id;
}

function renderSteps(status) {
  const reached = status === "closed" ? STEPS.length - 1 : STEPS.indexOf(status);
  $("steps").replaceChildren(
    ...STEPS.map((step, i) => {
      const item = document.createElement("li");
      item.className = i < reached ? "done" : i === reached ? "current" : "todo";
      if (i === reached) item.setAttribute("aria-current", "step");
      item.textContent = t(`rstatus.${step}`);
      return item;
    }),
  );
  $("steps").hidden = status === "rejected";
}

function fact(term, value) {
  if (!value) return [];
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  dd.textContent = value;
  return [dt, dd];
}

function render(report) {
  current = report;
  $("lookup").hidden = true;
  $("error").hidden = true;
  $("report").hidden = false;
  $("report-title").textContent = categoryLabel(report.category);
  const status = $("status");
  status.className = `status-line badge-lg st-${report.status}`;
  status.textContent = t(`rstatus.${report.status}`);
  renderSteps(report.status);
  const rejection = $("rejection");
  rejection.hidden = !report.rejection;
  if (report.rejection) {
    rejection.textContent = `${t(`rejection.${report.rejection.reason}`)} ${report.rejection.detail ?? ""}`;
  }
  const area = report.area
    ? `${report.area.kelurahan.name}, ${t("word.kecamatan")} ${report.area.kecamatan.name}`
    : null;
  $("facts").replaceChildren(
    ...fact(t("track.submitted"), dateTime(report.submitted_at)),
    ...fact(t("track.area"), area),
    ...fact(t("track.owner"), report.assigned_unit?.name),
    ...fact(t("track.handler"), report.handler?.name),
  );
  $("timeline").replaceChildren(
    ...[...report.timeline].reverse().map((entry) => {
      const item = document.createElement("li");
      const when = document.createElement("time");
      when.dateTime = entry.at;
      when.textContent = dateTime(entry.at);
      const what = document.createElement("strong");
      what.textContent = t(`rstatus.${entry.status}`);
      item.append(when, what);
      if (entry.note) {
        const note = document.createElement("p");
        note.textContent = entry.note;
        item.append(note);
      }
      return item;
    }),
  );
  $("updated").textContent = t("track.updated", { at: dateTime(new Date().toISOString()) });
  document.title = `${t(`rstatus.${report.status}`)} · ${categoryLabel(report.category)} · Tanggap`;
}

function showError(error) {
  const box = $("error");
  box.hidden = false;
  if (error instanceof ApiError && error.status === 404) box.textContent = t("track.notfound");
  else if (error instanceof ApiError && error.status === 0) box.textContent = t("error.network");
  else box.textContent = error.message || t("error.generic");
}

async function load(token) {
  try {
    render(await request(`/v1/track/${encodeURIComponent(token)}`));
    schedule(token);
  } catch (error) {
    // A refresh that fails keeps what was shown; only a first load shows the error.
    if (!current || !(error instanceof ApiError) || error.status === 404) {
      $("report").hidden = true;
      showError(error);
    }
    if (!(error instanceof ApiError && error.status === 404)) schedule(token);
  }
}

function schedule(token) {
  clearTimeout(timer);
  if (current && FINISHED.has(current.status)) return;
  timer = setTimeout(() => load(token), POLL_MS);
}

function showLookup() {
  $("lookup").hidden = false;
  $("lookup-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const token = $("token").value.trim();
    if (token) location.assign(`/lacak/${encodeURIComponent(token)}`);
  });
  const saved = savedReports();
  $("saved").hidden = saved.length === 0;
  $("saved-list").replaceChildren(
    ...saved.map((entry) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `/lacak/${encodeURIComponent(entry.token)}`;
      link.textContent = `${categoryLabel(entry.category)} · ${dateTime(entry.at)}`;
      item.append(link);
      return item;
    }),
  );
}

async function main() {
  applyTranslations();
  bindLangToggle($("lang"));
  try {
    const answer = await request("/v1/categories");
    catalogue = new Map(answer.categories.map((c) => [c.code, c]));
  } catch {
    // Names fall back to the category codes; the status still shows.
  }
  const token = tokenFromPath();
  onLangChange(() => (current ? render(current) : showLookup()));
  if (!token) {
    showLookup();
    return;
  }
  await load(token);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && current && !FINISHED.has(current.status)) load(token);
  });
}

main();
