// The desk's shelter block: the server's figures read defensively, each said with its word.
import { describe, expect, it } from "vitest";
import { figureItems, figuresLine, readSummary, regionRows } from "./shelter-summary";

const SERVER = {
  generated_at: "2026-12-02T00:00:00+00:00",
  region: { id: 1, name: "上杭县", level: "county" },
  total: { open: 3, people: 10, places_left: 2010, full: 1, near_full: 2 },
  regions: [
    { id: 2, name: "临城镇", level: "township", open: 3, people: 10, places_left: 2010, full: 1, near_full: 2 },
    { id: 3, name: "古田镇", level: "township", open: 0, people: 0, places_left: 0, full: 0, near_full: 0 },
  ],
};

describe("shelter summary", () => {
  it("says each figure with its word, in the desk's order", () => {
    const s = readSummary(SERVER);
    expect(figuresLine(s.total)).toBe("开放 3 处 · 安置 10 人 · 余位 2010 · 已满 1 · 将满(≥90%) 2");
    expect(s.regions.map((r) => r.name)).toEqual(["临城镇", "古田镇"]);
  });

  it("colours full and nearly full only when there are some, and never without the word", () => {
    const items = figureItems(readSummary(SERVER).total);
    expect(items.map((i) => [i.figure, i.tone])).toEqual([
      ["open", "none"],
      ["people", "none"],
      ["places_left", "none"],
      ["full", "bad"],
      ["near_full", "warn"],
    ]);
    expect(items.every((i) => i.text.includes(String(i.n)) && i.text.length > String(i.n).length)).toBe(true);
    const quiet = figureItems(readSummary(SERVER).regions[1]);
    expect(quiet.every((i) => i.tone === "none")).toBe(true); // nothing open: no places is not an alarm
    const noRoom = figureItems({ open: 2, people: 80, places_left: 0, full: 2, near_full: 0 });
    expect(noRoom.find((i) => i.figure === "places_left")?.tone).toBe("bad");
  });

  it("reads a missing or odd figure as 0, and refuses what is not an answer", () => {
    const s = readSummary({ total: { open: "3", people: -2, places_left: Number.NaN, full: 1.7 }, regions: [null, { id: 9 }] });
    expect(s.total).toEqual({ open: 0, people: 0, places_left: 0, full: 1, near_full: 0 });
    expect(s.regions).toHaveLength(1);
    expect(s.regions[0].open).toBe(0);
    expect(s.region).toBeNull();
    expect(() => readSummary("nope")).toThrow(TypeError);
  });

  it("lists the regions with shelters in use, the desk's own level apart, and only counts the rest", () => {
    const s = readSummary({
      ...SERVER,
      total: { open: 4, people: 16, places_left: 2100, full: 1, near_full: 2 },
    });
    const { rows, quiet } = regionRows(s);
    expect(rows.map((r) => r.name)).toEqual(["上杭县本级", "临城镇"]);
    expect(rows[0]).toMatchObject({ open: 1, people: 6, places_left: 90, full: 0, near_full: 0 });
    expect(quiet).toBe(1);
    expect(regionRows(readSummary(SERVER)).rows.map((r) => r.name)).toEqual(["临城镇"]);
  });
});
