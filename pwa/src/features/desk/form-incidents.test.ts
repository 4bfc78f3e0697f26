import { describe, expect, it, vi } from "vitest";
import { NEW_INCIDENT } from "./draft";
import { fetchOpenIncidents, incidentLabel, incidentOptions, kindName, openIncidents, type Incident } from "./form-incidents";

const inc = (id: string, created_at: string, more: Partial<Incident> = {}): Incident => ({ id, kind: "flood", title: `事件${id}`, created_at, closed_at: null, ...more });

describe("the open incidents to choose from", () => {
  it("drops the closed ones and puts the most recent first", () => {
    const items = [
      inc("a", "2026-11-29T01:00:00+08:00"),
      inc("b", "2026-11-29T03:00:00+08:00", { closed_at: "2026-11-29T04:00:00+08:00" }),
      inc("c", "2026-11-29T02:30:00+08:00"),
      inc("d", "2026-11-28T19:00:00+00:00"), // 03:00 in Beijing: the newest
    ];
    expect(openIncidents(items).map((i) => i.id)).toEqual(["d", "c", "a"]);
  });

  it("keeps the server's order among equals and puts undated ones last", () => {
    const items = [inc("x", ""), inc("a", "2026-11-29T01:00:00Z"), inc("b", "2026-11-29T01:00:00Z")];
    expect(openIncidents(items).map((i) => i.id)).toEqual(["a", "b", "x"]);
  });

  it("offers 新事件 first, then the open ones", () => {
    const open = openIncidents([inc("a", "2026-11-29T01:00:00Z"), inc("b", "2026-11-29T02:00:00Z")]);
    const options = incidentOptions(open, NEW_INCIDENT, "", true);
    expect(options.map((o) => [o.value, o.stale])).toEqual([
      [NEW_INCIDENT, ""],
      ["b", ""],
      ["a", ""],
    ]);
  });

  it("keeps a saved choice that is not in the list, and says why", () => {
    const open = [inc("a", "2026-11-29T01:00:00Z")];
    const offline = incidentOptions(open, "z", "后山滑坡（地质灾害）", false);
    expect(offline.at(-1)).toEqual({ value: "z", incident: null, stale: "unchecked", label: "后山滑坡（地质灾害）" });
    const closed = incidentOptions(open, "z", "", true);
    expect(closed.at(-1)).toMatchObject({ value: "z", stale: "gone", label: "z" });
    expect(incidentOptions(open, "a", "", true)).toHaveLength(2);
  });

  it("reads an incident in words, the two playbook kinds included", () => {
    expect(kindName("geological")).toBe("地质灾害（滑坡）");
    expect(kindName("hazmat_transport")).toBe("危化品道路运输");
    expect(kindName("tunnel")).toBe("公路隧道");
    expect(incidentLabel(inc("a", "", { title: "后山滑坡", kind: "geological", place: "大坪村", severity: "orange" }))).toBe(
      "后山滑坡（地质灾害（滑坡） · 大坪村 · 较大）",
    );
    expect(incidentLabel(inc("a", "", { title: "河堤", kind: "unknown-kind" }))).toBe("河堤（unknown-kind）");
  });

  it("reads every page of the server's list, then keeps the open ones", async () => {
    const get = vi.fn(async (path: string) => {
      if (!path.includes("cursor=")) return { items: [inc("a", "2026-11-29T03:00:00Z", { closed_at: "2026-11-29T04:00:00Z" })], next_cursor: "p 2" };
      expect(path).toContain("cursor=p%202");
      return { items: [inc("b", "2026-11-29T02:00:00Z")], next_cursor: null };
    });
    const open = await fetchOpenIncidents(get as unknown as <T>(p: string) => Promise<T>);
    expect(open.map((i) => i.id)).toEqual(["b"]);
    expect(get).toHaveBeenCalledTimes(2);
    expect(get.mock.calls[0][0]).toBe("/api/v1/incidents?open=true&limit=100");
  });
});
