import { describe, expect, it } from "vitest";
import { canManage, checkDraft, createBody, emptyDraft, givableRoles, regionOptions } from "./model";

describe("administration rules on the phone", () => {
  it("offers the administrator's role to administrators only", () => {
    expect(givableRoles("admin")).toContain("admin");
    expect(givableRoles("duty_officer")).not.toContain("admin");
    expect(givableRoles("duty_officer")).toContain("duty_officer");
  });

  it("lets a duty officer manage everyone but an administrator", () => {
    expect(canManage("duty_officer", { role: "member" })).toBe(true);
    expect(canManage("duty_officer", { role: "admin" })).toBe(false);
    expect(canManage("admin", { role: "admin" })).toBe(true);
    expect(canManage("captain", { role: "member" })).toBe(false);
  });

  it("says what is missing before sending, and a short password as such", () => {
    expect(Object.keys(checkDraft(emptyDraft())).sort()).toEqual(["display_name", "password", "region_id", "username"]);
    expect(checkDraft({ ...emptyDraft(), display_name: "张", username: "zh", region_id: "2", password: "short" })).toEqual({ password: "short" });
  });

  it("sends no team role without a team, and trims what was typed", () => {
    const d = { ...emptyDraft(), display_name: " 张三 ", username: " zhang ", region_id: "2", password: "long-enough", phone: " " };
    expect(createBody(d)).toEqual({ display_name: "张三", username: "zhang", role: "member", region_id: 2, password: "long-enough", must_change_password: true });
    expect(createBody({ ...d, team_id: "t1", team_role: "vice_captain" })).toMatchObject({ team_id: "t1", team_role: "vice_captain" });
  });

  it("indents regions under their parents", () => {
    const opts = regionOptions([
      { id: 1, name: "上杭县", level: "county", parent_id: null },
      { id: 2, name: "临城镇", level: "township", parent_id: 1 },
      { id: 3, name: "城东村", level: "village", parent_id: 2 },
    ]);
    expect(opts).toEqual([["1", "上杭县"], ["2", "\u3000临城镇"], ["3", "\u3000\u3000城东村"]]);
  });
});
