import { describe, expect, it } from "vitest";
import { exportPath, isMonth, recentMonths, reportPath } from "./subsidy-model";

describe("subsidy months", () => {
  it("counts China months back across a year, whatever the phone's zone", () => {
    // 16:30 UTC on 31 January is already 1 February in China.
    expect(recentMonths(new Date("2026-01-31T16:30:00Z"), 3)).toEqual(["2026-02", "2026-01", "2025-12"]);
    expect(recentMonths(new Date("2026-01-31T15:59:00Z"), 2)).toEqual(["2026-01", "2025-12"]);
    expect(recentMonths(new Date("2026-12-02T00:00:00Z"))).toHaveLength(12);
  });

  it("takes only YYYY-MM months and builds the paths", () => {
    expect(isMonth("2026-01")).toBe(true);
    for (const bad of ["2026-13", "2026-1", "26-01", "2026-01/compute", ""]) expect(isMonth(bad)).toBe(false);
    expect(reportPath("2026-01")).toBe("/api/v1/subsidy/reports/2026-01");
    expect(exportPath("2026-01", "xlsx")).toBe("/api/v1/subsidy/reports/2026-01/export.xlsx");
    expect(exportPath("2026-01", "csv")).toBe("/api/v1/subsidy/reports/2026-01/export.csv");
  });
});
