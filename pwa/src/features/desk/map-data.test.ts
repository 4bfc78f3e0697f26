// The one map offline: a good answer is kept on the phone for the account that fetched it, and a
// failed fetch says why (offline, refused, server trouble) without losing what was kept.
import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { getMeta, resetDbForTests, setMeta } from "../../data/db";
import { KEPT_KEY, fetchMap, keptMap } from "./map-data";

const ANSWER = {
  generated_at: "2026-11-29T08:00:00+00:00",
  incidents: [],
  orders: [{ id: "d-1", incident_id: null, title: "后山滑坡排查", location: { lat: 25.05, lon: 116.42 }, muster_point: null, muster_location: null, headcount: 2, accepted: 1, on_scene: 0, declined: 0, silent: 1, overdue: 0, created_at: "2026-11-29T07:00:00+00:00" }],
  members: [],
  hazards: [],
  shelters: [{ id: "s-1", name: "临城镇中心小学", kind: "township", status: "open", location: { lat: 25.052, lon: 116.43 }, capacity: 200, occupancy: 190 }],
  truncated: [],
};

type Mode = "ok" | "offline" | 403 | 500;
let mode: Mode = "ok";
let calls: string[] = [];

const json = (status: number, body: unknown, type = "application/json") => new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });

beforeEach(() => {
  (globalThis as { indexedDB: IDBFactory }).indexedDB = new IDBFactory();
  resetDbForTests();
  mode = "ok";
  calls = [];
  vi.stubGlobal("fetch", async (path: string) => {
    calls.push(path);
    if (mode === "offline") throw new TypeError("Failed to fetch");
    if (mode === 403) return json(403, { type: "about:blank", title: "Forbidden", status: 403 }, "application/problem+json");
    if (mode === 500) return json(500, { type: "about:blank", title: "Internal Server Error", status: 500 }, "application/problem+json");
    return json(200, ANSWER);
  });
});

describe("the one map's data", () => {
  it("asks GET /api/v1/map and keeps the answer for this account", async () => {
    const got = await fetchMap("u-1");
    expect(calls).toEqual(["/api/v1/map"]);
    expect(got.ok).toBe(true);
    const kept = await keptMap("u-1");
    expect(kept?.answer.orders[0].title).toBe("后山滑坡排查");
    expect(kept?.answer.shelters[0].occupancy).toBe(190);
    expect(kept?.user_id).toBe("u-1");
    expect(Number.isNaN(Date.parse(kept!.saved_at))).toBe(false);
  });

  it("never shows one account's kept map to another", async () => {
    await fetchMap("u-1");
    expect(await keptMap("u-2")).toBeNull();
  });

  it("offline: says so and keeps the last answer", async () => {
    await fetchMap("u-1");
    mode = "offline";
    const got = await fetchMap("u-1");
    expect(got).toMatchObject({ ok: false, failure: "offline" });
    expect((await keptMap("u-1"))?.answer.generated_at).toBe(ANSWER.generated_at);
  });

  it("tells a refusal (403) from server trouble (500)", async () => {
    mode = 403;
    expect(await fetchMap("u-1")).toMatchObject({ ok: false, failure: "forbidden" });
    mode = 500;
    expect(await fetchMap("u-1")).toMatchObject({ ok: false, failure: "failed" });
    expect(await keptMap("u-1")).toBeNull();
  });

  it("ignores an unreadable kept entry instead of failing the screen", async () => {
    await setMeta(KEPT_KEY, { user_id: "u-1", saved_at: "x", answer: "garbage" });
    expect(await keptMap("u-1")).toBeNull();
    expect(await getMeta(KEPT_KEY)).toBeTruthy();
  });

  it("with no signed-in account fetches but keeps nothing", async () => {
    expect((await fetchMap(null)).ok).toBe(true);
    expect(await getMeta(KEPT_KEY)).toBeUndefined();
  });
});
