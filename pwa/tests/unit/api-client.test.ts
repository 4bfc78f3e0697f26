import { describe, expect, it, vi } from "vitest";
import { ApiError, NetworkError, REFRESH_PATH, createClient, readCookie } from "../../src/api/client";

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });

const cookies: Record<string, string> = { csrf_access_token: "csrf-A", csrf_refresh_token: "csrf-R" };
const getCookie = (name: string) => cookies[name];

type Call = { url: string; init: RequestInit };
const header = (call: Call, name: string) => (call.init.headers as Record<string, string>)[name];

describe("api client errors", () => {
  it("turns a problem+json body into a typed ApiError", async () => {
    const problem = {
      type: "https://yingjitong.example/problems/validation",
      title: "Invalid input",
      status: 422,
      detail: "username is required",
      errors: { username: ["Missing data for required field."] },
    };
    const client = createClient({ fetch: async () => json(422, problem, "application/problem+json"), getCookie });
    const err = await client.post("/api/v1/auth/login", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject(problem);
  });

  it("still gives an ApiError when a proxy answers with HTML", async () => {
    const client = createClient({
      fetch: async () => new Response("<h1>Bad gateway</h1>", { status: 502, statusText: "Bad Gateway", headers: { "Content-Type": "text/html" } }),
      getCookie,
    });
    await expect(client.get("/api/v1/me")).rejects.toMatchObject({ status: 502, type: "about:blank", title: "Bad Gateway" });
  });

  it("reports a failed fetch as a NetworkError and as unreachable", async () => {
    const onReachable = vi.fn();
    const client = createClient({ fetch: async () => { throw new TypeError("Failed to fetch"); }, getCookie, onReachable });
    await expect(client.get("/api/v1/me")).rejects.toBeInstanceOf(NetworkError);
    expect(onReachable).toHaveBeenLastCalledWith(false);
  });
});

describe("api client auth", () => {
  it("sends cookies, and the CSRF header only on non-GET requests", async () => {
    const calls: Call[] = [];
    const client = createClient({ fetch: async (url, init) => { calls.push({ url: String(url), init: init! }); return json(200, {}); }, getCookie });
    await client.get("/api/v1/me");
    await client.post("/api/v1/reports", { a: 1 });
    expect(calls.every((c) => c.init.credentials === "same-origin")).toBe(true);
    expect(header(calls[0], "X-CSRF-TOKEN")).toBeUndefined();
    expect(header(calls[1], "X-CSRF-TOKEN")).toBe("csrf-A");
    expect(calls[1].init.body).toBe('{"a":1}');
  });

  it("concurrent 401s trigger exactly one refresh, then every request is retried", async () => {
    let refreshed = false;
    const calls: Call[] = [];
    let releaseRefresh!: () => void;
    const refreshGate = new Promise<void>((r) => (releaseRefresh = r));
    const fetchMock = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      const call = { url: String(url), init: init! };
      calls.push(call);
      if (call.url === REFRESH_PATH) {
        await refreshGate; // hold the refresh open so all three 401s arrive while it is in flight
        refreshed = true;
        return json(200, { refreshed: true });
      }
      return refreshed ? json(200, { url: call.url }) : json(401, { type: "about:blank", title: "Unauthorized", status: 401 }, "application/problem+json");
    });
    const client = createClient({ fetch: fetchMock, getCookie });

    const pending = Promise.all([client.get("/api/v1/a"), client.get("/api/v1/b"), client.post("/api/v1/c", {})]);
    await vi.waitFor(() => expect(calls.filter((c) => c.url === REFRESH_PATH)).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 10)); // give any wrongly started second refresh a chance
    releaseRefresh();
    const results = await pending;

    expect(results).toEqual([{ url: "/api/v1/a" }, { url: "/api/v1/b" }, { url: "/api/v1/c" }]);
    const refreshCalls = calls.filter((c) => c.url === REFRESH_PATH);
    expect(refreshCalls).toHaveLength(1);
    expect(refreshCalls[0].init.method).toBe("POST");
    expect(header(refreshCalls[0], "X-CSRF-TOKEN")).toBe("csrf-R");
    expect(calls).toHaveLength(7); // 3 first tries, 1 refresh, 3 retries
  });

  it("a 401 arriving after a refresh finished retries without refreshing again", async () => {
    let refreshed = false;
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((r) => (releaseSlow = r));
    const urls: string[] = [];
    const client = createClient({
      getCookie,
      fetch: async (url) => {
        const u = String(url);
        urls.push(u);
        if (u === REFRESH_PATH) { refreshed = true; return json(200, {}); }
        const wasRefreshed = refreshed;
        if (u === "/api/v1/slow" && !wasRefreshed) await slowGate; // sent before the refresh, answers after it
        return wasRefreshed ? json(200, { u }) : json(401, {});
      },
    });
    const slow = client.get("/api/v1/slow");
    await client.get("/api/v1/fast"); // 401, refresh, retry
    releaseSlow();
    await expect(slow).resolves.toEqual({ u: "/api/v1/slow" });
    expect(urls.filter((u) => u === REFRESH_PATH)).toHaveLength(1);
  });

  it("when the refresh fails, requests reject with the 401 and auth-lost fires", async () => {
    const onAuthLost = vi.fn();
    const client = createClient({
      getCookie,
      onAuthLost,
      fetch: async () => json(401, { type: "about:blank", title: "Unauthorized", status: 401 }, "application/problem+json"),
    });
    await expect(client.get("/api/v1/me")).rejects.toMatchObject({ status: 401 });
    expect(onAuthLost).toHaveBeenCalledTimes(1);
  });

  it("a 401 from login means wrong credentials: no refresh", async () => {
    const urls: string[] = [];
    const client = createClient({ getCookie, fetch: async (url) => { urls.push(String(url)); return json(401, {}); } });
    await expect(client.post("/api/v1/auth/login", { username: "x", password: "y" })).rejects.toMatchObject({ status: 401 });
    expect(urls).toEqual(["/api/v1/auth/login"]);
  });
});

