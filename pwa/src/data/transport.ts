// How the sync engine reaches the server, from the page or the service worker: the httpOnly
// cookies ride along, the CSRF double-submit value comes from the meta store (a worker cannot read
// document.cookie), and a 401 is answered by one refresh shared with every other context.
import { getMeta, setMeta } from "./db";
import { withLock } from "./locks";
import { readProblem, type Problem } from "./problem";

export const REFRESH_PATH = "/api/v1/auth/refresh";
export const REFRESH_LOCK = "auth-refresh";

/** No HTTP answer: no signal, server unreachable, or too slow. */
export class OfflineError extends Error {
  constructor(message = "network unreachable") {
    super(message);
    this.name = "OfflineError";
  }
}

/** The session is over (refresh refused): the user must log in again; nothing is dropped. */
export class AuthLostError extends Error {
  constructor(readonly problem?: Problem) {
    super(problem?.detail ?? "login needed");
    this.name = "AuthLostError";
  }
}

export type CsrfKind = "access" | "refresh";
export type AuthedFetch = (path: string, init?: RequestInit & { timeoutMs?: number }) => Promise<Response>;

export interface TransportOptions {
  fetch?: typeof fetch;
  /** Where the CSRF values come from; the meta store unless the page can read its cookies. */
  readCsrf?: (kind: CsrfKind) => Promise<string | undefined>;
  timeoutMs?: number;
}

export const readCsrfFromMeta = (kind: CsrfKind) => getMeta<string>(kind === "access" ? "csrf_access" : "csrf_refresh");

/** Keeps the CSRF values of a login or refresh answer (never its tokens). */
export async function rememberCsrf(body: unknown): Promise<void> {
  const b = (body ?? {}) as { csrf_access_token?: unknown; csrf_refresh_token?: unknown };
  if (typeof b.csrf_access_token === "string") await setMeta("csrf_access", b.csrf_access_token);
  if (typeof b.csrf_refresh_token === "string") await setMeta("csrf_refresh", b.csrf_refresh_token);
}

export function createTransport(options: TransportOptions = {}): AuthedFetch {
  const fetchFn = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const readCsrf = options.readCsrf ?? readCsrfFromMeta;
  const defaultTimeout = options.timeoutMs ?? 30_000;

  async function send(path: string, init: RequestInit, csrf: string | undefined, timeoutMs: number): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has("Accept")) headers.set("Accept", "application/json, application/problem+json");
    if (csrf && init.method && init.method !== "GET") headers.set("X-CSRF-TOKEN", csrf);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      return await fetchFn(path, { ...init, headers, credentials: "same-origin", signal: controller.signal });
    } catch (err) {
      throw new OfflineError(String(err));
    } finally {
      clearTimeout(timer);
    }
  }

  /** True when a fresh access token is now in the cookie jar (ours or another context's refresh). */
  function refresh(sentWith: string | undefined): Promise<boolean> {
    return withLock(REFRESH_LOCK, async () => {
      const now = await readCsrf("access");
      // The page or the worker refreshed while our request was out: use theirs, do not rotate again.
      if (now && now !== sentWith) return true;
      const res = await send(REFRESH_PATH, { method: "POST" }, await readCsrf("refresh"), defaultTimeout);
      if (res.ok) {
        await rememberCsrf(await res.json().catch(() => null));
        return true;
      }
      if (res.status === 401 || res.status === 422) return false;
      throw new OfflineError(`refresh answered ${res.status}`);
    });
  }

  return async function authedFetch(path, init = {}) {
    const timeoutMs = init.timeoutMs ?? defaultTimeout;
    const csrf = await readCsrf("access");
    const res = await send(path, init, csrf, timeoutMs);
    if (res.status !== 401) return res;
    // Any 401 gets one refresh: an access cookie that expired while offline is simply gone from the
    // jar (the server then says "unauthorized", not "token-expired"). A dead session fails the refresh.
    const first = await readProblem(res);
    if (!(await refresh(csrf))) throw new AuthLostError(first);
    const again = await send(path, init, await readCsrf("access"), timeoutMs);
    if (again.status === 401) throw new AuthLostError(await readProblem(again));
    return again;
  };
}
