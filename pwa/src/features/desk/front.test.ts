import { describe, expect, it } from "vitest";
import { groupOrders, type Incident } from "./front";
import type { Order } from "./desk";

const inc = (id: string, occurred_at: string): Incident => ({ id, title: id, occurred_at });
const order = (id: string, incident_id: string | null, created_at: string): Order => ({ id, title: id, incident_id, created_at });

describe("the desk's front page", () => {
  it("puts incidents newest first, each with its own orders newest first, and loose orders last", () => {
    const groups = groupOrders(
      [inc("old", "2026-11-30T08:00:00+08:00"), inc("new", "2026-12-01T08:00:00+08:00"), inc("empty", "2026-11-29T08:00:00+08:00")],
      [
        order("o1", "old", "2026-11-30T09:00:00+08:00"),
        order("o2", "new", "2026-12-01T09:00:00+08:00"),
        order("o3", "new", "2026-12-01T10:00:00+08:00"),
        order("o4", null, "2026-12-01T11:00:00+08:00"),
        order("o5", "closed-incident", "2026-12-01T12:00:00+08:00"),
      ],
    );
    expect(groups.map((g) => [g.incident?.id ?? null, g.orders.map((o) => o.id)])).toEqual([
      ["new", ["o3", "o2"]],
      ["old", ["o1"]],
      ["empty", []],
      [null, ["o5", "o4"]],
    ]);
  });

  it("has no loose group when every order belongs to a listed incident", () => {
    expect(groupOrders([inc("a", "2026-12-01T08:00:00+08:00")], [order("o", "a", "2026-12-01T09:00:00+08:00")])).toHaveLength(1);
    expect(groupOrders([], [])).toEqual([]);
  });
});
