import { describe, expect, it } from "vitest";
import type { OutboxOp } from "../../data/db";
import {
  checkItemDraft,
  checkMaintenance,
  conditionNeedsConfirm,
  createBody,
  draftFromItem,
  emptyItemDraft,
  filterItems,
  groupByKit,
  itemDraftHasContent,
  maintenanceBlocked,
  maintenanceBody,
  patchBody,
  placeItemErrors,
  readKits,
  restoreItemDraft,
  checkoutBlocked,
  checkoutData,
  chinaToday,
  daysOverdue,
  isOverdue,
  readItem,
  readItems,
  returnBlocked,
  returnData,
  sortItems,
  whereIs,
  type Item,
  type Order,
} from "./model";

const raw = (over: Record<string, unknown> = {}) => ({
  id: "i1",
  team_id: "t1",
  name: "救生衣",
  category: "water",
  category_label: "水域救援",
  standard: "GB/T 32227",
  serial: "LJ-1",
  quantity: 1,
  condition: "good",
  maintenance_interval_days: 90,
  last_maintained_on: "2026-09-01",
  next_due_on: "2026-11-30",
  out: null,
  ...over,
});
const item = (over: Record<string, unknown> = {}) => readItem(raw(over)) as Item;
const orders: Order[] = [{ id: "d1", title: "城东村山体滑坡", createdAt: "2026-12-02T01:00:00Z" }];
let seq = 0;
const op = (type: string, data: Record<string, unknown>, state: OutboxOp["state"] = "waiting"): OutboxOp => ({
  seq: ++seq,
  op_id: `op${seq}`,
  type,
  at: "2026-12-02T10:00:00+08:00",
  data,
  state,
  media_ids: [],
  user_id: "u1",
  created_at: "2026-12-02T02:00:00Z",
  attempts: 0,
});

describe("reading what the server sent", () => {
  it("keeps a good item and drops what is not one", () => {
    expect(readItems({ items: [raw(), { id: "x" }, null, raw({ id: "i2", out: { dispatch_id: "d1", at: "2026-12-02T02:00:00Z" } })] }).map((i) => [i.id, i.outDispatchId])).toEqual([
      ["i1", null],
      ["i2", "d1"],
    ]);
    expect(readItems(null)).toEqual([]);
    expect(item({ condition: "melted" }).condition).toBe("good");
  });
});

describe("overdue on this phone's China day", () => {
  it("turns at midnight in China, not in UTC", () => {
    expect(chinaToday(new Date("2026-12-02T15:59:00Z"))).toBe("2026-12-02");
    expect(chinaToday(new Date("2026-12-02T16:00:00Z"))).toBe("2026-12-03");
  });

  it("is not overdue on the due day, one day the day after, and never when lost or retired", () => {
    const i = item({ next_due_on: "2026-12-02" });
    expect(isOverdue(i, "2026-12-02")).toBe(false);
    expect(daysOverdue(i, "2026-12-03")).toBe(1);
    expect(daysOverdue(item(), "2027-03-01")).toBe(91);
    expect(isOverdue(item({ condition: "retired" }), "2027-01-01")).toBe(false);
    expect(isOverdue(item({ next_due_on: null }), "2030-01-01")).toBe(false);
  });

  it("lists the longest overdue first, then those out, then by name", () => {
    const list = [
      item({ id: "a", name: "头灯", next_due_on: "2027-02-01" }),
      item({ id: "b", name: "抽水泵", next_due_on: "2026-11-01" }),
      item({ id: "c", name: "安全绳", next_due_on: "2026-11-25" }),
      item({ id: "d", name: "担架", next_due_on: null, out: { dispatch_id: "d1", at: "x" } }),
    ];
    expect(sortItems(list, "2026-12-02").map((i) => i.id)).toEqual(["b", "c", "d", "a"]);
  });
});

