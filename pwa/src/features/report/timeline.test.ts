import { describe, expect, it } from "vitest";
import { timelineLines } from "./timeline";
import { setLang } from "../../i18n";

const report = {
  id: "r-1",
  reported_at: "2026-12-01T00:30:00+00:00",
  media_ids: ["m-1", "m-2"],
  steps: [
    { kind: "verify", actor_name: "临城镇值班员", at: "2026-12-01T01:00:00+00:00", severity: "red", comment: "属实" },
    {
      kind: "assign",
      actor_name: "临城镇值班员",
      at: "2026-12-01T01:05:00+00:00",
      responsible_unit: "临城镇国土所",
      assignee_name: "队员二",
      deadline_at: "2026-12-03T10:00:00+00:00",
    },
    { kind: "rectify", actor_name: "队员二", at: "2026-12-02T16:30:00+00:00", photos: [{}, {}, {}] },
    { kind: "reject", actor_name: "x", at: "2026-12-02T17:00:00+00:00", rejection: "duplicate", reason: "与另一条重复" },
  ],
};

// A phone set to another zone (Node applies a new TZ at once): the lines still read Beijing time.
(globalThis as unknown as { process: { env: Record<string, string> } }).process.env.TZ = "America/New_York";

describe("timelineLines", () => {
  it("says each step in words, in China's time, with who, the reason and the photo count", () => {
    expect(new Date("2026-12-01T00:30:00Z").getHours()).toBe(19); // the zone really is New York here
    setLang("zh-CN");
    const lines = timelineLines(report, "zh-CN");
    expect(lines.map((l) => l.kind)).toEqual(["report", "verify", "assign", "rectify", "reject"]);
    expect(lines[0]).toMatchObject({ what: "上报", photos: 2 });
    // 00:30 UTC is 08:30 in Beijing, whatever zone the phone runs in.
    expect(lines[0].when).toContain("08:30");
    expect(lines[1].what).toBe("核实：重大");
    expect(lines[1].note).toBe("属实");
    expect(lines[2].what).toContain("临城镇国土所 · 队员二");
    expect(lines[2].what).toContain("18:00"); // the deadline, 10:00 UTC
    // 16:30 UTC on the 2nd is 00:30 on the 3rd in China: the date turns over too.
    expect(lines[3].when).toContain("3日");
    expect(lines[3].when).toContain("00:30");
    expect(lines[3].photos).toBe(3);
    expect(lines[4].what).toBe("不予采纳：重复上报");
    expect(lines[4].note).toBe("原因：与另一条重复");
  });

  it("reads in English too, and a step of a kind it does not know keeps its name", () => {
    setLang("en");
    const lines = timelineLines({ ...report, steps: [{ kind: "merge", actor_name: "a", at: "2026-12-01T01:00:00Z" }] }, "en");
    expect(lines[0].what).toBe("Reported");
    expect(lines[1].what).toBe("merge");
    setLang("zh-CN");
  });

  it("takes a record with no steps (the phone's own copy) and junk without failing", () => {
    expect(timelineLines({ reported_at: "2026-12-01T00:30:00Z" })).toHaveLength(1);
    expect(timelineLines({ steps: [null, 3, { kind: 7 }] as unknown[] })).toHaveLength(2);
  });
});
