// The live stream of incident changes (GET /v1/live/incidents), resumed after
// a drop from the last event seen (Last-Event-ID), with a fresh token each
// time. Calls onEvent(payload) per change, onReset() when the server no longer
// has what was missed (reload everything; the stream goes on from now), and
// onState("live"|"connecting"|"down").
import { SseParser } from "../sse.js";
import { accessToken } from "./auth.js";

const MAX_BACKOFF_MS = 30000;

export function connectLive({ onEvent, onReset, onState }) {
  let lastEventId = null;
  let stopped = false;
  let controller = null;
  let failures = 0;

  async function once() {
    controller = new AbortController();
    const headers = { Accept: "text/event-stream", Authorization: `Bearer ${await accessToken()}` };
    if (lastEventId !== null) headers["Last-Event-ID"] = lastEventId;
    const response = await fetch("/v1/live/incidents", { headers, signal: controller.signal, cache: "no-store" });
    if (!response.ok || !response.body) throw new Error(`live: HTTP ${response.status}`);
    onState("live");
    failures = 0;
    const parser = new SseParser();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return parser.retryMs;
      for (const event of parser.push(value)) {
        if (event.id !== null) lastEventId = event.id;
        if (event.event === "reset") {
          onReset();
          continue;
        }
        if (event.event !== "incident") continue;
        try {
          onEvent(JSON.parse(event.data));
        } catch (error) {
          console.warn("live: bad event", error);
        }
      }
    }
  }

  async function run() {
    while (!stopped) {
      onState(failures ? "down" : "connecting");
      let retryMs = null;
      try {
        retryMs = await once();
      } catch (error) {
        if (stopped) return;
        failures += 1;
      }
      const wait = Math.min(MAX_BACKOFF_MS, (retryMs ?? 3000) * 2 ** Math.min(failures, 4));
      await new Promise((resolve) => setTimeout(resolve, failures ? wait : 500));
    }
  }

  run();
  return {
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}
