import { describe, expect, it } from "vitest";
import type { LocalRecord } from "../../data/db";
import {
  badSupplies,
  canOperate,
  canRegister,
  checkShelterDraft,
  draftFromShelter,
  emptyShelterDraft,
  eventRows,
  findMadeEarlier,
  MAX_SUPPLY,
  parseCount,
  placeShelterErrors,
  restoreShelterDraft,
  shelterBody,
  shelterDraftHasContent,
  stepCount,
  suppliesOf,
} from "./manage-model";

const ME = "0b6c3c57-6b0e-4f43-9e5c-9d4f3f0a8a11";
const shelter = (extra: Record<string, unknown> = {}): LocalRecord => ({ id: "s1", _status: "synced", name: "临城镇中心小学", manager_ids: [], ...extra });

describe("who runs a shelter", () => {
  it("the desk runs every shelter the phone holds; a manager only their own", () => {
    expect(canOperate({ id: ME, role: "duty_officer" }, shelter())).toBe(true);
    expect(canOperate({ id: ME, role: "admin" }, shelter())).toBe(true);
    expect(canOperate({ id: ME, role: "shelter_manager" }, shelter())).toBe(false);
    expect(canOperate({ id: ME, role: "shelter_manager" }, shelter({ manager_ids: [ME] }))).toBe(true);
    expect(canOperate({ id: ME, role: "member" }, shelter({ manager_ids: ["x"] }))).toBe(false);
    expect(canOperate({ id: ME, role: "shelter_manager" }, shelter({ manager_ids: undefined }))).toBe(false);
  });
  it("only the desk registers shelters", () => {
    expect(canRegister({ role: "duty_officer" })).toBe(true);
    expect(canRegister({ role: "shelter_manager" })).toBe(false);
  });
});

describe("supplies", () => {
  it("reads the server's shape and treats anything else as 0", () => {
    expect(suppliesOf(shelter({ supplies: { water: { quantity: 120, unit: "L" }, food: { quantity: 3 }, bedding: { quantity: -1 }, medicine: "x" } }))).toEqual({
      water: 120,
      food: 3,
      bedding: 0,
      medicine: 0,
    });
    expect(suppliesOf(null)).toEqual({ water: 0, food: 0, bedding: 0, medicine: 0 });
  });
  it("takes whole numbers within the server's range only", () => {
    expect(parseCount(" 42 ", MAX_SUPPLY)).toBe(42);
    expect(parseCount("４２", MAX_SUPPLY)).toBe(42);
    expect(parseCount("0", MAX_SUPPLY)).toBe(0);
    expect(parseCount(String(MAX_SUPPLY), MAX_SUPPLY)).toBe(MAX_SUPPLY);
    for (const bad of ["", "-1", "1.5", "1e3", "abc", String(MAX_SUPPLY + 1), "12 3"]) expect(parseCount(bad, MAX_SUPPLY)).toBeNull();
    expect(badSupplies({ water: "10", food: "x", bedding: "", medicine: "2" })).toEqual(["food", "bedding"]);
  });
  it("a step never leaves 0..max", () => {
    const starts = [null, 0, 1, 9, 10, MAX_SUPPLY - 5, MAX_SUPPLY, 4.6];
    for (const n of starts)
      for (const d of [-100, -10, -1, 0, 1, 10, 100]) {
        const out = stepCount(n, d);
        expect(Number.isInteger(out) && out >= 0 && out <= MAX_SUPPLY && parseCount(String(out), MAX_SUPPLY) === out).toBe(true);
      }
    expect(stepCount(null, 10)).toBe(10);
    expect(stepCount(5, -10)).toBe(0);
  });
});

describe("the open/close record", () => {
  it("newest first, with who by name, dropping rows of another shape", () => {
    const rows = eventRows({
      items: [
        { kind: "open", actor_name: "甲", at: "2026-12-01T01:00:00+00:00" },
        { kind: "close", actor_name: "乙", at: "2026-12-01T03:00:00+00:00" },
        { kind: "delete", actor_name: "丙", at: "2026-12-01T04:00:00+00:00" },
        { kind: "open", actor_name: null, at: "not a date" },
        { kind: "open", actor_name: null, at: "2026-12-01T02:00:00+00:00" },
      ],
    });
    expect(rows.map((r) => [r.kind, r.actor_name])).toEqual([
      ["close", "乙"],
      ["open", null],
      ["open", "甲"],
    ]);
    expect(eventRows(null)).toEqual([]);
    expect(eventRows({ items: "x" })).toEqual([]);
  });
});

