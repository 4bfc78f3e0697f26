import { describe, expect, it } from "vitest";
import type { OutboxOp } from "../../data/db";
import { countRows, keptFor, needsMark, rollRows, sortTrainings, type Roll, type Training } from "./model";

const base: Training = { id: "t1", team_id: "team", kind: "exercise", title: "演练", place: "大坝", starts_at: "2026-12-02T01:00:00+00:00", ends_at: "2026-12-02T04:00:00+00:00", planned_hours: "3.0", status: "planned", member_ids: ["a", "b", "c"] };

function roll(marks: Record<string, "present" | "absent" | null> = {}): Roll {
  return {
    ...base,
    roll: ["a", "b", "c"].map((id) => ({
      member_id: id,
      display_name: `队员${id}`,
      team_role: "member",
      mark: marks[id] ? { status: marks[id]!, hours: "3.0", marked_at: "2026-12-02T02:00:00+00:00", mark_id: `srv-${id}` } : null,
    })),
  };
}

let seq = 0;
function op(member: string, status: string, state: OutboxOp["state"], extra: Partial<OutboxOp> = {}, training = "t1"): OutboxOp {
  seq += 1;
  return { seq, op_id: `op${seq}`, type: "training.attend", at: `2026-12-02T02:0${seq % 10}:00+08:00`, data: { id: `m${seq}`, training_id: training, member_id: member, status }, state, media_ids: [], user_id: "cap", created_at: "", attempts: 0, ...extra };
}

describe("the roll on this phone", () => {
  it("shows a mark saved on this phone at once, before it is sent", () => {
    const rows = rollRows(roll(), [op("a", "present", "waiting")]);
    expect(rows.map((r) => [r.member_id, r.mark, r.state])).toEqual([["a", "present", "waiting"], ["b", null, null], ["c", null, null]]);
  });

  it("takes the later tap for the same member, and ignores other trainings and op types", () => {
    const ops = [op("a", "present", "sent"), op("a", "absent", "waiting"), op("b", "present", "waiting", {}, "t2"), { ...op("c", "present", "waiting"), type: "warning.ack" }];
    const rows = rollRows(roll(), ops);
    expect(rows[0]).toMatchObject({ mark: "absent", state: "waiting" });
    expect(rows[1]!.mark).toBeNull();
    expect(rows[2]!.mark).toBeNull();
  });

  it("a refused mark does not stand: the server's mark shows, with the refusal", () => {
    const problem = { type: "https://x/problems/training-cancelled", title: "", status: 409 };
    const rows = rollRows(roll({ a: "present" }), [op("a", "absent", "refused", { error: problem })]);
    expect(rows[0]).toMatchObject({ mark: "present", state: "refused", problem });
  });

  it("the server's marks count as sent, and a newer one from another phone wins over a sent one", () => {
    const mine = op("a", "absent", "sent", { at: "2026-12-02T09:00:00+08:00" }); // 01:00 UTC, before the server's 02:00
    const rows = rollRows(roll({ a: "present", b: "absent" }), [mine]);
    expect(rows[0]).toMatchObject({ mark: "present", state: "sent" });
    expect(rows[1]).toMatchObject({ mark: "absent", state: "sent" });
  });

  it("counts what the roll shows", () => {
    const rows = rollRows(roll({ c: "absent" }), [op("a", "present", "waiting"), op("b", "late", "sent")]);
    expect(countRows(rows)).toEqual({ expected: 3, present: 1, late: 1, absent: 1, unmarked: 0 });
  });

  it("a second tap on the word that already shows sends nothing; a refused one may be tried again", () => {
    const [a] = rollRows(roll(), [op("a", "present", "waiting")]);
    expect(needsMark(a!, "present")).toBe(false);
    expect(needsMark(a!, "absent")).toBe(true);
    const [refused] = rollRows(roll(), [op("a", "present", "refused")]);
    expect(needsMark(refused!, "present")).toBe(true);
  });
});

describe("the list and kept answers", () => {
  it("puts planned ones first, soonest first", () => {
    const items = [
      { ...base, id: "late", starts_at: "2026-12-09T00:00:00+00:00" },
      { ...base, id: "gone", status: "cancelled", starts_at: "2026-12-01T00:00:00+00:00" },
      { ...base, id: "soon", starts_at: "2026-12-03T00:00:00+00:00" },
    ];
    expect(sortTrainings(items).map((t) => t.id)).toEqual(["soon", "late", "gone"]);
  });

  it("a kept answer is only for the account that fetched it", () => {
    const kept = { user_id: "cap", saved_at: 1, body: [base] };
    expect(keptFor(kept, "cap")).toEqual([base]);
    expect(keptFor(kept, "other")).toBeNull();
    expect(keptFor(undefined, "cap")).toBeNull();
  });
});
