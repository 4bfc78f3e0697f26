// The one way the app talks to the server: cookie auth with the CSRF header, a single shared
// refresh on 401, a timeout instead of an endless wait, and RFC 9457 problems as typed errors.

import { readProblem, type Problem } from "../data/problem";
export type { Problem } from "../data/problem";

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
}

/** The request never got an HTTP answer: no signal, server down, or too slow. */
export class NetworkError extends Error {
  constructor(message = "network unreachable", readonly timedOut = false) {
    super(message);
    this.name = "NetworkError";
  }
}

export const REFRESH_PATH = "/api/v1/auth/refresh";
// A 401 from these means "wrong credentials" or "refresh token dead": refreshing would not help.
const NO_REFRESH = new Set(["/api/v1/auth/login", REFRESH_PATH]);

export interface ClientOptions {
  fetch?: typeof fetch;
  getCookie?: (name: string) => string | undefined;
  onReachable?: (ok: boolean) => void;
  onAuthLost?: () => void;
  timeoutMs?: number;
  /**
   * Runs a refresh under a lock shared with the service worker (Web Locks), so the page and the
   * worker never rotate the refresh token at the same moment. Default: no cross-context lock.
   */
  refreshLock?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Gets a login or refresh answer's body, to keep its CSRF values for the worker. */
  onTokens?: (body: unknown) => void | Promise<void>;
}

export function readCookie(name: string, source?: string): string | undefined {
  const cookies = source ?? (typeof document === "undefined" ? "" : document.cookie);
  for (const part of cookies.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export async function toApiError(res: Response): Promise<ApiError> {
  // Only a JSON body can be a problem: a proxy's HTML error page keeps just its status.
  if (!(res.headers.get("Content-Type") ?? "").includes("json")) {
    return new ApiError({ type: "about:blank", title: res.statusText || `HTTP ${res.status}`, status: res.status });
  }
  return new ApiError(await readProblem(res));
}

export function createClient(options: ClientOptions = {}) {
  const fetchFn = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const getCookie = options.getCookie ?? ((name: string) => readCookie(name));
  const timeoutMs = options.timeoutMs ?? 20_000;
  let onAuthLost = options.onAuthLost;

  // Refresh bookkeeping: concurrent 401s share one refresh; a 401 to a request sent before a
  // refresh that has since finished reuses that refresh's outcome instead of starting another.
  let refreshing: Promise<boolean> | null = null;
  let generation = 0;
  let lastRefreshOk = false;

  async function send(method: string, path: string, body: unknown, csrfCookie: string): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json, application/problem+json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && method !== "HEAD") {
      const csrf = getCookie(csrfCookie);
      if (csrf) headers["X-CSRF-TOKEN"] = csrf;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await fetchFn(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        signal: controller.signal,
      });
      options.onReachable?.(true);
      return res;
    } catch (err) {
      options.onReachable?.(false);
      throw new NetworkError(String(err), controller.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
  }

  function refreshOnce(sentAtGeneration: number, sentWithCsrf: string | undefined): Promise<boolean> {
    if (refreshing) return refreshing;
    if (sentAtGeneration !== generation) return Promise.resolve(lastRefreshOk);
    const lock = options.refreshLock ?? (<T>(fn: () => Promise<T>) => fn());
    const p = lock(async () => {
      // The worker refreshed while our request was out (the cookie changed): use its tokens.
      const now = getCookie("csrf_access_token");
      if (sentWithCsrf && now && now !== sentWithCsrf) return true;
      const res = await send("POST", REFRESH_PATH, undefined, "csrf_refresh_token");
      if (res.ok && options.onTokens) await options.onTokens(await res.clone().json().catch(() => null));
      return res.ok;
    }).catch(() => false);
    refreshing = p;
    // Registered before any caller awaits p, so the bookkeeping is done when they resume.
    void p.then((ok) => {
      lastRefreshOk = ok;
      generation += 1;
      refreshing = null;
    });
    return p;
  }

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const sentAt = generation;
    const sentWithCsrf = getCookie("csrf_access_token");
    let res = await send(method, path, body, "csrf_access_token");
    if (res.ok && path === "/api/v1/auth/login" && options.onTokens) {
      await options.onTokens(await res.clone().json().catch(() => null));
    }
    if (res.status === 401 && !NO_REFRESH.has(path)) {
      if (await refreshOnce(sentAt, sentWithCsrf)) {
        res = await send(method, path, body, "csrf_access_token");
      } else {
        onAuthLost?.();
      }
    }
    if (!res.ok) throw await toApiError(res);
    if (res.status === 204 || !(res.headers.get("Content-Type") ?? "").includes("json")) {
      return undefined as T;
    }
    return (await res.json()) as T;
  }

  return {
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
