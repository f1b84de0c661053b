// A server-sent events parser (the WHATWG "event stream" rules), fed text as
// it arrives. The command center reads the stream with fetch() rather than
// EventSource, so that it can send the access token in a header and renew it.
export class SseParser {
  constructor() {
    this.buffer = "";
    this.reset();
    this.lastEventId = null;
    this.retryMs = null;
  }

  reset() {
    this.data = [];
    this.event = "";
    this.id = null;
  }

  // Returns the events completed by this chunk: { id, event, data }.
  push(chunk) {
    this.buffer += chunk;
    const events = [];
    let newline;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const width = this.buffer.startsWith("\r\n", newline) ? 2 : 1;
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (this.buffer[newline] === "\r" && newline === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + width);
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  line(line) {
    if (line === "") {
      if (this.id !== null) this.lastEventId = this.id;
      const event = this.data.length
        ? { id: this.lastEventId, event: this.event || "message", data: this.data.join("\n") }
        : null;
      this.reset();
      return event;
    }
    if (line.startsWith(":")) return null; // a comment: keep-alive
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.id = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
    return null;
  }
}
