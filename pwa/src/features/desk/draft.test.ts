import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { beforeEach, describe, expect, it } from "vitest";
import { resetDbForTests } from "../../data/db";
import {
  checkDraft,
  discardOrderDraft,
  draftHasContent,
  draftKey,
  emptyOrderDraft,
  flattenMessages,
  incidentBody,
  loadOrderDraft,
  NEW_INCIDENT,
  orderBody,
  placeErrors,
  restoreOrderDraft,
  savedAtText,
  stepHeadcount,
  storeOrderDraft,
  toggleTarget,
  type OrderDraft,
} from "./draft";

const KEY = draftKey("u-1");

function halfFilled(): OrderDraft {
  const d = emptyOrderDraft(KEY);
  d.kind = "geological";
  d.place = "大坪村后山";
  d.severity = "orange";
  d.title = "后山滑坡排查";
  d.location = { lat: 25.05, lon: 116.42, manual: true, picked: true };
  toggleTarget(d, "team:t-1", true, "大坪镇综合应急救援队（12）");
  toggleTarget(d, "member:m-7", true, "队员七");
  d.headcount = 6;
  d.muster_point = "村委会门口";
  return d;
}

describe("the draft on the phone", () => {
  beforeEach(() => {
    (globalThis as { indexedDB: IDBFactory }).indexedDB = new IDBFactory();
    resetDbForTests();
  });

  it("keeps every field, the map point and the chosen targets, and reads them back", async () => {
    const d = halfFilled();
    const at = await storeOrderDraft(d);
    const back = await loadOrderDraft(KEY);
    expect(back).not.toBeNull();
    expect({ ...back!, saved_at: "" }).toEqual({ ...d, saved_at: "" });
    expect(Date.parse(back!.saved_at)).toBeGreaterThanOrEqual(Date.parse(at) - 1000);
    expect(back!.location).toEqual({ lat: 25.05, lon: 116.42, manual: true, picked: true });
    expect(back!.targets).toEqual(["team:t-1", "member:m-7"]);
    expect(back!.target_labels["member:m-7"]).toBe("队员七");
  });

  it("is gone once discarded, and each user has their own", async () => {
    await storeOrderDraft(halfFilled());
    await storeOrderDraft({ ...emptyOrderDraft(draftKey("u-2")), title: "别人的" });
    await discardOrderDraft(KEY);
    expect(await loadOrderDraft(KEY)).toBeNull();
    expect((await loadOrderDraft(draftKey("u-2")))?.title).toBe("别人的");
  });

  it("stores a copy: later typing does not change what was written", async () => {
    const d = halfFilled();
    await storeOrderDraft(d);
    d.title = "改了";
    toggleTarget(d, "team:t-2", true, "二队");
    const back = await loadOrderDraft(KEY);
    expect(back!.title).toBe("后山滑坡排查");
    expect(back!.targets).not.toContain("team:t-2");
  });
});

describe("restoring whatever IndexedDB gives back", () => {
  it("an empty or foreign value gives the empty draft", () => {
    const noIds = (d: OrderDraft) => ({ ...d, order_id: "", incident_new_id: "" });
    expect(noIds(restoreOrderDraft(undefined, KEY))).toEqual(noIds(emptyOrderDraft(KEY)));
    expect(noIds(restoreOrderDraft("junk", KEY))).toEqual(noIds(emptyOrderDraft(KEY)));
    expect(noIds(restoreOrderDraft({ key: KEY }, KEY))).toEqual(noIds(emptyOrderDraft(KEY)));
  });

  it("drops values of the wrong shape, field by field", () => {
    const d = restoreOrderDraft(
      {
        incident: "../../etc",
        kind: "volcano",
        severity: "purple",
        title: 42,
        location: { lat: 123, lon: 116 },
        targets: ["team:t-1", "bogus", "team:t-1", 7, "member:m-1"],
        target_labels: { "team:t-1": "一队", "member:m-1": 5 },
        headcount: 5000,
        muster_point: "x".repeat(500),
      },
      KEY,
    );
    expect(d.incident).toBe(NEW_INCIDENT);
    expect(d.kind).toBe("other");
    expect(d.severity).toBeNull();
    expect(d.title).toBe("");
    expect(d.location).toBeNull();
    expect(d.targets).toEqual(["team:t-1", "member:m-1"]);
    expect(d.target_labels).toEqual({ "team:t-1": "一队" });
    expect(d.headcount).toBe(1000);
    expect(d.muster_point).toHaveLength(200);
  });

  it("keeps an existing incident's choice with its words", () => {
    const d = restoreOrderDraft({ incident: "0b6f3c1e-1111-4a4a-9c9c-123456789abc", incident_label: "后山滑坡（地质灾害）" }, KEY);
    expect(d.incident).toBe("0b6f3c1e-1111-4a4a-9c9c-123456789abc");
    expect(d.incident_label).toBe("后山滑坡（地质灾害）");
  });

  it("knows a draft with something in it from an empty one", () => {
    expect(draftHasContent(emptyOrderDraft(KEY))).toBe(false);
    expect(draftHasContent({ ...emptyOrderDraft(KEY), muster_point: "村口" })).toBe(true);
    expect(draftHasContent({ ...emptyOrderDraft(KEY), headcount: 2 })).toBe(true);
    expect(draftHasContent(halfFilled())).toBe(true);
  });
});