describe("领用 and 归还 through the outbox", () => {
  it("a queued checkout shows the item out and blocks a second tap until it is sent or refused", () => {
    const i = item();
    expect(checkoutBlocked(i, [], orders)).toBeNull();
    const ops = [op("equipment.checkout", checkoutData(i, "d1", "e1"))];
    expect(whereIs(i, ops)).toEqual({ out: true, dispatchId: "d1", pending: { type: "equipment.checkout", state: "waiting" } });
    expect(checkoutBlocked(i, ops, orders)).toBe("pending");
    expect(returnBlocked(i, ops)).toBe("pending");
    // Sent after the screen's copy was fetched: out, with nothing pending, so 领用 stays shut.
    ops[0].state = "sent";
    ops[0].sent_at = "2026-12-02T02:10:00.000Z";
    expect(whereIs(i, ops, "2026-12-02T02:00:00.000Z")).toEqual({ out: true, dispatchId: "d1", pending: null });
    expect(checkoutBlocked(i, ops, orders, "2026-12-02T02:00:00.000Z")).toBe("out");
    // A copy fetched after it was sent is the server's word: it counts alone.
    expect(whereIs(i, ops, "2026-12-02T02:20:00.000Z").out).toBe(false);
  });

  it("a return sent offline carries its condition until the server's copy catches up", () => {
    const out = item({ out: { dispatch_id: "d1", at: "2026-12-02T02:00:00Z" } });
    const ops = [op("equipment.return", returnData(out, "damaged", "划破", "e3"), "sent")];
    ops[0].sent_at = "2026-12-02T03:00:00.000Z";
    expect(checkoutBlocked(out, ops, orders, "2026-12-02T02:30:00.000Z")).toBe("unfit");
    expect(returnBlocked(out, ops, "2026-12-02T02:30:00.000Z")).toBe("in");
  });

  it("a refused checkout moves nothing and lets the captain try again", () => {
    const i = item();
    const ops = [op("equipment.checkout", checkoutData(i, "d1", "e1"), "refused")];
    expect(whereIs(i, ops).out).toBe(false);
    expect(checkoutBlocked(i, ops, orders)).toBeNull();
  });

  it("an item out can be returned, not checked out; a damaged one cannot go out", () => {
    const out = item({ out: { dispatch_id: "d1", at: "2026-12-02T02:00:00Z" } });
    expect(checkoutBlocked(out, [], orders)).toBe("out");
    expect(returnBlocked(out, [])).toBeNull();
    expect(returnBlocked(item(), [])).toBe("in");
    expect(checkoutBlocked(item({ condition: "damaged" }), [], orders)).toBe("unfit");
    expect(checkoutBlocked(item(), [], [])).toBe("no-orders");
    const back = [op("equipment.return", returnData(out, "damaged", "  划破 ", "e2"))];
    expect(whereIs(out, back).out).toBe(false);
    expect(back[0].data).toEqual({ id: "e2", item_id: "i1", condition: "damaged", note: "划破" });
  });

  it("only this item's ops count", () => {
    const i = item();
    const ops = [op("equipment.checkout", { id: "e9", item_id: "other", dispatch_id: "d1" }), op("warning.ack", { item_id: "i1" })];
    expect(whereIs(i, ops).pending).toBeNull();
  });
});

describe("registering an item (登记装备)", () => {
  const filled = () => ({ ...emptyItemDraft("k", "c1"), name: " 救生衣 ", category: "water", standard: " GB/T 32227 ", quantity: "12", interval_days: "90", last_maintained_on: "2026-11-01" });

  it("an untouched form is no draft; one typed letter is", () => {
    expect(itemDraftHasContent(emptyItemDraft("k", "c1"))).toBe(false);
    expect(itemDraftHasContent({ ...emptyItemDraft("k", "c1"), name: "绳" })).toBe(true);
    expect(itemDraftHasContent({ ...emptyItemDraft("k", "c1"), quantity: "2" })).toBe(true);
  });

  it("says what is missing or wrong before sending, per field", () => {
    expect(checkItemDraft(emptyItemDraft("k", "c1"), "2026-12-02")).toEqual({ name: "required", category: "required" });
    expect(checkItemDraft(filled(), "2026-12-02")).toEqual({});
    expect(checkItemDraft({ ...filled(), quantity: "0", interval_days: "1.5", last_maintained_on: "2026-12-03" }, "2026-12-02")).toEqual({
      quantity: "range",
      maintenance_interval_days: "number",
      last_maintained_on: "future",
    });
    expect(checkItemDraft({ ...filled(), quantity: "", interval_days: "3651", name: "x".repeat(81) }, "2026-12-02")).toEqual({
      name: "tooLong",
      quantity: "required",
      maintenance_interval_days: "range",
    });
    expect(checkItemDraft({ ...filled(), category: "toys" }, "2026-12-02").category).toBe("choice");
  });

  it("sends the id made on the phone, trimmed text, numbers as numbers and empty as null", () => {
    expect(createBody(filled())).toEqual({
      id: "c1",
      name: "救生衣",
      category: "water",
      standard: "GB/T 32227",
      kit_id: null,
      serial: null,
      quantity: 12,
      condition: "good",
      maintenance_interval_days: 90,
      last_maintained_on: "2026-11-01",
    });
    expect(createBody({ ...filled(), interval_days: " ", last_maintained_on: "", kit_id: "kit1" })).toMatchObject({ maintenance_interval_days: null, last_maintained_on: null, kit_id: "kit1" });
  });

  it("reads a kept draft back whole, and a broken one as empty fields", () => {
    const d = { ...filled(), saved_at: "2026-12-02T01:00:00Z", condition: "worn" as const };
    expect(restoreItemDraft(JSON.parse(JSON.stringify(d)), "k", "new")).toEqual(d);
    expect(restoreItemDraft({ name: 5, condition: "melted" }, "k", "c9")).toEqual(emptyItemDraft("k", "c9"));
    expect(restoreItemDraft(null, "k", "c9").client_id).toBe("c9");
  });
});

