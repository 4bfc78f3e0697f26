// WGS-84 (what GPS gives and what the server stores) <-> GCJ-02 (the shifted datum that Amap and
// most maps of mainland China are drawn in). Written from the published, well-known formulas: a
// fixed polynomial-plus-sine offset on the Krasovsky ellipsoid, applied inside China only.

export interface LatLon {
  lat: number;
  lon: number;
}

/** The datum a tile set is drawn in, as GET /api/v1/config names it. */
export type MapCrs = "wgs84" | "gcj02";

// Krasovsky 1940: semi-major axis and first eccentricity squared.
const A = 6378245.0;
const EE = 0.00669342162296594323;

/** The usual rectangle for "mainland China": outside it GCJ-02 equals WGS-84. */
export function outOfChina(lat: number, lon: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

// Both offsets take x = lon - 105, y = lat - 35 and answer metres-like units, scaled below.
function offsetLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y / 30) * Math.PI)) * 2) / 3;
  return r;
}

function offsetLon(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** The shift (in degrees) GCJ-02 adds to a WGS-84 point. */
function shift(lat: number, lon: number): LatLon {
  const x = lon - 105;
  const y = lat - 35;
  const rad = (lat / 180) * Math.PI;
  const s = Math.sin(rad);
  const m = 1 - EE * s * s;
  const sq = Math.sqrt(m);
  return {
    lat: (offsetLat(x, y) * 180) / (((A * (1 - EE)) / (m * sq)) * Math.PI),
    lon: (offsetLon(x, y) * 180) / ((A / sq) * Math.cos(rad) * Math.PI),
  };
}

export function wgs84ToGcj02(p: LatLon): LatLon {
  if (outOfChina(p.lat, p.lon)) return { lat: p.lat, lon: p.lon };
  const d = shift(p.lat, p.lon);
  return { lat: p.lat + d.lat, lon: p.lon + d.lon };
}

/**
 * The inverse has no closed form: find w with wgs84ToGcj02(w) = g by fixed-point iteration. The
 * shift changes slowly with position, so each step gains several digits; 1e-10° is ~0.01 mm.
 */
export function gcj02ToWgs84(g: LatLon): LatLon {
  if (outOfChina(g.lat, g.lon)) return { lat: g.lat, lon: g.lon };
  let w = { lat: g.lat, lon: g.lon };
  for (let i = 0; i < 30; i++) {
    const f = wgs84ToGcj02(w);
    const dLat = f.lat - g.lat;
    const dLon = f.lon - g.lon;
    w = { lat: w.lat - dLat, lon: w.lon - dLon };
    if (Math.abs(dLat) < 1e-10 && Math.abs(dLon) < 1e-10) break;
  }
  return w;
}

/** From stored WGS-84 to where the tiles of `crs` draw it. */
export function toMap(p: LatLon, crs: MapCrs): LatLon {
  return crs === "gcj02" ? wgs84ToGcj02(p) : { lat: p.lat, lon: p.lon };
}

/** From a point on tiles of `crs` back to WGS-84 for storing and sending. */
export function fromMap(p: LatLon, crs: MapCrs): LatLon {
  return crs === "gcj02" ? gcj02ToWgs84(p) : { lat: p.lat, lon: p.lon };
}

/** Great-circle distance in metres (haversine, mean Earth radius): for tests and sanity checks. */
export function distanceM(a: LatLon, b: LatLon): number {
  const R = 6371008.8;
  const toRad = (d: number) => (d * Math.PI) / 180;
  const dLat = toRad(b.lat - a.lat);
  const dLon = toRad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}
