import { describe, expect, it } from "vitest";
import { capApplied, checkRuleForm, EMPTY_RULE_FORM, exportPath, fen, isMonth, recentMonths, reportPath, ruleBody, ruleFor, type SubsidyLine, type SubsidyRule } from "./subsidy-model";

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

const RULE: SubsidyRule = { id: 1, effective_from: "2026-01", rate_normal: "20.00", rate_heavy: "30.00", rate_severe: "50.00", day_cap: "200.00", month_cap: "500.00", note: null, created_at: "" };
const line = (over: Partial<SubsidyLine>): SubsidyLine => ({
  member_id: "m", name: "n", team_name: null, township_id: 1, township_name: "t", kind: "month", for_month: "2026-01", day: null,
  hours: "0.00", hours_normal: "0.00", hours_heavy: "0.00", hours_severe: "0.00", amount: "0.00", ...over,
});

describe("subsidy amounts and rules", () => {
  it("reads yuan as fen and refuses anything else", () => {
    expect(fen("12.5")).toBe(1250);
    expect(fen("0.05")).toBe(5);
    expect(fen("300")).toBe(30000);
    for (const bad of ["", "-1", "1.234", "1e3", "abc", "123456789"]) expect(fen(bad)).toBeNaN();
  });

  it("says a cap was applied only when the hours would have earned more", () => {
    expect(capApplied(line({ hours_normal: "2.50", amount: "50.00" }), RULE)).toBe(false);
    // 12 h heavy earn 360 but the day cap is 200.
    expect(capApplied(line({ hours_heavy: "12.00", amount: "200.00" }), RULE)).toBe(true);
    expect(capApplied(line({ kind: "adjustment", hours_heavy: "12.00", amount: "10.00" }), RULE)).toBe(false);
  });

  it("picks the rule in force in a month", () => {
    const feb = { ...RULE, id: 2, effective_from: "2026-02" };
    expect(ruleFor([RULE, feb], "2026-01")?.id).toBe(1);
    expect(ruleFor([feb, RULE], "2026-05")?.id).toBe(2);
    expect(ruleFor([RULE], "2025-12")).toBeNull();
  });

  it("checks a new rule's form and builds its body", () => {
    expect(checkRuleForm(EMPTY_RULE_FORM, [])).toMatchObject({ effective_from: "required", rate_normal: "required", month_cap: "required" });
    const form = { effective_from: "2026-01", rate_normal: "20", rate_heavy: "30.5", rate_severe: "x", day_cap: "600", month_cap: "500", note: "" };
    expect(checkRuleForm(form, [RULE])).toEqual({ effective_from: "taken", rate_severe: "money", day_cap: "capOrder" });
    const good = { ...form, effective_from: "2026-03", rate_severe: "50", day_cap: "200" };
    expect(checkRuleForm(good, [RULE])).toEqual({});
    expect(ruleBody(good)).toEqual({ effective_from: "2026-03", rate_normal: "20.00", rate_heavy: "30.50", rate_severe: "50.00", day_cap: "200.00", month_cap: "500.00", note: null });
  });
});
