import { describe, expect, it } from "vitest";
import { chinaToday, downloadName, ledgerPath, nextDay, percent, periodFor, statsPath } from "./stats-model";

// 2026-01-31 17:00 UTC is already 1 February in China.
const LATE_JAN_UTC = new Date("2026-01-31T17:00:00Z");

describe("periods in China dates", () => {
  it("takes the China date, not the phone's", () => {
    expect(chinaToday(LATE_JAN_UTC)).toEqual({ y: 2026, m: 2, d: 1 });
  });
  it("this month, last month and this year are half-open", () => {
    expect(periodFor("month", LATE_JAN_UTC)).toEqual({ from: "2026-02-01", to: "2026-03-01" });
    expect(periodFor("lastMonth", LATE_JAN_UTC)).toEqual({ from: "2026-01-01", to: "2026-02-01" });
    expect(periodFor("year", LATE_JAN_UTC)).toEqual({ from: "2026-01-01", to: "2027-01-01" });
    const dec = new Date("2026-12-15T04:00:00Z");
    expect(periodFor("month", dec)).toEqual({ from: "2026-12-01", to: "2027-01-01" });
    expect(periodFor("lastMonth", new Date("2026-01-10T04:00:00Z"))).toEqual({ from: "2025-12-01", to: "2026-01-01" });
  });
  it("a custom period includes its last day and is checked as the server checks it", () => {
    expect(periodFor("custom", LATE_JAN_UTC, "2025-11-01", "2025-11-30")).toEqual({ from: "2025-11-01", to: "2025-12-01" });
    expect(periodFor("custom", LATE_JAN_UTC, "2025-11-01", "2025-11-01")).toEqual({ from: "2025-11-01", to: "2025-11-02" });
    expect(periodFor("custom", LATE_JAN_UTC, "2025-11-02", "2025-11-01")).toBe("order");
    expect(periodFor("custom", LATE_JAN_UTC, "", "2025-11-01")).toBe("missing");
    expect(periodFor("custom", LATE_JAN_UTC, "2022-01-01", "2024-12-31")).toEqual({ from: "2022-01-01", to: "2025-01-01" });
    expect(periodFor("custom", LATE_JAN_UTC, "2022-01-01", "2025-01-01")).toBe("long");
    expect(nextDay("2024-02-28")).toBe("2024-02-29");
  });
});

describe("paths and rates", () => {
  it("builds the server's query strings", () => {
    const p = { from: "2025-11-01", to: "2025-12-01" };
    expect(statsPath(7, p, "severity")).toBe("/api/v1/reports/stats?region_id=7&from=2025-11-01&to=2025-12-01&by=severity");
    expect(ledgerPath(null, p, "csv")).toBe("/api/v1/reports/ledger.csv?from=2025-11-01&to=2025-12-01");
  });
  it("rates are percentages with one decimal, and no rate is not 0 %", () => {
    expect(percent(0.6667)).toBe("66.7%");
    expect(percent(1.5)).toBe("150.0%");
    expect(percent(0)).toBe("0.0%");
    expect(percent(null)).toBeNull();
  });
});

describe("the downloaded file's name", () => {
  it("is the Chinese one the server gave", () => {
    const header = "attachment; filename=\"hazard-ledger-2025-11-01_2025-12-01.xlsx\"; filename*=UTF-8''%E9%9A%90%E6%82%A3%E5%8F%B0%E8%B4%A6.xlsx";
    expect(downloadName(header, "x.xlsx")).toBe("隐患台账.xlsx");
    expect(downloadName('attachment; filename="a.csv"', "x.csv")).toBe("a.csv");
    expect(downloadName(null, "x.csv")).toBe("x.csv");
  });
});
