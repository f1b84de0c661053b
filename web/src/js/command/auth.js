// The operator's session: OAuth2 password login, the short-lived access token
// refreshed before it expires (refresh tokens rotate: each is spent once), and
// every API call made with it. Kept in sessionStorage: closing the tab ends it.
import { ApiError, request } from "../api.js";

const KEY = "tanggap.session";
const EARLY_S = 60; // refresh this long before the access token expires

let session = load();
let refreshing = null;
const onLogout = new Set();

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
}

function store(answer) {
  session = {
    access: answer.access_token,
    refresh: answer.refresh_token,
    expiresAt: Date.now() + answer.expires_in * 1000,
    operator: answer.operator,
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function operator() {
  return session?.operator ?? null;
}

export function whenLoggedOut(listener) {
  onLogout.add(listener);
}

export async function login(username, password) {
  store(await request("/v1/auth/token", { method: "POST", form: { username, password, grant_type: "password" } }));
  return session.operator;
}

function clear() {
  session = null;
  sessionStorage.removeItem(KEY);
  for (const listener of onLogout) listener();
}

export async function logout() {
  const current = session;
  if (current) {
    try {
      await request("/v1/auth/logout", {
        method: "POST",
        json: { refresh_token: current.refresh },
        headers: { Authorization: `Bearer ${current.access}` },
      });
    } catch {
      // The session ends here whatever the server said.
    }
  }
  clear();
}

async function refresh() {
  if (!refreshing) {
    const spent = session.refresh;
    refreshing = request("/v1/auth/refresh", { method: "POST", json: { refresh_token: spent } })
      .then(store)
      .catch((error) => {
        clear();
        throw error;
      })
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

// A valid access token, refreshed first when it is about to expire.
export async function accessToken() {
  if (!session) throw new ApiError(401, { code: "not_logged_in", detail: "log in" });
  if (Date.now() > session.expiresAt - EARLY_S * 1000) await refresh();
  return session.access;
}

// request() with the operator's token; one retry after a refresh on 401
// (a token revoked or expired in between).
export async function api(path, options = {}) {
  const call = async () =>
    request(path, {
      ...options,
      headers: { ...(options.headers ?? {}), Authorization: `Bearer ${await accessToken()}` },
    });
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && session) {
      await refresh();
      return call();
    }
    throw error;
  }
}