describe("api client and the service worker", () => {
  it("a 401 after the worker refreshed (the CSRF cookie changed) retries without refreshing again", async () => {
    const jar: Record<string, string> = { csrf_access_token: "old", csrf_refresh_token: "r-old" };
    const urls: string[] = [];
    const locked: string[] = [];
    const client = createClient({
      getCookie: (n) => jar[n],
      refreshLock: async (fn) => {
        locked.push("lock");
        return fn();
      },
      fetch: async (url, init) => {
        const u = String(url);
        urls.push(u);
        const csrf = (init!.headers as Record<string, string>)["X-CSRF-TOKEN"];
        if (u === "/api/v1/x" && csrf === "old") {
          jar.csrf_access_token = "new"; // the worker's refresh landed while this request was out
          return json(401, {});
        }
        return json(200, { ok: true });
      },
    });
    await expect(client.post("/api/v1/x", {})).resolves.toEqual({ ok: true });
    expect(urls).toEqual(["/api/v1/x", "/api/v1/x"]);
    expect(locked).toEqual(["lock"]);
  });

  it("hands the CSRF values of a login and of a refresh to onTokens, under the shared lock", async () => {
    const seen: unknown[] = [];
    let refreshed = false;
    const client = createClient({
      getCookie,
      onTokens: (body) => void seen.push(body),
      refreshLock: (fn) => fn(),
      fetch: async (url) => {
        const u = String(url);
        if (u === "/api/v1/auth/login") return json(200, { csrf_access_token: "A", csrf_refresh_token: "R", user: {} });
        if (u === REFRESH_PATH) { refreshed = true; return json(200, { csrf_access_token: "A2", csrf_refresh_token: "R2" }); }
        return refreshed ? json(200, {}) : json(401, {});
      },
    });
    await client.post("/api/v1/auth/login", { username: "u", password: "p" });
    await client.get("/api/v1/me");
    expect(seen).toMatchObject([{ csrf_access_token: "A" }, { csrf_access_token: "A2" }]);
  });
});

describe("readCookie", () => {
  it("finds a cookie among others and decodes it", () => {
    expect(readCookie("csrf_access_token", "a=1; csrf_access_token=ab%3Dc; b=2")).toBe("ab=c");
    expect(readCookie("missing", "a=1")).toBeUndefined();
  });
});
