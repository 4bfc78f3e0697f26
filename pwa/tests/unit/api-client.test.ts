import { beforeEach, describe, expect, it, vi } from "vitest";
import { freshDb } from "./fake-server";
import { getMeta, setMeta } from "../../src/data/db";
import { ApiError, AuthLostError, OfflineError, REFRESH_PATH, createClient } from "../../src/api/client";
import { readCookie } from "../../src/api";

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });

type Call = { url: string; init: RequestInit };
const header = (call: Call, name: string) => new Headers(call.init.headers).get(name);

/**
 * A server whose CSRF values change on each refresh, as flask-jwt-extended's do (one per token),
 * and a CSRF reader over the meta store: the client a service worker gets.
 */
function authServer(opts: { holdRefresh?: Promise<void>; refreshStatus?: number } = {}) {
  const calls: Call[] = [];
  let gen = 1;
  const fetchFn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(url), init: init! };
    calls.push(call);
    const csrf = header(call, "X-CSRF-TOKEN");
    if (call.url === REFRESH_PATH) {
      await opts.holdRefresh;
      if (opts.refreshStatus) return json(opts.refreshStatus, { type: "about:blank", title: "x", status: opts.refreshStatus });
      if (csrf !== `R${gen}`) return json(401, { type: "https://e.example/problems/token-revoked", title: "Revoked", status: 401 });
      gen += 1;
      return json(200, { csrf_access_token: `A${gen}`, csrf_refresh_token: `R${gen}`, access_token: "never-kept" });
    }
    // The first generation's access token has expired: everything answers 401 until a refresh.
    if (gen === 1) return json(401, { type: "https://e.example/problems/token-expired", title: "Expired", status: 401 }, "application/problem+json");
    if (call.init.method !== "GET" && csrf !== `A${gen}`) return json(401, { type: "https://e.example/problems/csrf", title: "CSRF", status: 401 });
    return json(200, { url: call.url });
  });
  return { calls, fetchFn, refreshes: () => calls.filter((c) => c.url === REFRESH_PATH) };
}

beforeEach(async () => {
  freshDb();
  await setMeta("csrf_access", "A1");
  await setMeta("csrf_refresh", "R1");
});

describe("problems", () => {
  it("turns a problem+json body into a typed ApiError carrying the problem", async () => {
    const problem = {
      type: "https://emergency-field.example/problems/validation",
      title: "Invalid input",
      status: 422,
      detail: "username is required",
      errors: { username: ["Missing data for required field."] },
    };
    const client = createClient({ fetch: async () => json(422, problem, "application/problem+json") });
    const err = await client.post("/api/v1/auth/login", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).problem).toEqual(problem);
  });

  it("still gives an ApiError with the status when a proxy answers with HTML", async () => {
    const client = createClient({
      fetch: async () => new Response("<h1>Bad gateway</h1>", { status: 502, statusText: "Bad Gateway", headers: { "Content-Type": "text/html" } }),
    });
    await expect(client.get("/api/v1/me")).rejects.toMatchObject({ status: 502, type: "about:blank", title: "Bad Gateway" });
  });

  it("keeps only the known fields of a malformed problem body", async () => {
    const client = createClient({ fetch: async () => json(409, { type: 7, title: "Conflict", status: "x", errors: "no" }, "application/problem+json") });
    const err = (await client.get("/api/v1/x").catch((e: unknown) => e)) as ApiError;
    expect(err.problem).toEqual({ type: "about:blank", title: "Conflict", status: 409, detail: undefined, errors: undefined });
  });
});

describe("no answer", () => {
  it("reports a failed fetch as an OfflineError and as unreachable", async () => {
    const onReachable = vi.fn();
    const client = createClient({
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
      onReachable,
    });
    const err = await client.get("/api/v1/me").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OfflineError);
    expect((err as OfflineError).timedOut).toBe(false);
    expect(onReachable).toHaveBeenLastCalledWith(false);
  });

  it("gives up after the timeout with an OfflineError instead of waiting forever", async () => {
    const hang = (_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_, reject) => init!.signal!.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
    const client = createClient({ fetch: hang as typeof fetch, timeoutMs: 30 });
    const started = Date.now();
    const err = await client.get("/api/v1/me").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OfflineError);
    expect((err as OfflineError).timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a call may ask for a longer timeout (a photo on two bars of signal)", async () => {
    const slow = (_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((resolve, reject) => {
        const timer = setTimeout(() => resolve(json(201, {})), 60);
        init!.signal!.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(new DOMException("aborted", "AbortError"));
        });
      });
    const client = createClient({ fetch: slow as typeof fetch, timeoutMs: 20 });
    await expect(client.fetch("/api/v1/media/x", { method: "PUT", timeoutMs: 1000 })).resolves.toHaveProperty("status", 201);
    await expect(client.fetch("/api/v1/media/x", { method: "PUT" })).rejects.toBeInstanceOf(OfflineError);
  });
});

