import { describe, expect, it } from "vitest";
import { chinaTime, lookupPath, MAX_QUERY, normaliseQuery, orderedNeeds, queryProblem } from "./people-model";

const rule = (raw: string) => queryProblem(normaliseQuery(raw));

describe("the family lookup's query rule (the server's PeopleQuerySchema)", () => {
  it("takes part of a name, mixed text, and exactly four digits", () => {
    for (const q of ["王", "欧阳", " 秀兰 ", "张3", "5678", "0000", "a".repeat(MAX_QUERY)]) expect(rule(q), q).toBeNull();
  });

  it("refuses nothing typed, or only spaces (an ideographic space too)", () => {
    for (const q of ["", "   ", "\u3000\u3000", "\t\n"]) expect(rule(q), JSON.stringify(q)).toBe("empty");
  });

  it("refuses any run of digits that is not four long, whatever its length", () => {
    for (let n = 1; n <= 13; n += 1) {
      const q = "13812345678901".slice(0, n);
      expect(rule(q), q).toBe(n === 4 ? null : "digits");
    }
  });

  it("reads full-width or spaced digits as the phone's digits, and other scripts' digits are refused", () => {
    expect(normaliseQuery("１２３４")).toBe("1234");
    expect(normaliseQuery(" 56 78 ")).toBe("5678");
    expect(rule("１２３４")).toBeNull();
    expect(rule("１２３")).toBe("digits");
    // Arabic-Indic digits: the server counts them as digits; no stored phone ends with them.
    expect(rule("١٢٣٤")).toBe("digits");
    // A name keeps its inner space and its characters as typed.
    expect(normaliseQuery(" 王 秀兰 ")).toBe("王 秀兰");
  });

  it("refuses more than 30 characters, counted as the server counts them", () => {
    expect(rule("王".repeat(MAX_QUERY + 1))).toBe("long");
    // 𠀋 is one character outside the BMP (two UTF-16 units): 30 of them are still 30.
    expect(rule("𠀋".repeat(MAX_QUERY))).toBeNull();
  });

  it("puts the query in the API's address only, encoded, with the cursor when paging", () => {
    expect(lookupPath("王 &秀", null)).toBe("/api/v1/shelters/people?q=%E7%8E%8B+%26%E7%A7%80&limit=20");
    expect(lookupPath("5678", "abc=", 20)).toBe("/api/v1/shelters/people?q=5678&limit=20&cursor=abc%3D");
  });
});

describe("check-in times in China time", () => {
  const now = new Date("2026-12-02T03:00:00Z");

  it("says 12月2日 08:30 for 00:30 UTC, without the year when it is this year", () => {
    expect(chinaTime("2026-12-02T00:30:00Z", "zh-CN", now)).toBe("12月2日 08:30");
    expect(chinaTime("2026-12-02T00:30:00Z", "en", now)).toMatch(/^Dec 2,? (at )?08:30$/);
  });

  it("crosses midnight in China, not in UTC, and names another year", () => {
    expect(chinaTime("2026-12-01T16:05:00Z", "zh-CN", now)).toBe("12月2日 00:05");
    expect(chinaTime("2025-11-30T01:00:00Z", "zh-CN", now)).toBe("2025年11月30日 09:00");
  });

  it("says nothing for a time it cannot read", () => {
    expect(chinaTime("not a time", "zh-CN", now)).toBe("");
  });
});

describe("needs on the card", () => {
  it("come in the forms' order, once each, an unknown one last", () => {
    expect(orderedNeeds(["medical", "children", "elderly", "children"])).toEqual(["elderly", "children", "medical"]);
    expect(orderedNeeds(["other", "pregnant"])).toEqual(["pregnant", "other"]);
    expect(orderedNeeds([])).toEqual([]);
  });
});
