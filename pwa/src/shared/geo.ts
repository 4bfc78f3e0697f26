// The phone's position, once, with a deadline: a fix, or a reason the user can read. The last good
// fix is kept so a form can offer it when the GPS has no signal in a valley.
import { getMeta, setMeta } from "../data/db";
import { t, type MessageKey } from "../i18n";

export interface Fix {
  lat: number;
  lon: number;
  accuracy?: number;
  /** When the fix was taken (ISO); manual points have none. */
  at?: string;
  manual?: boolean;
  /** A manual point placed with the map picker rather than typed in. */
  picked?: boolean;
}

export type GeoFailure = "denied" | "unavailable" | "timeout" | "unsupported";

export class GeoError extends Error {
  constructor(readonly reason: GeoFailure) {
    super(reason);
  }
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

export function locate(timeoutMs = 20_000): Promise<Fix> {
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) return reject(new GeoError("unsupported"));
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const fix: Fix = {
          lat: round(pos.coords.latitude),
          lon: round(pos.coords.longitude),
          accuracy: Math.round(pos.coords.accuracy),
          at: new Date(pos.timestamp || Date.now()).toISOString(),
        };
        void setMeta("last_fix", fix).catch(() => undefined);
        resolve(fix);
      },
      (err) => reject(new GeoError(err.code === 1 ? "denied" : err.code === 3 ? "timeout" : "unavailable")),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    );
  });
}

export function lastFix(): Promise<Fix | undefined> {
  return getMeta<Fix>("last_fix").catch(() => undefined);
}

export function failureText(reason: GeoFailure): string {
  return t(`geo.${reason}` as MessageKey);
}

/** "25.050000, 116.420000（误差约 12 米）" — the fix as people read it. */
export function fixText(fix: Fix): string {
  const lat = fix.lat.toFixed(5);
  const lon = fix.lon.toFixed(5);
  if (fix.picked) return t("geo.pickedFix", { lat, lon });
  if (fix.manual || fix.accuracy === undefined) return t("geo.manualFix", { lat, lon });
  return t("geo.fix", { lat, lon, acc: fix.accuracy });
}

export function validPoint(lat: number, lon: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}
