// The work queue: incidents in order of urgency (overdue first, then the
// nearest deadline), one button each, so the list is the keyboard and
// screen-reader way to everything the map shows.
import { ago, deadline } from "../format.js";
import { categoryName, t } from "../i18n.js";
import { ACTIVE, byUrgency } from "./store.js";
import { el } from "./ui.js";

const SHOWN = 200;

export function renderList(container, incidents, { catalogue, onSelect, fresh, selected }) {
  const sorted = [...incidents].sort(byUrgency).slice(0, SHOWN);
  const items = sorted.map((incident) => {
    const classes = ["incident", `st-${incident.status}`];
    if (incident.overdue) classes.push("is-overdue");
    if (fresh.has(incident.id)) classes.push("is-fresh");
    if (selected === incident.id) classes.push("is-selected");
    const active = ACTIVE.includes(incident.status);
    const clockText = active && incident.next_deadline ? deadline(incident.next_deadline) : ago(incident.updated_at);
    const button = el(
      "button",
      { type: "button", className: "incident-button", dataset: { id: incident.id } },
      el("span", { className: "incident-title" }, categoryName(catalogue, incident.category)),
      el(
        "span",
        { className: "incident-meta" },
        el("span", { className: `badge st-${incident.status}` }, t(`status.${incident.status}`)),
        incident.priority === "urgent" || incident.priority === "high"
          ? el("span", { className: `badge pr-${incident.priority}` }, t(`priority.${incident.priority}`))
          : null,
        el("span", {}, incident.kelurahan.name),
      ),
      el("span", { className: `incident-clock${incident.overdue ? " late" : ""}` }, clockText),
    );
    button.addEventListener("click", () => onSelect(incident.id));
    return el("li", { className: classes.join(" ") }, button);
  });
  container.replaceChildren(...items);
  return sorted.length;
}
