import { describe, expect, it } from "vitest";
import { groupOverdue, readOverdue } from "./overdue-model";

const raw = (over: Record<string, unknown>) => ({
  id: "i1",
  team_id: "t1",
  team_name: "临城镇综合应急救援队",
  region_id: 2,
  name: "抽水泵",
  category: "pump",
  condition: "good",
  next_due_on: "2026-11-01",
  ...over,
});

describe("the desk's overdue equipment", () => {
  it("reads what it can and drops what it cannot place", () => {
    const items = readOverdue({ items: [raw({}), raw({ id: "i2", region_id: "2" }), raw({ id: "", name: "x" }), null, 7] });
    expect(items.map((i) => [i.id, i.regionId, i.teamName])).toEqual([["i1", 2, "临城镇综合应急救援队"]]);
    expect(readOverdue(null)).toEqual([]);
    expect(readOverdue({ items: "no" })).toEqual([]);
  });

  it("groups by township and team, the longest overdue first, the busiest township first", () => {
    const items = readOverdue({
      items: [
        raw({ id: "a", name: "发电机", next_due_on: "2026-11-20" }),
        raw({ id: "b", name: "抽水泵", next_due_on: "2026-10-01" }),
        raw({ id: "c", team_id: "t9", team_name: "古田镇综合应急救援队", region_id: 3, name: "冲锋舟", next_due_on: "2026-01-01" }),
        raw({ id: "d", team_id: "t2", team_name: "临城镇水上救援队", name: "救生衣", next_due_on: "2026-11-30" }),
      ],
    });
    const towns = groupOverdue(items, "2026-12-01", new Map([[2, "临城镇"], [3, "古田镇"]]));
    expect(towns.map((t) => [t.name, t.count])).toEqual([["临城镇", 3], ["古田镇", 1]]);
    expect(towns[0].teams.map((t) => t.name)).toEqual(["临城镇水上救援队", "临城镇综合应急救援队"]);
    expect(towns[0].teams[1].items.map((i) => i.id)).toEqual(["b", "a"]);
  });

  it("leaves out what is not overdue on the day: due today, lost or retired, or a township unnamed", () => {
    const items = readOverdue({
      items: [
        raw({ id: "today", next_due_on: "2026-12-01" }),
        raw({ id: "lost", condition: "lost" }),
        raw({ id: "late", region_id: 5 }),
      ],
    });
    const towns = groupOverdue(items, "2026-12-01", new Map());
    expect(towns.map((t) => [t.name, t.teams[0].items.map((i) => i.id)])).toEqual([["5", ["late"]]]);
  });
});
