// Reports no incident holds, for the command center: an Open311 request whose
// address the city gazetteer could not place (accepted and flagged by intake),
// and reports routing rejected. The operator reads what the citizen wrote, and
// the contact when the citizen gave one, to find the place by hand.
import { ago, dateTime } from "../format.js";
import { categoryName, t } from "../i18n.js";
import { el } from "./ui.js";

const SHOWN = 100;

export function isCommandCenter(op) {
  return op?.role === "command-center";
}

export async function loadUnrouted(api) {
  return api(`/v1/reports/unrouted?limit=${SHOWN}`);
}

// Waiting to be placed first, then the newest.
function byNeed(a, b) {
  const need = Number(Boolean(b.needs_manual_location)) - Number(Boolean(a.needs_manual_location));
  return need || String(b.submitted_at).localeCompare(String(a.submitted_at));
}

export function renderUnrouted(container, reports, { catalogue }) {
  const items = [...reports].sort(byNeed).map((report) => {
    const why = report.needs_manual_location
      ? el("span", { className: "badge needs-location" }, t("unrouted.needs_location"))
      : el("span", { className: "badge st-rejected" }, t(`unrouted.reason.${report.rejection_reason ?? "pending"}`));
    const reporter = report.reporter;
    const contact = reporter
      ? el(
          "p",
          { className: "unrouted-line" },
          `${t("unrouted.reporter")}: ${reporter.name ?? t("unrouted.no_name")}`,
          reporter.phone ? " · " : null,
          reporter.phone ? el("a", { href: `tel:${reporter.phone}` }, reporter.phone) : null,
          reporter.email ? ` · ${reporter.email}` : null,
        )
      : null;
    return el(
      "li",
      { className: "unrouted-item", dataset: { id: report.id } },
      el(
        "p",
        { className: "unrouted-head" },
        el("strong", {}, categoryName(catalogue, report.category)),
        " ",
        why,
        el("span", { className: "unrouted-when", title: dateTime(report.submitted_at) }, ago(report.submitted_at)),
      ),
      report.address_text ? el("p", { className: "unrouted-line" }, `${t("unrouted.address")}: ${report.address_text}`) : null,
      report.description ? el("p", { className: "unrouted-text" }, report.description) : null,
      !report.needs_manual_location && report.rejection_detail
        ? el("p", { className: "unrouted-line help" }, report.rejection_detail)
        : null,
      contact,
      el("p", { className: "unrouted-line help" }, `${t("unrouted.channel")}: ${report.channel ?? "–"} · ${report.id}`),
    );
  });
  container.replaceChildren(...items);
  return items.length;
}
