// What the map picker needs offline: the server's tile settings and the region centre are fetched
// when there is a signal, kept on the phone, and used from there when there is none.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { freshDb } from "./fake-server";

const CONFIG = {
  map: {
    tile_url: "https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}",
    subdomains: "1234",
    crs: "gcj02",
    attribution: "© 高德地图",
  },
  public_base_url: "http://127.0.0.1:8000",
};

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });

let calls: string[] = [];
let offline = false;

async function load() {
  // Fresh modules: the picker refreshes once per app start, so each test is a new start.
  vi.resetModules();
  const picker = await import("../../src/shared/picker");
  const network = await import("../../src/shared/network");
  const db = await import("../../src/data/db");
  network.reportReachable(true);
  return { ...picker, ...network, ...db };
}

beforeEach(() => {
  freshDb();
  calls = [];
  offline = false;
  vi.stubGlobal("fetch", async (path: string) => {
    calls.push(path);
    if (offline) throw new TypeError("Failed to fetch");
    if (path === "/api/v1/config") return json(CONFIG);
    const region = /^\/api\/v1\/regions\/(\d+)$/.exec(path);
    if (region) return json({ id: Number(region[1]), name: "城东村", lat: 25.056, lon: 116.442 });
    return new Response("", { status: 404 });
  });
});

describe("the map picker's settings", () => {
  it("fetches the tile settings once and keeps them for offline use", async () => {
    const m = await load();
    expect(await m.mapConfig()).toEqual(CONFIG.map);
    expect(await m.mapConfig()).toEqual(CONFIG.map);
    expect(calls.filter((c) => c === "/api/v1/config")).toHaveLength(1);
    expect(await m.getMeta("map_config")).toEqual(CONFIG.map);

    // The next app start, with no signal: the phone's copy, at once.
    offline = true;
    const again = await load();
    again.reportReachable(false);
    expect(await again.mapConfig()).toEqual(CONFIG.map);
  });

  it("answers null, without hanging, when it never had the settings and has no signal", async () => {
    offline = true;
    const m = await load();
    const started = Date.now();
    expect(await m.mapConfig(200)).toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("treats an unknown datum as WGS-84 and a missing tile URL as no settings", async () => {
    vi.stubGlobal("fetch", async () => json({ map: { ...CONFIG.map, crs: "bd09" } }));
    expect((await (await load()).mapConfig())?.crs).toBe("wgs84");
    freshDb();
    vi.stubGlobal("fetch", async () => json({ map: { tile_url: "" } }));
    expect(await (await load()).mapConfig()).toBeNull();
  });

  it("keeps the region centre and starts the pin at the best point known", async () => {
    const m = await load();
    expect(await m.pickerStart(null, "12")).toMatchObject({ lat: 25.056, lon: 116.442, from: "region", zoom: 15 });
    expect(await m.getMeta("region_centre:12")).toEqual({ lat: 25.056, lon: 116.442 });

    offline = true;
    const off = await load();
    off.reportReachable(false);
    expect(await off.regionCentre("12")).toEqual({ lat: 25.056, lon: 116.442 });
    expect(await off.pickerStart(null, null)).toMatchObject({ from: "none", zoom: 4 });

    // A GPS fix seen before beats the region centre; the point already chosen beats both.
    await off.setMeta("last_fix", { lat: 25.1, lon: 116.5, accuracy: 20, at: "2026-11-29T00:00:00.000Z" });
    expect(await off.pickerStart(null, "12")).toMatchObject({ lat: 25.1, lon: 116.5, from: "lastFix", at: "2026-11-29T00:00:00.000Z" });
    expect(await off.pickerStart({ lat: 25.2, lon: 116.6, manual: true }, "12")).toMatchObject({ lat: 25.2, lon: 116.6, from: "current" });
  });
});
