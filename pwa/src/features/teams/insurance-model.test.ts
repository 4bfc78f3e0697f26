import { describe, expect, it } from "vitest";
import { setLang } from "../../i18n";
import { checkPolicy, coverOf, coverWords, readPolicies } from "./insurance-model";

const input = (over: Record<string, string> = {}) => ({
  insurer: "中国人寿上杭支公司",
  number: "PICC-2026-001",
  cover: "500000",
  starts_on: "2026-03-02",
  ends_on: "2027-03-01",
  note: "",
  ...over,
});

describe("a member's cover in words", () => {
  it("says the last day covered, or 无有效保险, and nothing when not known", () => {
    setLang("zh-CN");
    expect(coverWords({ insured: true, insurance_until: "2027-03-01" })).toBe("保险至 2027-03-01");
    expect(coverWords({ insured: false, insurance_until: null })).toBe("无有效保险");
    expect(coverOf({})).toBe("unknown");
    expect(coverWords({})).toBe("");
    setLang("en");
    expect(coverWords({ insured: false })).toBe("No valid insurance");
    expect(coverWords({ insured: true, insurance_until: "2027-03-01" })).toBe("Insured until 2027-03-01");
    setLang("zh-CN");
  });

  it("never reads a truthy value other than true as covered", () => {
    expect(coverOf({ insured: "false" })).toBe("unknown");
    expect(coverOf({ insured: 1 })).toBe("unknown");
  });
});

describe("the policy form's checks", () => {
  it("sends a whole number of yuan, trimmed text", () => {
    const { errors, body } = checkPolicy(input({ cover: "500,000", insurer: " 人保 " }));
    expect(errors).toEqual({});
    expect(body).toEqual({ insurer: "人保", number: "PICC-2026-001", cover_yuan: 500000, starts_on: "2026-03-02", ends_on: "2027-03-01", note: "" });
  });

  it("refuses an end before the start, a cover of zero or below, and missing fields", () => {
    setLang("zh-CN");
    expect(checkPolicy(input({ ends_on: "2026-03-01" })).errors).toEqual({ ends_on: "终止日期不能早于起保日期" });
    expect(checkPolicy(input({ starts_on: "2026-03-02", ends_on: "2026-03-02" })).errors).toEqual({});
    for (const cover of ["0", "-5", "12.5", "abc", "", "99999999999"]) expect(Object.keys(checkPolicy(input({ cover })).errors), cover).toEqual(["cover_yuan"]);
    const { errors, body } = checkPolicy(input({ insurer: " ", number: "", starts_on: "2026-02-30" }));
    expect(Object.keys(errors).sort()).toEqual(["insurer", "number", "starts_on"]);
    expect(body).toBeNull();
  });
});

describe("a member's policies", () => {
  it("are read defensively", () => {
    const got = readPolicies({ items: [{ id: "p1", insurer: "人保", number: "N1", cover_yuan: 3e5, starts_on: "2026-01-01", ends_on: "2026-12-31", state: "valid" }, { nope: 1 }, { id: "p2", state: "odd" }] });
    expect(got.map((p) => [p.id, p.state])).toEqual([["p1", "valid"], ["p2", "expired"]]);
    expect(readPolicies(null)).toEqual([]);
  });
});
