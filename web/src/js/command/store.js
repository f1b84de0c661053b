// The incidents on screen and the filters over them. The server applies the
// filters to the first load; live changes are checked here against the same
// filters, so an incident that stops matching (resolved while the filter shows
// open ones) leaves the screen, and a new one that matches appears.

export const ACTIVE = ["open", "acknowledged", "in_progress"];
export const STATUSES = ["open", "acknowledged", "in_progress", "resolved", "closed", "rejected"];
export const PRIORITIES = ["urgent", "high", "normal", "low"];

export function emptyFilters() {
  return { statuses: new Set(), priority: "", category: "", kecamatan: "", overdue: false, q: "" };
}

export function query(filters) {
  const params = new URLSearchParams();
  for (const status of filters.statuses) params.append("status", status);
  if (filters.priority) params.append("priority", filters.priority);
  if (filters.category) params.append("category", filters.category);
  if (filters.kecamatan) params.append("kecamatan", filters.kecamatan);
  if (filters.overdue) params.append("overdue", "true");
  if (filters.q) params.append("q", filters.q);
  return params;
}

// What the server would say for one incident summary. Text search is the
// server's (it reads fields not in the summary): a live change under a text
// filter is kept only if it was already on screen.
export function matches(filters, incident, known) {
  if (filters.statuses.size && !filters.statuses.has(incident.status)) return false;
  if (filters.priority && incident.priority !== filters.priority) return false;
  if (filters.category && incident.category !== filters.category) return false;
  if (filters.kecamatan && incident.kecamatan.kode !== filters.kecamatan) return false;
  if (filters.overdue && !incident.overdue) return false;
  if (filters.q && !known) return false;
  return true;
}

const PRIORITY_RANK = { urgent: 0, high: 1, normal: 2, low: 3 };

// The work queue's order: overdue first, then the nearest deadline, then
// priority; finished incidents last, newest first.
export function byUrgency(a, b) {
  const activeA = ACTIVE.includes(a.status);
  const activeB = ACTIVE.includes(b.status);
  if (activeA !== activeB) return activeA ? -1 : 1;
  if (!activeA) return (b.updated_at || "").localeCompare(a.updated_at || "");
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  const deadlineA = a.next_deadline ? Date.parse(a.next_deadline) : Infinity;
  const deadlineB = b.next_deadline ? Date.parse(b.next_deadline) : Infinity;
  if (deadlineA !== deadlineB) return deadlineA - deadlineB;
  return (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9);
}

// The overdue flag a summary carried was computed when it was sent; the
// screen re-judges it against the deadline as time passes.
export function refreshOverdue(incident, now = Date.now()) {
  if (!ACTIVE.includes(incident.status) || !incident.next_deadline) return incident.overdue;
  return now > Date.parse(incident.next_deadline);
}
