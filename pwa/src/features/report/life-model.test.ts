import { describe, expect, it } from "vitest";
import type { LocalRecord, OutboxOp } from "../../data/db";
import { asProblem } from "../../data/problem";
import { setLang } from "../../i18n";
import { notYetShown, queuedOf, stateRefusalText, stepOpsFor } from "./life-model";

const R = "11111111-1111-4111-8111-111111111111";

function op(type: string, state: OutboxOp["state"], data: Record<string, unknown>, entity = R): OutboxOp {
  return { op_id: `op-${Math.random()}`, type, at: "2026-12-02T08:00:00+08:00", data, state, media_ids: [], user_id: "u-1", entity_id: entity, created_at: "", attempts: 0 };
}

describe("the phone's steps of one report", () => {
  const ops = [
    op("report.create", "sent", { id: R }),
    op("report.start", "sent", { id: "s-1", report_id: R }),
    op("report.rectify", "waiting", { id: "s-2", report_id: R }),
    op("report.close", "refused", { id: "s-3", report_id: R }),
    op("report.start", "waiting", { id: "s-9" }, "another"),
    op("report.merge", "waiting", { id: "s-8" }),
  ];

  it("are its report.<kind> ops only, in order", () => {
    expect(stepOpsFor(ops, R).map((s) => [s.kind, s.stepId])).toEqual([["start", "s-1"], ["rectify", "s-2"], ["close", "s-3"]]);
  });

  it("stop counting once the server's copy shows them, and a refused one never counts", () => {
    const steps = stepOpsFor(ops, R);
    const before = { id: R, _status: "synced", status: "assigned", steps: [] } as LocalRecord;
    expect(notYetShown(before, steps).map((s) => s.stepId)).toEqual(["s-1", "s-2", "s-3"]);
    expect(queuedOf(before, steps).map((q) => q.kind)).toEqual(["start", "rectify"]);
    const after = { ...before, status: "rectifying", steps: [{ id: "s-1", kind: "start" }] } as LocalRecord;
    expect(notYetShown(after, steps).map((s) => s.stepId)).toEqual(["s-2", "s-3"]);
  });
});

describe("a report-state refusal in words", () => {
  const problem = asProblem({
    type: "https://emergency-field.example/problems/report-state",
    title: "Not possible in this state",
    status: 409,
    detail: "This report is closed now",
    state: "closed",
    current: { id: R, status: "closed", steps: [{ kind: "close", actor_name: "临城镇值班员", at: "2026-12-02T01:00:00+00:00" }] },
  });

  it("keeps the record and the state the server sent (the phone refreshes from them)", () => {
    expect(problem.state).toBe("closed");
    expect((problem.current as { id: string }).id).toBe(R);
    expect(asProblem({ type: "x", current: [1, 2], state: 3 })).not.toHaveProperty("current");
  });

  it("says who did what, when in China time, and the state now, in either language", () => {
    setLang("zh-CN");
    expect(stateRefusalText(problem, "zh-CN")).toBe("有人已经先处理了这条隐患（复核销号 · 临城镇值班员 · 2026年12月2日 09:00），现在是「已办结」，你的这一步没有生效。");
    setLang("en");
    expect(stateRefusalText(problem, "en")).toContain('it is now "Closed"');
    setLang("zh-CN");
  });

  it("falls back to the state alone, and is null for other problems", () => {
    expect(stateRefusalText({ ...problem, current: undefined }, "zh-CN")).toBe("这条隐患已经是「已办结」了，你的这一步没有生效。");
    expect(stateRefusalText(asProblem({ type: "https://emergency-field.example/problems/own-work", status: 403 }))).toBeNull();
  });
});

describe("a step's field problems in words", () => {
  it("names a step photo's part by its number, not the server's path", async () => {
    const { describeProblem } = await import("../../i18n/problem");
    const d = describeProblem(
      asProblem({ type: "https://emergency-field.example/problems/validation", status: 422, errors: { "photos.0.taken_at": ["Taken before the report was filed."], assignee_id: ["No active user of your area who can see this report's region."] } }),
      "zh-CN",
    );
    expect(d.fields["photos.0.taken_at"]).toContain("照片 1 · 拍摄时间");
    expect(d.fields.assignee_id).toContain("责任人");
  });
});
