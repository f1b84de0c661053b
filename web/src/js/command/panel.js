// The incident panel: what happened, where, who owns and who handles it, the
// SLA clocks, the citizens' reports with photos, the timeline, and the
// actions the signed-in operator may take (the server's allowed_actions).
// Each action is a command to routing; the answer says whether routing
// carried it out, is still deciding, or refused it and why.
import { ApiError, newKey } from "../api.js";
import { dateTime, deadline } from "../format.js";
import { categoryName, t } from "../i18n.js";
import { api } from "./auth.js";
import { el, toast } from "./ui.js";

const $ = (id) => document.getElementById(id);

// The unit registry, fetched once: what the reassign form offers, by name.
const UNIT_GROUPS = ["kelurahan", "kecamatan", "opd", "polsek", "polres", "utility", "external", "command-center"];
let unitsLoaded = null;

function loadUnits() {
  unitsLoaded ??= api("/v1/units").catch((error) => {
    unitsLoaded = null; // try again next time
    throw error;
  });
  return unitsLoaded;
}

// A select of every unit but the current owner, grouped by kind and sorted by name.
async function fillUnitSelect(select, exceptId) {
  const units = (await loadUnits()).filter((u) => u.id !== exceptId);
  select.replaceChildren(new Option(t("field.to_unit_id.choose"), ""));
  const kinds = [...UNIT_GROUPS, ...new Set(units.map((u) => u.type).filter((k) => !UNIT_GROUPS.includes(k)))];
  for (const kind of kinds) {
    const members = units.filter((u) => u.type === kind).sort((a, b) => a.name.localeCompare(b.name, "id"));
    if (!members.length) continue;
    const group = el("optgroup", { label: t(`unittype.${kind}`) });
    for (const unit of members) group.append(new Option(unit.name, unit.id));
    select.append(group);
  }
}

// The forms each action needs beyond a button press.
const FORMS = {
  acknowledge: [{ name: "note", kind: "textarea", required: false }],
  start: [{ name: "note", kind: "textarea", required: false }],
  resolve: [{ name: "note", kind: "textarea", required: true }],
  reject: [
    { name: "reason_code", kind: "select", required: true, options: ["duplicate", "not_our_authority", "invalid"] },
    { name: "duplicate_of", kind: "input", required: false },
    { name: "note", kind: "textarea", required: true },
  ],
  reassign: [
    { name: "to_unit_id", kind: "unit", required: true },
    { name: "reason", kind: "input", required: true },
  ],
  comment: [{ name: "text", kind: "textarea", required: true }],
};

// Who acted, in words: the operator's role (the contract spells it with "_"),
// an agency or the citizen; the system (routing's clocks) goes unnamed.
function actorLabel(actor) {
  if (actor.kind === "operator" && actor.role) return ` · ${t(`role.${actor.role.replace("_", "-")}`)}`;
  if (actor.kind === "agency") return ` · ${actor.unit_id ?? actor.id}`;
  if (actor.kind === "citizen") return ` · ${t("actor.citizen")}`;
  return "";
}

