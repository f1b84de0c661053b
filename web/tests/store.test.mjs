import assert from "node:assert/strict";
import { test } from "node:test";
import { byUrgency, emptyFilters, matches, query, refreshOverdue } from "../src/js/command/store.js";

const incident = (over) => ({
  id: "x", status: "open", priority: "normal", category: "sampah", overdue: false,
  kecamatan: { kode: "36.72.01" }, next_deadline: null, updated_at: "2026-12-01T00:00:00Z", ...over,
});

test("filters in the query string and in the live check agree", () => {
  const filters = emptyFilters();
  filters.statuses.add("open");
  filters.kecamatan = "36.72.01";
  assert.equal(query(filters).toString(), "status=open&kecamatan=36.72.01");
  assert.equal(matches(filters, incident({}), false), true);
  assert.equal(matches(filters, incident({ status: "resolved" }), true), false);
  assert.equal(matches(filters, incident({ kecamatan: { kode: "36.72.02" } }), false), false);
});

test("a text search keeps only incidents the server already matched", () => {
  const filters = emptyFilters();
  filters.q = "pasar";
  assert.equal(matches(filters, incident({}), true), true);
  assert.equal(matches(filters, incident({}), false), false);
});

test("the queue puts overdue first, then the nearest deadline, finished last", () => {
  const list = [
    incident({ id: "done", status: "resolved" }),
    incident({ id: "later", next_deadline: "2026-12-02T00:00:00Z" }),
    incident({ id: "late", overdue: true, next_deadline: "2026-11-01T00:00:00Z" }),
    incident({ id: "sooner", next_deadline: "2026-12-01T06:00:00Z" }),
  ];
  assert.deepEqual(list.sort(byUrgency).map((i) => i.id), ["late", "sooner", "later", "done"]);
});

test("an open incident turns overdue when its deadline passes", () => {
  const open = incident({ next_deadline: "2026-12-01T00:00:00Z" });
  assert.equal(refreshOverdue(open, Date.parse("2026-11-30T23:00:00Z")), false);
  assert.equal(refreshOverdue(open, Date.parse("2026-12-01T00:00:01Z")), true);
  assert.equal(refreshOverdue({ ...open, status: "resolved", overdue: false }, Date.now()), false);
});
