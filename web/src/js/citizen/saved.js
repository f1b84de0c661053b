// The tracking codes of reports sent from this device, so that a citizen who
// closed the page can still follow them. Only on the device; never sent.
const KEY = "tanggap.reports";
const KEEP = 20;

export function savedReports() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

export function rememberReport(entry) {
  const list = savedReports().filter((r) => r.token !== entry.token);
  list.unshift(entry);
  localStorage.setItem(KEY, JSON.stringify(list.slice(0, KEEP)));
}
