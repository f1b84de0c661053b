import assert from "node:assert/strict";
import { test } from "node:test";
import { SseParser } from "../src/js/sse.js";

test("events split across chunks come out whole, with their ids", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push("retry: 3000\n\nid: 7\nevent: incid"), []);
  const events = parser.push('ent\ndata: {"a":1}\n\n: keep-alive\n\nid: 8\nevent: incident\ndata: x\r\n\r\n');
  assert.deepEqual(events, [
    { id: "7", event: "incident", data: '{"a":1}' },
    { id: "8", event: "incident", data: "x" },
  ]);
  assert.equal(parser.retryMs, 3000);
  assert.equal(parser.lastEventId, "8");
});

test("multi-line data joins with newlines; an event without data is dropped", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push("data: one\ndata:two\n\nevent: ping\n\n"), [
    { id: null, event: "message", data: "one\ntwo" },
  ]);
});

test("a CR at the end of a chunk waits for its LF", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push("data: a\r"), []);
  assert.deepEqual(parser.push("\n\r\n"), [{ id: null, event: "message", data: "a" }]);
});