describe("small helpers", () => {
  it("picks and unpicks targets with their names", () => {
    const d = emptyOrderDraft(KEY);
    toggleTarget(d, "team:a", true, "A 队");
    toggleTarget(d, "team:a", true, "A 队");
    expect(d.targets).toEqual(["team:a"]);
    toggleTarget(d, "team:a", false);
    expect(d.targets).toEqual([]);
    expect(d.target_labels).toEqual({});
  });

  it("steps the headcount within 1..1000", () => {
    expect(stepHeadcount(1, -1)).toBe(1);
    expect(stepHeadcount(5, 1)).toBe(6);
    expect(stepHeadcount(1000, 1)).toBe(1000);
  });

  it("writes the saved time as HH:mm", () => {
    expect(savedAtText("2026-11-28T19:05:09Z", "zh-CN", "Asia/Shanghai")).toBe("03:05");
    expect(savedAtText("2026-11-28T16:00:00Z", "en", "Asia/Shanghai")).toBe("00:00");
    expect(savedAtText("not a date")).toBe("");
  });
});

describe("what is sent", () => {
  it("needs a title, a place and someone", () => {
    expect(checkDraft(emptyOrderDraft(KEY))).toEqual({ title: "desk.f.needTitle", location: "desk.f.needLocation", people: "desk.f.needPeople" });
    expect(checkDraft(halfFilled())).toEqual({});
  });

  it("a new incident is named after the order when not named itself", () => {
    const d = halfFilled();
    expect(incidentBody(d)).toEqual({
      id: d.incident_new_id,
      kind: "geological",
      title: "后山滑坡排查",
      place: "大坪村后山",
      severity: "orange",
      location: { lat: 25.05, lon: 116.42 },
    });
    expect(incidentBody({ ...d, incident_title: " 大坪村滑坡 ", place: " ", severity: null })).toEqual({
      id: d.incident_new_id,
      kind: "geological",
      title: "大坪村滑坡",
      location: { lat: 25.05, lon: 116.42 },
    });
  });

  it("the order carries its incident, its targets split by kind, and no blank extras", () => {
    const d = halfFilled();
    expect(orderBody(d, "inc-1")).toEqual({
      id: d.order_id,
      title: "后山滑坡排查",
      location: { lat: 25.05, lon: 116.42 },
      headcount: 6,
      team_ids: ["t-1"],
      member_ids: ["m-7"],
      incident_id: "inc-1",
      muster_point: "村委会门口",
    });
    expect(orderBody(halfFilled(), null)).not.toHaveProperty("incident_id");
  });

  it("sends the same ids on every try of one draft, so a retry is not a second call-out", async () => {
    const d = halfFilled();
    expect(d.order_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.order_id).not.toBe(d.incident_new_id);
    await storeOrderDraft(d);
    const back = (await loadOrderDraft(KEY))!;
    expect(orderBody(back, null).id).toBe(d.order_id);
    expect(incidentBody(back).id).toBe(d.incident_new_id);
    // A fresh draft (after one was sent) has new ones; a damaged id is replaced, never sent.
    expect(emptyOrderDraft(KEY).order_id).not.toBe(d.order_id);
    expect(restoreOrderDraft({ ...d, order_id: "x'; drop" }, KEY).order_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("the server's field errors on the form", () => {
  it("places an order's errors by field, nested ones flattened, the rest aside", () => {
    const placed = placeErrors(
      {
        title: ["Shorter than minimum length 1."],
        location: { lat: ["Must be between -90 and 90."] },
        member_ids: { "0": ["Not a valid UUID."] },
        team_ids: ["No such team in your area: ['x']"],
        checkin_interval_min: ["Must be between 5 and 240."],
      },
      "order",
    );
    expect(placed.fields).toEqual({
      title: ["Shorter than minimum length 1."],
      location: ["Must be between -90 and 90."],
      people: ["Not a valid UUID.", "No such team in your area: ['x']"],
    });
    expect(placed.rest).toEqual(["checkin_interval_min: Must be between 5 and 240."]);
  });

  it("an incident's title error goes to the incident's name, not the order's", () => {
    expect(placeErrors({ title: ["Too long."], kind: ["Must be one of: flood."] }, "incident").fields).toEqual({
      incident_title: ["Too long."],
      kind: ["Must be one of: flood."],
    });
    expect(placeErrors(undefined, "order")).toEqual({ fields: {}, rest: [] });
    expect(flattenMessages([["a"], { b: "c" }, 3])).toEqual(["a", "c"]);
  });
});
