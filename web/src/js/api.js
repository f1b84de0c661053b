// Calls to the service that served the page (same origin): JSON in, JSON out,
// and RFC 9457 problems turned into an ApiError that keeps the stable code.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code ?? `http_${status}`;
    this.problem = problem ?? {};
    this.retryAfter = null;
  }

  // Field paths ("location.lat", "reporter.phone") of a 422.
  get fieldErrors() {
    return this.problem.errors ?? [];
  }
}

async function problemOf(response) {
  const type = response.headers.get("content-type") || "";
  if (type.includes("json")) {
    try {
      return await response.json();
    } catch {
      return null;
    }
  }
  return null;
}

export async function request(path, { method = "GET", json, form, body, headers = {}, signal } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, signal };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  } else if (form !== undefined) {
    init.body = new URLSearchParams(form);
  } else if (body !== undefined) {
    init.body = body; // FormData: the browser sets the multipart boundary
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    if (cause.name === "AbortError") throw cause;
    const error = new ApiError(0, { code: "network", detail: String(cause) });
    throw error;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, await problemOf(response));
    const retry = response.headers.get("Retry-After");
    error.retryAfter = retry ? Number(retry) : null;
    throw error;
  }
  if (response.status === 204) return null;
  const answer = await response.json();
  answer && typeof answer === "object" && Object.defineProperty(answer, "$status", {
    value: response.status,
    enumerable: false,
  });
  return answer;
}

// A UUIDv4 for Idempotency-Key; crypto.randomUUID needs a secure context,
// which plain http on a LAN address is not.
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
