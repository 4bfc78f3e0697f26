// The one way the app talks to the server, in the page and in the service worker alike: the
// httpOnly cookies ride along, the CSRF double-submit value comes from a reader (the meta store by
// default: a worker cannot read document.cookie), a 401 gets one refresh shared by every call in
// this context and, through a Web Lock, with every other context, a timeout ends every wait, and
// RFC 9457 problems become typed errors. No DOM here.
import { getMeta, setMeta } from "../data/db";
import { withLock } from "../data/locks";
import { readProblem, type Problem } from "../data/problem";
export type { Problem } from "../data/problem";

export const REFRESH_PATH = "/api/v1/auth/refresh";
export const LOGIN_PATH = "/api/v1/auth/login";
export const REFRESH_LOCK = "auth-refresh";
export const DEFAULT_TIMEOUT_MS = 30_000;
// A 401 from these means "wrong credentials" or "refresh token dead": refreshing would not help.
const NO_REFRESH = new Set([LOGIN_PATH, REFRESH_PATH]);

/** The server answered with an error: its problem, typed. */
export class ApiError extends Error implements Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: Record<string, string[]>;

  constructor(p: Problem) {
    super(p.detail ? `${p.title}: ${p.detail}` : p.title);
    this.name = "ApiError";
    this.type = p.type;
    this.title = p.title;
    this.status = p.status;
    this.detail = p.detail;
    this.errors = p.errors;
  }

  get problem(): Problem {
    return { type: this.type, title: this.title, status: this.status, detail: this.detail, errors: this.errors };
  }
}

/** The session is over (the refresh was refused): log in again; nothing on the phone is dropped. */
export class AuthLostError extends ApiError {
  constructor(problem?: Problem) {
    super(problem ?? { type: "about:blank", title: "Unauthorized", status: 401 });
    this.name = "AuthLostError";
  }
}

/** No HTTP answer: no signal, server unreachable, or too slow (timedOut). */
export class OfflineError extends Error {
  constructor(
    message = "network unreachable",
    readonly timedOut = false,
  ) {
    super(message);
    this.name = "OfflineError";
  }
}

export type CsrfKind = "access" | "refresh";
export type AuthedFetch = (path: string, init?: RequestInit & { timeoutMs?: number }) => Promise<Response>;

export interface ClientOptions {
  fetch?: typeof fetch;
  /** Where the CSRF values come from; the meta store unless the page can read its cookies. */
  readCsrf?: (kind: CsrfKind) => string | undefined | Promise<string | undefined>;
  timeoutMs?: number;
  onReachable?: (ok: boolean) => void;
  onAuthLost?: () => void;
}

export const readCsrfFromMeta = (kind: CsrfKind) => getMeta<string>(kind === "access" ? "csrf_access" : "csrf_refresh");

/** Keeps the CSRF values of a login or refresh answer (never its tokens) for every context. */
export async function rememberCsrf(body: unknown): Promise<void> {
  const b = (body ?? {}) as { csrf_access_token?: unknown; csrf_refresh_token?: unknown };
  if (typeof b.csrf_access_token === "string") await setMeta("csrf_access", b.csrf_access_token);
  if (typeof b.csrf_refresh_token === "string") await setMeta("csrf_refresh", b.csrf_refresh_token);
}

/** Reads an error answer as an ApiError; only a JSON body can be a problem (a proxy's HTML page keeps its status). */
export async function toApiError(res: Response): Promise<ApiError> {
  if (!(res.headers.get("Content-Type") ?? "").includes("json")) {
    return new ApiError({ type: "about:blank", title: res.statusText || `HTTP ${res.status}`, status: res.status });
  }
  return new ApiError(await readProblem(res));
}

