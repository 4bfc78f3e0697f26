import { describe, expect, it } from "vitest";
import { distanceM, fromMap, gcj02ToWgs84, outOfChina, toMap, wgs84ToGcj02 } from "../../src/shared/coords";

// Small seeded generator (mulberry32): the "many random points" run is the same on every machine,
// so a failure can be replayed; the seed and the point are in the message.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("WGS-84 to GCJ-02", () => {
  it("matches the published reference point at Tiananmen to well under a metre", () => {
    const gcj = wgs84ToGcj02({ lat: 39.9087, lon: 116.3975 });
    expect(distanceM(gcj, { lat: 39.9101, lon: 116.40374 })).toBeLessThan(1.5);
    expect(gcj.lat).toBeCloseTo(39.910103, 5);
    expect(gcj.lon).toBeCloseTo(116.403744, 5);
  });

  it("matches a second widely quoted pair (Beijing, 116.404 / 39.915)", () => {
    const gcj = wgs84ToGcj02({ lat: 39.915, lon: 116.404 });
    expect(gcj.lat).toBeCloseTo(39.91640428, 7);
    expect(gcj.lon).toBeCloseTo(116.4102445, 6);
  });

  it("moves a point in the demo county by the usual few hundred metres", () => {
    const wgs = { lat: 25.056, lon: 116.442 }; // 城东村, Shanghang
    const d = distanceM(wgs, wgs84ToGcj02(wgs));
    expect(d).toBeGreaterThan(300);
    expect(d).toBeLessThan(800);
  });

  it("leaves points outside mainland China alone", () => {
    for (const p of [
      { lat: 48.8566, lon: 2.3522 }, // Paris
      { lat: 40.7128, lon: -74.006 }, // New York
      { lat: -33.8688, lon: 151.2093 }, // Sydney
      { lat: 60.0, lon: 100.0 }, // north of the box
    ]) {
      expect(outOfChina(p.lat, p.lon)).toBe(true);
      expect(wgs84ToGcj02(p)).toEqual(p);
      expect(gcj02ToWgs84(p)).toEqual(p);
    }
    expect(outOfChina(25.056, 116.442)).toBe(false);
  });

  it("is the identity for tiles drawn in WGS-84 (Tianditu)", () => {
    const p = { lat: 25.056, lon: 116.442 };
    expect(toMap(p, "wgs84")).toEqual(p);
    expect(fromMap(p, "wgs84")).toEqual(p);
    expect(toMap(p, "gcj02")).toEqual(wgs84ToGcj02(p));
    expect(fromMap(wgs84ToGcj02(p), "gcj02").lat).toBeCloseTo(p.lat, 9);
  });
});

describe("GCJ-02 back to WGS-84", () => {
  it("undoes the shift at the reference point to within 0.5 m", () => {
    const wgs = { lat: 39.9087, lon: 116.3975 };
    const back = gcj02ToWgs84(wgs84ToGcj02(wgs));
    expect(distanceM(back, wgs)).toBeLessThan(0.5);
  });

  it("round-trips thousands of random points across China to well under 0.5 m", () => {
    const seed = 20261129;
    const next = rng(seed);
    let worst = 0;
    for (let i = 0; i < 5000; i++) {
      // Inside the box, where the shift applies; a little margin keeps clear of its edges.
      const wgs = { lat: 1 + next() * 54.5, lon: 73 + next() * 64.5 };
      const gcj = wgs84ToGcj02(wgs);
      const shiftM = distanceM(wgs, gcj);
      expect(shiftM, `seed ${seed} #${i} ${JSON.stringify(wgs)}`).toBeGreaterThan(1);
      expect(shiftM, `seed ${seed} #${i} ${JSON.stringify(wgs)}`).toBeLessThan(2000);
      const back = gcj02ToWgs84(gcj);
      const err = distanceM(back, wgs);
      worst = Math.max(worst, err);
      expect(err, `seed ${seed} #${i} ${JSON.stringify(wgs)}`).toBeLessThan(0.5);
    }
    // Not just under the bar: the iteration converges to millimetres.
    expect(worst).toBeLessThan(0.01);
  });

  it("gives a WGS-84 point that the forward shift maps back onto the picked point", () => {
    const next = rng(7);
    for (let i = 0; i < 1000; i++) {
      const picked = { lat: 18 + next() * 35, lon: 98 + next() * 24 };
      const wgs = gcj02ToWgs84(picked);
      expect(distanceM(wgs84ToGcj02(wgs), picked), `#${i} ${JSON.stringify(picked)}`).toBeLessThan(0.01);
    }
  });
});