describe("the shelter form", () => {
  const filled = () => {
    const d = emptyShelterDraft("k");
    Object.assign(d, { name: " 新安置点 ", capacity: "300", region_id: "7", location: { lat: 25.05, lon: 116.4, manual: true, picked: true } });
    return d;
  };
  it("says what is missing before sending", () => {
    expect(checkShelterDraft(emptyShelterDraft("k"))).toEqual({ name: "required", capacity: "required", location: "required", region_id: "required" });
    expect(checkShelterDraft(filled())).toEqual({});
    expect(checkShelterDraft({ ...filled(), capacity: "100001" })).toEqual({ capacity: "invalid" });
    expect(checkShelterDraft({ ...filled(), capacity: "-3" })).toEqual({ capacity: "invalid" });
    expect(checkShelterDraft({ ...filled(), floor_area_m2: "12.345" })).toEqual({ floor_area_m2: "invalid" });
    // An edit keeps its region: none is asked for.
    expect(checkShelterDraft({ ...filled(), shelter_id: "s1", region_id: "" })).toEqual({});
  });
  it("sends the server's field names and WGS-84 point; an edit never sends the region", () => {
    const body = shelterBody({ ...filled(), floor_area_m2: "850.5", manager_ids: [ME], contact_phone: " 0597-1234567 " });
    expect(body).toEqual({
      name: "新安置点",
      kind: "township",
      capacity: 300,
      floor_area_m2: 850.5,
      address: null,
      location: { lat: 25.05, lon: 116.4 },
      manager_ids: [ME],
      contact_phone: "0597-1234567",
      region_id: 7,
    });
    expect("region_id" in shelterBody({ ...filled(), shelter_id: "s1" })).toBe(false);
  });
  it("a stored draft comes back field by field, damaged parts dropped", () => {
    const back = restoreShelterDraft({ ...filled(), kind: "palace", region_id: "x; drop", manager_ids: [ME, ME, 3], location: { lat: 200, lon: 1 }, sent_at: "soon" }, "k");
    expect(back.name).toBe(" 新安置点 ");
    expect(back.kind).toBe("township");
    expect(back.region_id).toBe("");
    expect(back.manager_ids).toEqual([ME]);
    expect(back.location).toBeNull();
    expect(back.sent_at).toBeNull();
    expect(restoreShelterDraft(null, "k")).toEqual(emptyShelterDraft("k"));
    for (const raw of [undefined, 0, "x", [], [1], { name: 5 }, { location: "here" }, { manager_ids: "all" }, { location: { lat: "1", lon: 2 } }])
      expect(restoreShelterDraft(raw, "k")).toMatchObject({ name: expect.any(String), manager_ids: expect.any(Array) });
    expect(shelterDraftHasContent(emptyShelterDraft("k"))).toBe(false);
    expect(shelterDraftHasContent(back)).toBe(true);
  });
  it("an edit starts from the shelter as the phone holds it", () => {
    const d = draftFromShelter(shelter({ kind: "county", capacity: 400, location: { lat: 25, lon: 116 }, region_id: 3, manager_ids: [ME], floor_area_m2: null }), "k");
    expect(d).toMatchObject({ shelter_id: "s1", name: "临城镇中心小学", kind: "county", capacity: "400", floor_area_m2: "", region_id: "3", manager_ids: [ME] });
    expect(d.location).toEqual({ lat: 25, lon: 116 });
  });
  it("puts the server's errors beside the form's fields", () => {
    expect(placeShelterErrors({ capacity: ["x"], manager_id: ["y"], supplies: { water: ["z"] } })).toEqual({ fields: ["capacity", "manager_ids"], rest: ["supplies"] });
    expect(placeShelterErrors(undefined)).toEqual({ fields: [], rest: [] });
  });
  it("after a create with no answer, finds the shelter it made and no other", () => {
    const d = { ...filled(), sent_at: "2026-12-01T03:00:00.000Z" };
    const made = { id: "m", _status: "synced" as const, name: "新安置点", region_id: 7, created_at: "2026-12-01T03:00:01+00:00" };
    expect(findMadeEarlier([made], d)?.id).toBe("m");
    expect(findMadeEarlier([{ ...made, region_id: 8 }], d)).toBeNull();
    expect(findMadeEarlier([{ ...made, created_at: "2026-11-30T03:00:00+00:00" }], d)).toBeNull();
    expect(findMadeEarlier([made], { ...d, sent_at: null })).toBeNull();
  });
});
