import { describe, expect, it, beforeEach } from "vitest";
import { setLang } from "../../i18n";
import { levelWords, nodeWord, overdueWords, readSupervised, tone } from "./supervised-model";

const item = (over: Record<string, unknown> = {}) => ({
  report: { id: "r1", category: "geological", description: "裂缝", severity: "red", status: "reported" },
  node: "verify",
  due_at: "2026-12-02T04:00:00+00:00",
  overdue_s: 7_500,
  escalation_level: 1,
  escalated_at: "2026-12-02T06:00:00+00:00",
  ...over,
});

describe("the supervised list", () => {
  beforeEach(() => setLang("zh-CN"));

  it("reads a page and leaves out items it cannot show", () => {
    const page = readSupervised({ items: [item(), { node: "verify" }, item({ report: { id: "r2", severity: "purple" }, overdue_s: -3, escalation_level: "x" })], total: 3, next_cursor: "abc" });
    expect(page.items.map((i) => i.id)).toEqual(["r1", "r2"]);
    expect(page.items[1]).toMatchObject({ severity: null, overdueS: 0, level: 0, escalatedAt: "2026-12-02T06:00:00+00:00" });
    expect(page).toMatchObject({ total: 3, next: "abc" });
    expect(readSupervised(null)).toEqual({ items: [], total: 0, next: null });
  });

  it("says how long overdue in words, in Chinese and in English", () => {
    expect(overdueWords(7_500)).toBe("已超时 2小时5分钟");
    expect(overdueWords(3 * 86_400 + 3_600 * 4 + 120)).toBe("已超时 3天4小时");
    expect(overdueWords(20)).toBe("已超时 1分钟");
    expect(overdueWords(0)).toBe("未到期");
    setLang("en");
    expect(overdueWords(7_500)).toBe("Overdue by 2 h 5 min");
    expect(overdueWords(86_400)).toBe("Overdue by 1 d");
  });

  it("names the node and the escalation level, and gives escalated cards the stronger tone", () => {
    expect(nodeWord("rectify")).toBe("待整改");
    expect(levelWords(0)).toBe("已超时，未升级");
    expect(levelWords(2)).toBe("已升级督办（第2级）");
    const page = readSupervised({ items: [item(), item({ escalation_level: 0 })] });
    expect(page.items.map(tone)).toEqual(["bad", "warn"]);
  });
});