describe("auth", () => {
  it("sends cookies, and the CSRF header from the meta store only on non-GET requests", async () => {
    const calls: Call[] = [];
    const client = createClient({
      fetch: async (url, init) => {
        calls.push({ url: String(url), init: init! });
        return json(200, {});
      },
    });
    await client.get("/api/v1/me");
    await client.post("/api/v1/reports", { a: 1 });
    expect(calls.every((c) => c.init.credentials === "same-origin")).toBe(true);
    expect(header(calls[0], "X-CSRF-TOKEN")).toBeNull();
    expect(header(calls[1], "X-CSRF-TOKEN")).toBe("A1");
    expect(calls[1].init.body).toBe('{"a":1}');
  });

  it("concurrent 401s share exactly one refresh, then every request is retried with the new CSRF", async () => {
    let release!: () => void;
    const srv = authServer({ holdRefresh: new Promise<void>((r) => (release = r)) });
    const client = createClient({ fetch: srv.fetchFn });
    const pending = Promise.all([client.get("/api/v1/a"), client.get("/api/v1/b"), client.post("/api/v1/c", {})]);
    await vi.waitFor(() => expect(srv.refreshes()).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 20)); // give a wrongly started second refresh its chance
    release();
    expect(await pending).toEqual([{ url: "/api/v1/a" }, { url: "/api/v1/b" }, { url: "/api/v1/c" }]);
    expect(srv.refreshes()).toHaveLength(1);
    expect(header(srv.refreshes()[0], "X-CSRF-TOKEN")).toBe("R1");
    expect(srv.calls).toHaveLength(7); // 3 first tries, 1 refresh, 3 retries
    expect(await getMeta("csrf_access")).toBe("A2");
    expect(await getMeta("csrf_refresh")).toBe("R2");
  });

  it("two clients (the page and the worker) share the refresh through the lock and the meta store", async () => {
    const srv = authServer();
    const page = createClient({ fetch: srv.fetchFn });
    const worker = createClient({ fetch: srv.fetchFn });
    const results = await Promise.all([page.get("/api/v1/a"), worker.fetch("/api/v1/sync", { method: "POST" })]);
    expect(results[0]).toEqual({ url: "/api/v1/a" });
    expect((results[1] as Response).status).toBe(200);
    expect(srv.refreshes()).toHaveLength(1);
  });

  it("when the refresh is refused, the request rejects with AuthLostError (a 401 ApiError) and auth-lost fires", async () => {
    await setMeta("csrf_refresh", "dead");
    const srv = authServer();
    const onAuthLost = vi.fn();
    const client = createClient({ fetch: srv.fetchFn, onAuthLost });
    const err = await client.get("/api/v1/me").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthLostError);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, type: "https://e.example/problems/token-expired" });
    expect(onAuthLost).toHaveBeenCalledTimes(1);
  });

  it("a refresh the server could not answer (503) is not a lost session", async () => {
    const srv = authServer({ refreshStatus: 503 });
    const onAuthLost = vi.fn();
    const client = createClient({ fetch: srv.fetchFn, onAuthLost });
    await expect(client.get("/api/v1/me")).rejects.toBeInstanceOf(OfflineError);
    expect(onAuthLost).not.toHaveBeenCalled();
  });

  it("a 401 from login means wrong credentials: no refresh", async () => {
    const urls: string[] = [];
    const client = createClient({
      fetch: async (url) => {
        urls.push(String(url));
        return json(401, {});
      },
    });
    await expect(client.post("/api/v1/auth/login", { username: "x", password: "y" })).rejects.toMatchObject({ status: 401 });
    expect(urls).toEqual(["/api/v1/auth/login"]);
  });

  it("keeps the CSRF values of a login for the worker, never its tokens", async () => {
    const client = createClient({
      fetch: async () => json(200, { csrf_access_token: "LA", csrf_refresh_token: "LR", access_token: "secret", user: {} }),
    });
    await client.post("/api/v1/auth/login", { username: "u", password: "p" });
    expect(await getMeta("csrf_access")).toBe("LA");
    expect(await getMeta("csrf_refresh")).toBe("LR");
  });

  it("the page's cookie reader wins over the meta store", async () => {
    const jar: Record<string, string> = { csrf_access_token: "cookie-A" };
    const calls: Call[] = [];
    const client = createClient({
      readCsrf: (kind) => (kind === "access" ? jar.csrf_access_token : undefined),
      fetch: async (url, init) => {
        calls.push({ url: String(url), init: init! });
        return json(200, {});
      },
    });
    await client.post("/api/v1/x", {});
    expect(header(calls[0], "X-CSRF-TOKEN")).toBe("cookie-A");
  });
});

describe("readCookie", () => {
  it("finds a cookie among others and decodes it", () => {
    expect(readCookie("csrf_access_token", "a=1; csrf_access_token=ab%3Dc; b=2")).toBe("ab=c");
    expect(readCookie("missing", "a=1")).toBeUndefined();
  });
});
