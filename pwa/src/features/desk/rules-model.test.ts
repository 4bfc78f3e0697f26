import { beforeEach, describe, expect, it } from "vitest";
import { setLang } from "../../i18n";
import { checkRules, ruleWords, serverErrors, sortRules, splitMinutes, toMinutes, type Rule } from "./rules-model";

const rule = (over: Partial<Rule> = {}): Rule => ({ node: "verify", category: "any", severity: "any", amount: 4, unit: "hours", remind_before_min: 60, grace_min: 120, ...over });

describe("deadline rules on the desk", () => {
  beforeEach(() => setLang("zh-CN"));

  it("shows minutes in the largest whole unit and back", () => {
    expect(splitMinutes(120)).toEqual({ n: 2, unit: "hour" });
    expect(splitMinutes(90)).toEqual({ n: 90, unit: "min" });
    expect(splitMinutes(2880)).toEqual({ n: 2, unit: "day" });
    expect(splitMinutes(0)).toEqual({ n: 0, unit: "min" });
    expect(toMinutes(2, "day")).toBe(2880);
  });

  it("says a rule in words", () => {
    expect(ruleWords(rule())).toBe("4 小时内办结 · 提前 1 小时提醒 · 超期 2 小时后升级");
    expect(ruleWords(rule({ amount: 1, unit: "workdays", remind_before_min: 0, grace_min: 1440 }))).toBe("1 个工作日内办结 · 不提前提醒 · 超期 1 天后升级");
  });

  it("refuses what the server refuses, at the rule", () => {
    const errs = checkRules([rule({ amount: 9000 }), rule({ node: "assign", unit: "workdays", amount: 251 }), rule(), rule({ node: "close", grace_min: 0 })]);
    expect(errs.get(0)?.amount).toBe("最多 8784 小时。");
    expect(errs.get(1)?.amount).toBe("最多 250 个工作日。");
    expect(errs.get(2)?.rule).toContain("已经有一条规则");
    expect(errs.get(3)?.grace).toContain("1 分钟到 30 天");
    expect(checkRules([rule()]).size).toBe(0);
  });

  it("puts the server's 422 at the fields in its own words, never the detail", () => {
    const got = serverErrors({ rules: { "2": { amount: ["At most 250 workdays."] }, "3": ["This node, category and colour already has a rule."], _schema: ["A rule for close with category and colour `any`."] } });
    expect(got.byRule.get(2)?.amount).toBe("服务器不接受这个时限，请检查数字和单位。");
    expect(got.byRule.get(3)?.rule).toContain("已经有一条规则");
    expect(got.fallbackMissing).toBe(true);
    expect(JSON.stringify([...got.byRule.values()])).not.toContain("At most");
    expect(serverErrors({ other: 1 }).other).toBe(true);
  });

  it("orders each node's fallback first", () => {
    const sorted = sortRules([rule({ node: "close" }), rule({ severity: "red" }), rule({ category: "flood" }), rule()]);
    expect(sorted.map((r) => `${r.node}|${r.category}|${r.severity}`)).toEqual(["verify|any|any", "verify|any|red", "verify|flood|any", "close|any|any"]);
  });
});