export function createClient(options: ClientOptions = {}) {
  const fetchFn = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const readCsrf = async (kind: CsrfKind) => {
    try {
      return await (options.readCsrf ?? readCsrfFromMeta)(kind);
    } catch {
      return undefined; // no IndexedDB (private mode): the server's 401 then says what is missing
    }
  };
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let onAuthLost = options.onAuthLost;
  // Concurrent 401s in this context wait for one refresh; the lock serialises it with other contexts.
  let refreshing: Promise<boolean> | null = null;

  async function send(path: string, init: RequestInit, csrf: string | undefined, timeoutMs: number): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has("Accept")) headers.set("Accept", "application/json, application/problem+json");
    const method = (init.method ?? "GET").toUpperCase();
    if (csrf && method !== "GET" && method !== "HEAD") headers.set("X-CSRF-TOKEN", csrf);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await fetchFn(path, { ...init, method, headers, credentials: "same-origin", signal: controller.signal });
      options.onReachable?.(true);
      return res;
    } catch (err) {
      options.onReachable?.(false);
      throw new OfflineError(String(err), controller.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
  }

  /** True when a fresh access token is now in the cookie jar (ours or another context's refresh). */
  function refresh(sentWith: string | undefined): Promise<boolean> {
    if (refreshing) return refreshing;
    const p = withLock(REFRESH_LOCK, async () => {
      const now = await readCsrf("access");
      // Another call or context refreshed while our request was out: use theirs, do not rotate again.
      if (now && now !== sentWith) return true;
      const res = await send(REFRESH_PATH, { method: "POST" }, await readCsrf("refresh"), defaultTimeout);
      if (res.ok) {
        await rememberCsrf(await res.json().catch(() => null)).catch(() => undefined);
        return true;
      }
      if (res.status === 401 || res.status === 422) return false;
      // The server could not say (502 from a proxy, 503): not a verdict on the session.
      throw new OfflineError(`refresh answered ${res.status}`);
    });
    refreshing = p;
    const clear = () => {
      if (refreshing === p) refreshing = null;
    };
    p.then(clear, clear);
    return p;
  }

  /** Sends with auth; answers any HTTP response; throws OfflineError or AuthLostError. */
  const authedFetch: AuthedFetch = async (path, init = {}) => {
    const { timeoutMs = defaultTimeout, ...rest } = init;
    const csrf = await readCsrf("access");
    const res = await send(path, rest, csrf, timeoutMs);
    if (res.ok && path === LOGIN_PATH) await rememberCsrf(await res.clone().json().catch(() => null)).catch(() => undefined);
    if (res.status !== 401 || NO_REFRESH.has(path)) return res;
    // Any 401 gets one refresh: an access cookie that expired while offline is simply gone from the
    // jar (the server then says "unauthorized", not "token-expired"). A dead session fails the refresh.
    const first = await readProblem(res.clone());
    if (!(await refresh(csrf))) throw new AuthLostError(first);
    const again = await send(path, rest, await readCsrf("access"), timeoutMs);
    if (again.status === 401) throw new AuthLostError(await readProblem(again));
    return again;
  };

  async function request<T>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    let res: Response;
    try {
      res = await authedFetch(path, {
        method,
        headers: body === undefined ? undefined : { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs,
      });
    } catch (err) {
      if (err instanceof AuthLostError) onAuthLost?.();
      throw err;
    }
    if (!res.ok) throw await toApiError(res);
    if (res.status === 204 || !(res.headers.get("Content-Type") ?? "").includes("json")) return undefined as T;
    return (await res.json()) as T;
  }

  return {
    fetch: authedFetch,
    request,
    get: <T>(path: string) => request<T>("GET", path),
    post: <T>(path: string, body?: unknown) => request<T>("POST", path, body),
    put: <T>(path: string, body?: unknown) => request<T>("PUT", path, body),
    del: <T>(path: string, body?: unknown) => request<T>("DELETE", path, body),
    setOnAuthLost(fn: () => void): void {
      onAuthLost = fn;
    },
  };
}

export type ApiClient = ReturnType<typeof createClient>;
