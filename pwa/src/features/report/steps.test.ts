import { describe, expect, it } from "vitest";
import { ALLOWED_FROM, allowedSteps, predict, stateAfter, whyNot } from "./steps";

const desk = { id: "u-desk", role: "duty_officer" };
const admin = { id: "u-admin", role: "admin" };
const worker = { id: "u-worker", role: "member" };
const officer = { id: "u-officer", role: "info_officer" };

describe("allowedSteps mirrors lifecycle.py", () => {
  it("offers the desk verify and reject on a new report, and nothing to a field user", () => {
    expect(allowedSteps(desk, { status: "reported" })).toEqual(["verify", "reject"]);
    expect(allowedSteps(officer, { status: "reported" })).toEqual([]);
    expect(allowedSteps(null, { status: "reported" })).toEqual([]);
  });

  it("lets only the assignee (or the desk for them) start and rectify", () => {
    const assigned = { status: "assigned", assignee_id: worker.id };
    expect(allowedSteps(worker, assigned)).toEqual(["start"]);
    expect(allowedSteps({ id: "someone-else", role: "member" }, assigned)).toEqual([]);
    expect(allowedSteps(desk, assigned)).toEqual(["assign", "start"]);
    expect(allowedSteps(worker, { status: "rectifying", assignee_id: worker.id })).toEqual(["rectify"]);
    // Assigned to a unit only: the desk does it for them; no field user may.
    expect(whyNot(worker, { status: "assigned", assignee_id: null }, "start")).toBe("not-assignee");
  });

  it("never lets whoever rectified it, or answers for it, close it", () => {
    const rectified = { status: "rectified", assignee_id: worker.id, steps: [{ kind: "rectify", actor_id: desk.id }] };
    expect(whyNot(desk, rectified, "close")).toBe("own-work");
    expect(allowedSteps(admin, rectified)).toEqual(["assign", "close"]);
    expect(whyNot({ id: worker.id, role: "duty_officer" }, { status: "rectified", assignee_id: worker.id }, "close")).toBe("own-work");
    expect(whyNot(worker, rectified, "close")).toBe("role");
  });

  it("offers reopen on closed and rejected ones, and no step on a state it does not know", () => {
    expect(allowedSteps(desk, { status: "closed" })).toEqual(["reopen"]);
    expect(allowedSteps(desk, { status: "rejected" })).toEqual(["reopen"]);
    expect(allowedSteps(desk, { status: "merged" })).toEqual([]);
    expect(stateAfter("closed", "reopen")).toBe("verified");
    expect(stateAfter("rejected", "reopen")).toBe("reported");
    expect(Object.keys(ALLOWED_FROM)).toHaveLength(7);
  });
});

describe("predict: the steps queued offline count before the server has them", () => {
  it("lets the assignee rectify after a start still waiting on the phone", () => {
    const now = predict({ status: "assigned", assignee_id: worker.id }, [{ kind: "start", actor_id: worker.id }]);
    expect(now.status).toBe("rectifying");
    expect(allowedSteps(worker, now)).toEqual(["rectify"]);
  });

  it("takes a queued assignment's person, and a queued rectify bars its author from closing", () => {
    const after = predict({ status: "verified" }, [
      { kind: "assign", actor_id: desk.id, assignee_id: worker.id },
      { kind: "start", actor_id: desk.id },
      { kind: "rectify", actor_id: desk.id },
    ]);
    expect(after).toMatchObject({ status: "rectified", assignee_id: worker.id });
    expect(whyNot(desk, after, "close")).toBe("own-work");
  });

  it("skips a queued step its state would not allow (the server will refuse it)", () => {
    expect(predict({ status: "closed" }, [{ kind: "verify", actor_id: desk.id }]).status).toBe("closed");
  });
});