export function createPanel({ catalogue, onChanged }) {
  const panel = $("panel");
  let shownId = null;
  let detail = null;
  let returnFocus = null;

  async function open(id) {
    if (shownId !== id) returnFocus = document.activeElement;
    shownId = id;
    panel.hidden = false;
    document.body.classList.add("panel-open");
    $("panel-body").replaceChildren(el("p", { className: "help" }, t("panel.loading")));
    await reload();
    $("panel-close").focus();
  }

  function close() {
    shownId = null;
    detail = null;
    panel.hidden = true;
    document.body.classList.remove("panel-open");
    returnFocus?.focus?.();
  }

  async function reload() {
    const id = shownId;
    if (!id) return;
    try {
      const found = await api(`/v1/incidents/${id}`);
      if (id !== shownId) return;
      detail = found;
      render();
    } catch (error) {
      $("panel-body").replaceChildren(el("p", { className: "notice warn" }, error.message));
    }
  }

  function render() {
    const d = detail;
    $("panel-title").textContent = categoryName(catalogue, d.category);
    // What to do comes before the details: on a phone it is in reach at once.
    $("panel-body").replaceChildren(badges(d), actions(d), facts(d), reports(d), timeline(d));
  }

  function badges(d) {
    const row = el("p", { className: "badges" });
    row.append(el("span", { className: `badge st-${d.status}` }, t(`status.${d.status}`)));
    row.append(el("span", { className: `badge pr-${d.priority}` }, t(`priority.${d.priority}`)));
    if (d.overdue) row.append(el("span", { className: "badge overdue" }, t("badge.overdue")));
    if (d.escalation_level > 0) {
      row.append(el("span", { className: "badge escalated" }, t("badge.escalated", { n: d.escalation_level })));
    }
    if (d.report_count > 1) row.append(el("span", { className: "badge" }, t("badge.reports", { n: d.report_count })));
    return row;
  }

  function facts(d) {
    const list = el("dl", { className: "facts" });
    const add = (term, value) => value && list.append(el("dt", {}, term), el("dd", {}, value));
    add(t("panel.where"), `${d.kelurahan.name}, ${t("word.kecamatan")} ${d.kecamatan.name}`);
    add(t("panel.owner"), d.owner.name);
    if (d.handler.id !== d.owner.id) add(t("panel.handler"), d.handler.name);
    add(t("panel.opened"), dateTime(d.opened_at));
    if (!d.acknowledged_at) add(t("panel.ack_by"), `${dateTime(d.sla.acknowledge_by)} (${deadline(d.sla.acknowledge_by)})`);
    else add(t("panel.acknowledged"), dateTime(d.acknowledged_at));
    if (d.sla.resolve_by && !d.resolved_at) add(t("panel.resolve_by"), `${dateTime(d.sla.resolve_by)} (${deadline(d.sla.resolve_by)})`);
    if (d.resolved_at) add(t("panel.resolved"), dateTime(d.resolved_at));
    if (d.description_public) add(t("panel.summary"), d.description_public);
    return list;
  }

  function reports(d) {
    const section = el("section", { className: "panel-section" });
    section.append(el("h3", {}, t("panel.reports", { n: d.reports.length })));
    for (const report of d.reports) {
      const card = el("article", { className: "report-card" });
      const meta = [dateTime(report.submitted_at), report.privacy ? t(`privacy.${report.privacy}`) : null].filter(Boolean).join(" · ");
      card.append(el("p", { className: "help" }, meta));
      if (!report.content_visible) {
        card.append(el("p", { className: "muted" }, t("panel.hidden")));
      } else {
        if (report.description) card.append(el("p", {}, report.description));
        if (report.address_text) card.append(el("p", { className: "help" }, `📍 ${report.address_text}`));
        if (report.media.length) {
          const photos = el("div", { className: "photo-strip" });
          for (const media of report.media) {
            const link = el("a", { href: media.url, target: "_blank", rel: "noopener" });
            link.append(el("img", { src: media.url, alt: t("panel.photo") }));
            photos.append(link);
          }
          card.append(photos);
        }
        if (report.reporter) {
          const who = [report.reporter.name, report.reporter.phone, report.reporter.email].filter(Boolean).join(" · ");
          card.append(el("p", { className: "contact" }, `${t("panel.reporter")}: ${who}`));
        }
      }
      section.append(card);
    }
    if (d.proof_media.length) {
      const proof = el("div", { className: "photo-strip" });
      for (const media of d.proof_media) proof.append(el("img", { src: media.url, alt: t("panel.proof") }));
      section.append(el("h4", {}, t("panel.proof")), proof);
    }
    return section;
  }

  function timeline(d) {
    const section = el("section", { className: "panel-section" });
    section.append(el("h3", {}, t("panel.timeline")));
    const list = el("ol", { className: "timeline" });
    for (const entry of [...d.timeline].reverse()) {
      const item = el("li");
      item.append(el("time", { dateTime: entry.occurred_at }, dateTime(entry.occurred_at)));
      item.append(el("strong", {}, `${t(`event.${entry.type}`)}${actorLabel(entry.actor)}`));
      if (entry.note) item.append(el("p", {}, entry.note));
      list.append(item);
    }
    section.append(list);
    return section;
  }

  function actions(d) {
    const section = el("section", { className: "panel-actions", ariaLabel: t("panel.actions") });
    if (!d.allowed_actions.length) {
      section.append(el("p", { className: "help" }, t("panel.noactions")));
      return section;
    }
    const buttons = el("div", { className: "action-buttons" });
    for (const action of d.allowed_actions) {
      const primary = ["acknowledge", "start", "resolve"].includes(action);
      const button = el("button", { type: "button", className: `btn ${primary ? "btn-primary" : "btn-secondary"}`, dataset: { action } }, t(`action.${action}`));
      button.addEventListener("click", () => showForm(section, action));
      buttons.append(button);
    }
    section.append(buttons);
    return section;
  }

  function showForm(section, action) {
    section.querySelector("form")?.remove();
    const form = el("form", { className: "action-form", dataset: { action } });
    const fields = FORMS[action];
    for (const field of fields) {
      const id = `f-${action}-${field.name}`;
      form.append(el("label", { className: "label", htmlFor: id }, t(`field.${field.name}`) + (field.required ? " *" : "")));
      let input;
      if (field.kind === "select") {
        input = el("select", { id });
        for (const option of field.options) input.append(new Option(t(`rejection.${option}`), option));
      } else if (field.kind === "unit") {
        input = el("select", { id });
        input.append(new Option(t("panel.loading"), ""));
        fillUnitSelect(input, detail?.owner?.id).catch((error) => toast(error.message, "warn"));
      } else {
        input = el(field.kind, { id, name: field.name, rows: 3 });
      }
      input.name = field.name;
      if (field.required) input.required = true;
      form.append(input);
    }
    const send = el("button", { type: "submit", className: "btn btn-primary" }, t(`action.${action}.confirm`));
    const cancel = el("button", { type: "button", className: "btn btn-ghost" }, t("action.cancel"));
    cancel.addEventListener("click", () => form.remove());
    form.append(el("div", { className: "actions-row" }, send, cancel));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(form, action, send);
    });
    section.append(form);
    form.querySelector("textarea, input, select")?.focus();
  }

  async function submit(form, action, button) {
    const body = {};
    for (const input of form.querySelectorAll("input, textarea, select")) {
      const value = input.value.trim();
      if (value) body[input.name] = value;
      else if (input.required) {
        input.focus();
        toast(t("action.required"), "warn");
        return;
      }
    }
    button.disabled = true;
    const id = shownId;
    try {
      const answer = await api(`/v1/incidents/${id}/${action}`, {
        method: "POST",
        json: body,
        headers: { "Idempotency-Key": newKey() },
      });
      toast(answer.outcome === "applied" ? t("action.applied") : t("action.pending"), answer.outcome === "applied" ? "ok" : "info");
      onChanged(answer.incident);
      await reload();
    } catch (error) {
      const reason = error instanceof ApiError ? `${error.message} (${error.code})` : String(error);
      toast(t("action.refused", { reason }), "warn");
      button.disabled = false;
    }
  }

  $("panel-close").addEventListener("click", close);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });

  return {
    open,
    close,
    reload,
    get shownId() {
      return shownId;
    },
  };
}
