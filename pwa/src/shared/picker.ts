// Opening the map picker: what it needs before it can open offline (the server's tile settings and
// the user's region centre, fetched once per app start when there is a signal and kept in the meta
// store), where it starts, and the lazy load. No Leaflet here: this module is in the shell.
import { api } from "../api";
import { getMeta, setMeta } from "../data/db";
import { isOnline } from "./network";
import { lastFix, type Fix } from "./geo";
import type { LatLon, MapCrs } from "./coords";
import type { PickResult } from "./map";

export interface MapConfig {
  tile_url: string;
  subdomains: string;
  crs: MapCrs;
  attribution: string;
}

/** Where the picker opens, in WGS-84, and why there (the picker says so: there may be no tiles). */
export interface PickerStart extends LatLon {
  zoom: number;
  from: "current" | "lastFix" | "region" | "none";
  at?: string;
}

const CONFIG_KEY = "map_config";
const regionKey = (id: string) => `region_centre:${id}`;
// Nowhere better known: all of China, zoomed out, so the user can zoom in to the place.
const CHINA = { lat: 35.0, lon: 105.0 };

function asConfig(body: unknown): MapConfig | null {
  const map = (body as { map?: Partial<MapConfig> } | null)?.map;
  if (!map || typeof map.tile_url !== "string" || !map.tile_url) return null;
  return {
    tile_url: map.tile_url,
    subdomains: typeof map.subdomains === "string" ? map.subdomains : "",
    crs: map.crs === "gcj02" ? "gcj02" : "wgs84",
    attribution: typeof map.attribution === "string" ? map.attribution : "",
  };
}

// One refresh per key per app start; a failed one (no signal) may be tried again later.
const refreshing = new Map<string, Promise<unknown>>();

function refreshOnce<T>(key: string, fetchIt: () => Promise<T | null>): Promise<T | null> {
  let p = refreshing.get(key) as Promise<T | null> | undefined;
  if (!p) {
    p = fetchIt()
      .then(async (value) => {
        if (value !== null) await setMeta(key, value).catch(() => undefined);
        return value;
      })
      .catch(() => null);
    refreshing.set(key, p);
    void p.then((v) => {
      if (v === null) refreshing.delete(key);
    });
  }
  return p;
}

/**
 * The phone's copy at once when there is one (refreshed in the background), so the picker never
 * waits on two bars of signal; with no copy yet, the server's answer for at most `waitMs`.
 */
async function keptOrFetched<T>(key: string, fetchIt: () => Promise<T | null>, waitMs: number): Promise<T | null> {
  const kept = await getMeta<T>(key).catch(() => undefined);
  const fresh = isOnline() ? refreshOnce(key, fetchIt) : null;
  if (kept !== undefined && kept !== null) return kept;
  if (!fresh) return null;
  return Promise.race([fresh, new Promise<null>((resolve) => setTimeout(() => resolve(null), waitMs))]);
}

/** The server's tile settings (GET /api/v1/config, public), or null when never fetched. */
export function mapConfig(waitMs = 6000): Promise<MapConfig | null> {
  return keptOrFetched(CONFIG_KEY, async () => asConfig(await api.get<unknown>("/api/v1/config")), waitMs);
}

/** The centre of the user's region (village, township or county), kept for offline use. */
export function regionCentre(regionId: string | null | undefined, waitMs = 6000): Promise<LatLon | null> {
  if (regionId === null || regionId === undefined || regionId === "") return Promise.resolve(null);
  const id = String(regionId);
  return keptOrFetched<LatLon>(
    regionKey(id),
    async () => {
      const r = await api.get<{ lat?: number | null; lon?: number | null }>(`/api/v1/regions/${encodeURIComponent(id)}`);
      return typeof r?.lat === "number" && typeof r?.lon === "number" ? { lat: r.lat, lon: r.lon } : null;
    },
    waitMs,
  );
}

/** Called after sign-in with a signal: keep both on the phone before the user is out of range. */
export function prefetchMapSettings(regionId: string | null | undefined): void {
  if (!isOnline()) return;
  void mapConfig();
  void regionCentre(regionId);
}

/** The point already chosen, else the last GPS fix, else the region centre, else all of China. */
export async function pickerStart(current: Fix | null, regionId: string | null | undefined): Promise<PickerStart> {
  if (current) return { lat: current.lat, lon: current.lon, zoom: 16, from: "current" };
  const last = await lastFix();
  if (last) return { lat: last.lat, lon: last.lon, zoom: 16, from: "lastFix", at: last.at };
  const centre = await regionCentre(regionId);
  if (centre) return { ...centre, zoom: 15, from: "region" };
  return { ...CHINA, zoom: 4, from: "none" };
}

export interface PickOptions {
  /** The point already chosen, if any: the pin starts there. */
  current: Fix | null;
  user?: { region_id?: string | null; region_name?: string | null };
  /** Gets the focus back when the picker closes. */
  opener?: HTMLElement;
  /** Runs once the map is loaded and shown (to end an "opening the map…" state). */
  onOpen?: () => void;
}

/**
 * Loads the map (its chunk and CSS are precached, so this works offline) and lets the user pick a
 * point, starting from the best guess. Rejects only when the map cannot be loaded.
 */
export async function pickOnMap({ current, user, opener, onOpen }: PickOptions): Promise<PickResult> {
  const [{ openMapPicker }, config, start] = await Promise.all([
    import("./map"),
    mapConfig(),
    pickerStart(current, user?.region_id),
  ]);
  const picked = openMapPicker({ start, config, regionName: user?.region_name, opener });
  onOpen?.();
  return picked;
}