describe("changing an item (修改)", () => {
  it("prefills from the item and sends only what changed", () => {
    const before = item({ kit_id: "kit1" });
    const d = draftFromItem(before, "k");
    expect(d).toMatchObject({ name: "救生衣", category: "water", kit_id: "kit1", quantity: "1", interval_days: "90", last_maintained_on: "2026-09-01" });
    expect(patchBody(d, before)).toEqual({});
    expect(patchBody({ ...d, quantity: "3", standard: "", kit_id: "" }, before)).toEqual({ quantity: 3, standard: null, kit_id: null });
  });

  it("a draft picked up after someone else changed the item sends only what this captain changed", () => {
    const d = { ...draftFromItem(item(), "k"), quantity: "3" };
    const kept = restoreItemDraft(JSON.parse(JSON.stringify(d)), "k", "i1");
    expect(kept.base).toEqual(d.base);
    const meanwhile = item({ serial: "LJ-9", quantity: 2 });
    expect(patchBody(kept, meanwhile)).toEqual({ quantity: 3 });
    // Without what the form was filled from, every difference counts (the serial would go back).
    expect(patchBody({ ...kept, base: null }, meanwhile)).toEqual({ serial: "LJ-1", quantity: 3 });
  });

  it("a change to damaged or lost needs a note, sent with it, and is asked first", () => {
    const before = item();
    const d = { ...draftFromItem(before, "k"), condition: "damaged" as const };
    expect(checkItemDraft(d, "2026-12-02", before).note).toBe("required");
    expect(checkItemDraft(d, "2026-12-02", item({ condition: "damaged" })).note).toBeUndefined();
    expect(patchBody({ ...d, note: " 被划破 " }, before)).toEqual({ condition: "damaged", note: "被划破" });
    expect(conditionNeedsConfirm("good", "retired")).toBe(true);
    expect(conditionNeedsConfirm("good", "worn")).toBe(false);
    expect(conditionNeedsConfirm("damaged", "damaged")).toBe(false);
  });

  it("places the server's field errors on the form's fields only", () => {
    expect(placeItemErrors({ kit_id: ["Not a kit of this team."], _schema: ["x"], quantity: ["bad"] })).toEqual(["kit_id", "quantity"]);
    expect(placeItemErrors(undefined)).toEqual([]);
  });
});

describe("maintenance (保养)", () => {
  it("is shut while out, gone, or a step waits; open otherwise", () => {
    expect(maintenanceBlocked(item(), [])).toBeNull();
    expect(maintenanceBlocked(item({ out: { dispatch_id: "d1", at: "x" } }), [])).toBe("out");
    expect(maintenanceBlocked(item({ condition: "lost" }), [])).toBe("gone");
    expect(maintenanceBlocked(item({ condition: "damaged" }), [])).toBeNull();
    expect(maintenanceBlocked(item(), [op("equipment.checkout", checkoutData(item(), "d1", "e1"))])).toBe("pending");
  });

  it("needs a day not after today, and sends its id and trimmed note", () => {
    expect(checkMaintenance("", "", "2026-12-02")).toBe("required");
    expect(checkMaintenance("2026-12-03", "", "2026-12-02")).toBe("future");
    expect(checkMaintenance("2026-12-02", "x".repeat(501), "2026-12-02")).toBe("tooLong");
    expect(checkMaintenance("2026-12-02", "换气瓶", "2026-12-02")).toBeNull();
    expect(maintenanceBody("2026-12-02", " 换气瓶 ", "m1")).toEqual({ id: "m1", done_on: "2026-12-02", note: "换气瓶" });
  });
});

describe("the list by kit and overdue", () => {
  const kits = readKits({ items: [{ id: "k2", name: "急救包", note: "" }, { id: "k1", name: "水域救援组" }, { name: "no id" }] });
  const list = [
    item({ id: "a", kit_id: "k1", next_due_on: "2026-11-01" }),
    item({ id: "b", kit_id: "k2", next_due_on: "2027-01-01" }),
    item({ id: "c", kit_id: null, next_due_on: "2026-11-30" }),
    item({ id: "d", kit_id: "gone", next_due_on: null }),
  ];

  it("reads kits, dropping what is not one", () => {
    expect(kits.map((k) => [k.id, k.note])).toEqual([["k2", ""], ["k1", ""]]);
  });

  it("filters to overdue by this phone's day, to one kit, or to no kit", () => {
    expect(filterItems(list, "overdue", "2026-12-02").map((i) => i.id)).toEqual(["a", "c"]);
    expect(filterItems(list, "kit:k1", "2026-12-02").map((i) => i.id)).toEqual(["a"]);
    expect(filterItems(list, "kit:none", "2026-12-02", kits).map((i) => i.id)).toEqual(["c", "d"]);
    expect(filterItems(list, "all", "2026-12-02")).toHaveLength(4);
  });

  it("groups by kit name, empty kits left out, then those in no kit or an unknown one", () => {
    expect(groupByKit(list, kits).map((g) => [g.kit?.id ?? null, g.items.map((i) => i.id)])).toEqual([
      ["k2", ["b"]],
      ["k1", ["a"]],
      [null, ["c", "d"]],
    ]);
    expect(groupByKit([list[0]], kits).map((g) => g.kit?.id)).toEqual(["k1"]);
  });
});
