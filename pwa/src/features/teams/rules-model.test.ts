import { afterEach, describe, expect, it } from "vitest";
import { setLang } from "../../i18n";
import { changes, checkRulesForm, countFlagged, DEFAULT_RULES, flagWords, formOf, groupFlags, readFlags, readRules, ruleLines, rulesBody, type Flag } from "./rules-model";

afterEach(() => setLang("zh-CN"));

const flag = (over: Partial<Flag>): Flag => ({ teamId: "t1", teamName: "古田镇综合应急救援队", regionId: 2, memberId: "m1", name: "林", rule: "age", reason: "", ...over });

describe("the rules in words", () => {
  it("reads the server's answer and says each rule", () => {
    setLang("zh-CN");
    const r = readRules({ max_age: 40, min_education: "senior_high", min_team_size: 12, captain_required: true, saved: true, updated_at: "2026-12-01T00:00:00Z" });
    expect(ruleLines(r)).toEqual(["年龄不超过 40 岁", "文化程度至少高中/中专", "每队至少 12 人", "须有队长"]);
    expect(r.saved).toBe(true);
  });

  it("falls back to the defaults on a broken answer and says them in English", () => {
    setLang("en");
    const r = readRules({ max_age: "x", min_education: "phd" });
    expect(r).toEqual(DEFAULT_RULES);
    expect(ruleLines(r)[0]).toBe("Aged 45 or under");
    expect(ruleLines({ ...r, captainRequired: false })[3]).toBe("A captain is not required");
  });
});

describe("the form", () => {
  it("passes the defaults and sends numbers, full-width digits too", () => {
    const f = { ...formOf(DEFAULT_RULES), max_age: "３０" };
    expect(checkRulesForm(f)).toEqual({});
    expect(rulesBody(f)).toEqual({ max_age: 30, min_education: "junior_high", min_team_size: 10, captain_required: true });
  });

  it("refuses what the server would refuse, field by field", () => {
    expect(checkRulesForm({ max_age: "", min_education: "x", min_team_size: "0", captain_required: true })).toEqual({ max_age: "required", min_education: "education", min_team_size: "sizeRange" });
    expect(checkRulesForm({ ...formOf(DEFAULT_RULES), max_age: "15" }).max_age).toBe("ageRange");
    expect(checkRulesForm({ ...formOf(DEFAULT_RULES), max_age: "71" }).max_age).toBe("ageRange");
    expect(checkRulesForm({ ...formOf(DEFAULT_RULES), max_age: "4.5" }).max_age).toBe("whole");
    expect(checkRulesForm({ ...formOf(DEFAULT_RULES), min_team_size: "501" }).min_team_size).toBe("sizeRange");
  });

  it("says what would change", () => {
    setLang("zh-CN");
    expect(changes(DEFAULT_RULES, { ...formOf(DEFAULT_RULES), max_age: "30", captain_required: false })).toEqual(["最大年龄 45 岁 → 30 岁", "改为不要求有队长"]);
    expect(changes(DEFAULT_RULES, formOf(DEFAULT_RULES))).toEqual([]);
  });
});

describe("the flags", () => {
  it("words each reason from its rule and the figures of the server's sentence", () => {
    setLang("zh-CN");
    const r = { ...DEFAULT_RULES, maxAge: 30 };
    expect(flagWords(flag({ rule: "age", reason: "年龄 36 岁，超过 30 岁" }), r)).toBe("年龄 36 岁，超过 30 岁");
    expect(flagWords(flag({ rule: "education", reason: "学历小学，低于初中" }), r)).toBe("学历小学，低于初中");
    expect(flagWords(flag({ rule: "age_unknown" }), r)).toBe("未登记出生日期，无法核对年龄（不超过 30 岁）");
    expect(flagWords(flag({ rule: "team_size", memberId: null, reason: "队员 9 人，少于 10 人" }), r)).toBe("队员 9 人，少于 10 人");
    expect(flagWords(flag({ rule: "something_new", reason: "服务器的话" }), r)).toBe("服务器的话");
    setLang("en");
    expect(flagWords(flag({ rule: "age", reason: "年龄 36 岁，超过 30 岁" }), r)).toBe("Aged 36, over 30");
    expect(flagWords(flag({ rule: "education", reason: "学历小学，低于初中" }), r)).toBe("Education primary school, below junior high school");
  });

  it("groups by township and team, each member once, those who break a rule first", () => {
    const flags = readFlags({
      items: [
        { team_id: "t2", team_name: "才溪镇综合应急救援队", region_id: 3, member_id: "m9", display_name: "张", rule: "age_unknown", reason: "" },
        { team_id: "t1", team_name: "古田镇综合应急救援队", region_id: 2, member_id: null, display_name: null, rule: "team_size", reason: "队员 9 人，少于 10 人" },
        { team_id: "t1", team_name: "古田镇综合应急救援队", region_id: 2, member_id: "m1", display_name: "林", rule: "age_unknown", reason: "" },
        { team_id: "t1", team_name: "古田镇综合应急救援队", region_id: 2, member_id: "m1", display_name: "林", rule: "education_unknown", reason: "" },
        { team_id: "t1", team_name: "古田镇综合应急救援队", region_id: 2, member_id: "m2", display_name: "陈", rule: "age", reason: "年龄 50 岁，超过 45 岁" },
      ],
    });
    const g = groupFlags(flags, new Map([[2, "古田镇"], [3, "才溪镇"]]));
    expect(g.map((t) => t.name)).toEqual(["才溪镇", "古田镇"].sort((a, b) => a.localeCompare(b, "zh-CN")));
    const gutian = g.find((t) => t.regionId === 2)!;
    expect(gutian.teams[0].team.map((f) => f.rule)).toEqual(["team_size"]);
    expect(gutian.teams[0].members.map((m) => [m.name, m.flags.length])).toEqual([["陈", 1], ["林", 2]]);
    expect(countFlagged(flags)).toEqual({ broken: 1, unchecked: 2 });
  });

  it("reads a broken answer as no flags", () => {
    expect(readFlags(null)).toEqual([]);
    expect(readFlags({ items: "x" })).toEqual([]);
  });
});
