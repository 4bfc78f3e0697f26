import { describe, expect, it } from "vitest";
import { badgeMember, chinaInstant, chinaParts, checkPlan, draftFromTraining, emptyPlanDraft, findSent, restorePlanDraft, suggestedHours, tickedMembers, type PlanDraft } from "./plan-model";
import type { Training } from "./model";

const NOW = Date.parse("2026-12-03T00:00:00Z");
const team = ["a", "b", "c"];

function filled(extra: Partial<PlanDraft> = {}): PlanDraft {
  return { ...emptyPlanDraft("k"), kind: "skills", title: " 绳索救援 ", place: "村部", day: "2026-12-05", start: "09:00", end: "11:30", hours: "2.5", ...extra };
}

describe("planning a training on the phone", () => {
  it("sends China times with their offset, every member ticked until one is changed", () => {
    const { errors, body } = checkPlan(filled(), team, NOW);
    expect(errors).toEqual({});
    expect(body).toEqual({ kind: "skills", title: "绳索救援", place: "村部", starts_at: "2026-12-05T09:00:00+08:00", ends_at: "2026-12-05T11:30:00+08:00", planned_hours: "2.5", member_ids: ["a", "b", "c"] });
    expect(checkPlan(filled({ member_ids: ["c", "gone"] }), team, NOW).body?.member_ids).toEqual(["c"]);
  });

  it("says what is missing or wrong, field by field, and sends nothing", () => {
    expect(checkPlan(emptyPlanDraft("k"), team, NOW)).toEqual({
      errors: { kind: "required", title: "required", place: "required", day: "required", start: "required", end: "required", hours: "required" },
      body: null,
    });
    expect(checkPlan(filled({ end: "09:00" }), team, NOW).errors).toEqual({ end: "endBeforeStart" });
    expect(checkPlan(filled({ hours: "2.55" }), team, NOW).errors).toEqual({ hours: "invalid" });
    expect(checkPlan(filled({ hours: "25" }), team, NOW).errors).toEqual({ hours: "hoursRange" });
    expect(checkPlan(filled({ day: "2030-01-01" }), team, NOW).errors).toEqual({ day: "tooFar" });
    expect(checkPlan(filled({ member_ids: [] }), team, NOW).errors).toEqual({ members: "noMembers" });
    expect(checkPlan(filled({ kind: "party" }), team, NOW).errors).toEqual({ kind: "required" });
  });

  it("reads an instant as its China day and time (a late UTC evening is the next China day)", () => {
    expect(chinaParts("2026-12-04T17:30:00Z")).toEqual(["2026-12-05", "01:30"]);
    expect(Date.parse(chinaInstant("2026-12-05", "01:30"))).toBe(Date.parse("2026-12-04T17:30:00Z"));
    expect(chinaParts("nonsense")).toEqual(["", ""]);
  });

  it("an edit starts from the training as the server has it", () => {
    const tr: Training = { id: "t1", team_id: "x", kind: "fitness", title: "体能", place: "操场", starts_at: "2026-12-05T00:00:00+00:00", ends_at: "2026-12-05T02:00:00+00:00", planned_hours: "2.0", status: "planned", member_ids: ["b"] };
    expect(draftFromTraining(tr, "k")).toMatchObject({ training_id: "t1", kind: "fitness", day: "2026-12-05", start: "08:00", end: "10:00", hours: "2.0", member_ids: ["b"] });
  });

  it("a kept draft comes back field by field; junk does not", () => {
    const d = restorePlanDraft({ kind: "exercise", title: "演练", day: "2026-12-05", start: "9am", member_ids: ["a", 3, "a"], sent_at: "x" }, "k");
    expect(d).toMatchObject({ kind: "exercise", title: "演练", day: "2026-12-05", start: "", member_ids: ["a"], sent_at: null });
    expect(restorePlanDraft(null, "k")).toEqual(emptyPlanDraft("k"));
    expect(tickedMembers(restorePlanDraft({}, "k"), team)).toEqual(team);
  });

  it("offers the hours between the times, to the half hour", () => {
    expect(suggestedHours("09:00", "11:20")).toBe("2.5");
    expect(suggestedHours("09:00", "09:00")).toBe("");
    expect(suggestedHours("", "10:00")).toBe("");
  });

  it("finds a create whose answer was lost, not a cancelled one", () => {
    const body = checkPlan(filled(), team, NOW).body!;
    const same = { id: "t9", team_id: "x", kind: "skills", title: "绳索救援", place: "村部", starts_at: "2026-12-05T01:00:00+00:00", ends_at: "", planned_hours: "2.5", status: "planned", member_ids: [] };
    expect(findSent([same], body)?.id).toBe("t9");
    expect(findSent([{ ...same, status: "cancelled" }], body)).toBeNull();
    expect(findSent([{ ...same, place: "别处" }], body)).toBeNull();
  });
});

describe("a scanned badge", () => {
  const id = "3f2a1c4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
  it("holds a member id, bare or as member:<uuid>", () => {
    expect(badgeMember(id)).toBe(id);
    expect(badgeMember(` member:${id.toUpperCase()} `)).toBe(id);
    expect(badgeMember("MEMBER:" + id)).toBe(id);
  });
  it("anything else is no badge", () => {
    expect(badgeMember("https://example.org/s/abc")).toBeNull();
    expect(badgeMember("member:")).toBeNull();
    expect(badgeMember(id + "x")).toBeNull();
  });
});
