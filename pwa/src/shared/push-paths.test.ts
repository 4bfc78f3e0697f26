import { describe, expect, it } from "vitest";
import { notificationPath } from "./push-paths";

describe("notificationPath", () => {
  it("opens an order on its own screen", () => {
    expect(notificationPath({ type: "dispatch", id: "5b0c1c1e-0000-4000-8000-000000000001" })).toBe("/orders/5b0c1c1e-0000-4000-8000-000000000001");
  });

  it("opens the desk for a shelter's fill notice", () => {
    expect(notificationPath({ type: "shelter", id: "x:fill90" })).toBe("/desk");
  });

  it("opens the disaster event for a late initial report's notice", () => {
    expect(notificationPath({ type: "disaster", id: "5b0c1c1e-0000-4000-8000-000000000001:17" })).toBe("/disasters/5b0c1c1e-0000-4000-8000-000000000001");
    expect(notificationPath({ type: "disaster", id: "../x:1" })).toBe("/");
  });

  it("opens the report a supervision notice is about", () => {
    const id = "5b0c1c1e-0000-4000-8000-000000000002";
    expect(notificationPath({ type: "report", id: `${id}:3:rectify:escalate1` })).toBe(`/reports/${id}`);
    expect(notificationPath({ type: "report", id: "../desk:3:rectify:due0" })).toBe("/");
    expect(notificationPath({ type: "report", id: 5 })).toBe("/");
  });

  it("opens the team's insurance page for a policy's notice", () => {
    const team = "5b0c1c1e-0000-4000-8000-000000000003";
    expect(notificationPath({ type: "insurance", id: `${team}:9d1c0000-0000-4000-8000-000000000004:2026-12-20:warn` })).toBe(`/teams/${team}/insurance`);
    // A notice queued before the team went into its id opens home, never a path made of it.
    expect(notificationPath({ type: "insurance", id: "9d1c:2026-12-20:warn" })).toBe("/");
    expect(notificationPath({ type: "insurance", id: "../admin:x" })).toBe("/");
  });

  it("opens home for anything else, and never a path made of a payload's odd id", () => {
    expect(notificationPath({ type: "alert", id: "a:silent" })).toBe("/");
    expect(notificationPath({ type: "dispatch", id: "../settings" })).toBe("/");
    expect(notificationPath({ type: "dispatch", id: 7 })).toBe("/");
    expect(notificationPath({})).toBe("/");
  });
});
