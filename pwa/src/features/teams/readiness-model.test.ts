import { describe, expect, it } from "vitest";
import { setLang } from "../../i18n";
import { dayWords, readReadiness, teamReasons, townshipReasons } from "./readiness-model";

const team = (over: Record<string, unknown> = {}) => ({
  team_id: "t1",
  name: "古田镇综合应急救援队",
  kind: "comprehensive",
  size: 8,
  min_size: 10,
  captain: null,
  stages: { unknown: 8 },
  active: 0,
  probation: 0,
  certificates_expiring: [{ display_name: "林", name: "救生员证", expires_on: "2026-12-20" }],
  certificates_expired: [],
  flagged_members: 2,
  unchecked_members: 3,
  insurance: { count: null, label: "未登记" },
  equipment: { count: null, label: "未登记" },
  status: "red",
  ...over,
});
const body = (teams: unknown[]) => ({
  region_name: "上杭县",
  as_of: "2026-12-02",
  rules: { max_age: 45, min_team_size: 10, captain_required: true },
  summary: { status: "red", townships_short: 1 },
  townships: [{ region_id: 2, region_name: "古田镇", status: "red", teams }],
});

describe("readiness words", () => {
  it("says a short team and a missing captain first, in Chinese", () => {
    setLang("zh-CN");
    const r = readReadiness(body([team()]));
    expect(r.townships[0].teams[0].insurance).toBeNull();
    expect(townshipReasons(r.townships[0])).toEqual(["队员 8 人，少于 10 人", "没有队长", "1 本证书 30 天内到期", "2 名队员不符合招募条件", "3 名队员未登记出生日期或学历", "8 名队员未登记队员状态"]);
  });

  it("says them in English too", () => {
    setLang("en");
    const r = readReadiness(body([team()]));
    expect(teamReasons(r.townships[0].teams[0]).red).toEqual(["8 members, fewer than 10", "No captain"]);
    setLang("zh-CN");
  });

  it("a township with no comprehensive team falls short for that alone", () => {
    setLang("zh-CN");
    const r = readReadiness(body([team({ kind: "flood", size: 20, captain: "王" })]));
    expect(townshipReasons(r.townships[0])).toEqual(["没有综合应急救援队"]);
  });

  it("a team that meets the standard has nothing to say, and junk reads as red, not green", () => {
    const ok = readReadiness(body([team({ size: 12, captain: "王", certificates_expiring: [], flagged_members: 0, unchecked_members: 0, stages: {}, status: "green" })]));
    expect(townshipReasons(ok.townships[0])).toEqual([]);
    expect(readReadiness({ townships: [{ teams: [{ status: "purple" }] }] }).townships[0].teams[0].status).toBe("red");
  });

  it("says a calendar day as the day it is, in either language", () => {
    setLang("zh-CN");
    expect(dayWords("2026-12-20")).toBe("2026年12月20日");
    setLang("en");
    expect(dayWords("2026-12-20")).toContain("2026");
    setLang("zh-CN");
  });

  it("counts members without valid insurance and cover ending within 30 days, in words", () => {
    setLang("zh-CN");
    const r = readReadiness(body([team({ size: 12, captain: "林", stages: {}, certificates_expiring: [], flagged_members: 0, unchecked_members: 0, insurance: { count: 3, expiring: 2, label: "3 名队员无有效保险" } })]));
    const tm = r.townships[0].teams[0];
    expect(tm.insurance).toBe(3);
    expect(tm.insuranceEnding).toBe(2);
    expect(teamReasons(tm)).toEqual({ red: [], yellow: ["3 名队员无有效保险", "2 名队员的保险 30 天内到期"] });
    setLang("en");
    expect(teamReasons(tm).yellow).toEqual(["3 members without valid insurance", "2 members' insurance ends within 30 days"]);
    setLang("zh-CN");
  });
});

describe("equipment overdue in readiness", () => {
  it("says how many items are overdue, and nothing when none is or none was registered", () => {
    setLang("zh-CN");
    const late = readReadiness(body([team({ size: 12, captain: "王", stages: { active: 12 }, certificates_expiring: [], flagged_members: 0, unchecked_members: 0, equipment: { count: 3, label: "3 件装备逾期未保养" } })]));
    expect(townshipReasons(late.townships[0])).toEqual(["3 件装备逾期未保养"]);
    const none = readReadiness(body([team({ equipment: { count: 0, label: "装备均按期保养" } })]));
    expect(townshipReasons(none.townships[0]).some((w) => w.includes("装备"))).toBe(false);
    const unrecorded = readReadiness(body([team()]));
    expect(unrecorded.townships[0].teams[0].equipment).toBeNull();
  });
});
