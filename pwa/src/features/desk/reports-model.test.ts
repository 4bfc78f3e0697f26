import { describe, expect, it } from "vitest";
import { hasFilters, isOverdue, listPath, pageQuery, readFilters } from "./reports-model";

const parse = (s: string) => readFilters(new URLSearchParams(s));

describe("the desk list's filters", () => {
  it("round-trip through the page's URL", () => {
    const f = parse("status=assigned&category=flood&severity=red,blue&region=12&unit=县水利局&overdue=true");
    expect(f).toEqual({ status: "assigned", category: "flood", colours: ["red", "blue"], region: "12", unit: "县水利局", overdue: "true" });
    expect(readFilters(new URLSearchParams(pageQuery(f)))).toEqual(f);
  });

  it("drop what is not ours", () => {
    const f = parse("status=lost&category=volcano&severity=pink,red&region=-3&overdue=maybe");
    expect(f).toEqual({ status: "", category: "", colours: ["red"], region: "", unit: "", overdue: "" });
    expect(pageQuery(parse(""))).toBe("");
    expect(hasFilters(parse(""))).toBe(false);
    expect(hasFilters(parse("overdue=false"))).toBe(true);
  });

  it("ask the API in its own words", () => {
    const path = listPath(parse("status=open&severity=orange&region=7&unit=乡镇&overdue=false"), "abc");
    const q = new URL(path, "http://x").searchParams;
    expect(q.get("status")).toBe("reported,verified,assigned,rectifying,rectified");
    expect(q.get("severity")).toBe("orange");
    expect(q.get("region_id")).toBe("7");
    expect(q.get("responsible_unit")).toBe("乡镇");
    expect(q.get("overdue")).toBe("false");
    expect(q.get("cursor")).toBe("abc");
    expect(q.get("limit")).toBe("50");
    expect(new URL(listPath(parse("")), "http://x").searchParams.toString()).toBe("limit=50");
  });
});

describe("overdue", () => {
  const now = Date.parse("2026-12-02T00:00:00Z");
  it("is waiting on the assignee past the deadline", () => {
    expect(isOverdue({ status: "assigned", deadline_at: "2026-12-01T00:00:00Z" }, now)).toBe(true);
    expect(isOverdue({ status: "rectifying", deadline_at: "2026-12-01T00:00:00Z" }, now)).toBe(true);
    expect(isOverdue({ status: "rectified", deadline_at: "2026-12-01T00:00:00Z" }, now)).toBe(false);
    expect(isOverdue({ status: "assigned", deadline_at: "2026-12-03T00:00:00Z" }, now)).toBe(false);
    expect(isOverdue({ status: "assigned", deadline_at: null }, now)).toBe(false);
  });
});
