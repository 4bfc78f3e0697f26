import { describe, expect, it } from "vitest";
import { zhCN } from "../../src/i18n/zh-CN";
import { en } from "../../src/i18n/en";
import { formatDateTime, t } from "../../src/i18n";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("i18n tables", () => {
  it("zh-CN and en have exactly the same keys", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it("no string is empty in either language", () => {
    for (const table of [zhCN, en] as Record<string, string>[]) {
      for (const [key, text] of Object.entries(table)) expect(text.trim(), key).not.toBe("");
    }
  });

  it("each key uses the same placeholders in both languages", () => {
    for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(zhCN[key]));
    }
  });

  it("every role of the contract has a name in both languages", () => {
    for (const role of ["admin", "duty_officer", "captain", "member", "info_officer", "shelter_manager"]) {
      expect(Object.keys(zhCN)).toContain(`role.${role}`);
    }
    expect(zhCN["role.member"]).toBe("救援队员");
  });

  it("fills placeholders and defaults to Chinese", () => {
    expect(t("net.pending", { n: 3 })).toBe("3 条待发送");
    expect(t("net.pending", { n: 3 }, "en")).toBe("3 waiting to send");
  });

  it("writes dates the local way", () => {
    const when = "2026-11-29T08:00:00+08:00";
    expect(formatDateTime(when, "zh-CN", "Asia/Shanghai")).toBe("2026年11月29日 08:00");
    expect(formatDateTime(when, "en", "Asia/Shanghai")).toContain("November 29, 2026");
    expect(formatDateTime("not a date", "zh-CN")).toBe("");
  });
});
