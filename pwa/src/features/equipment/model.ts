// The logic of the team's equipment screens, with no DOM: an item as the server sends it, its
// condition in words, whether its maintenance is overdue on this phone's China day (the phone
// may be offline for days: the day moves on without the server), and where a queued 领用 or
// 归还 stands, so a button acts once per intent and the screen says what waits to be sent.
import type { MessageKey } from "../../i18n";
import type { OpState, OutboxOp } from "../../data/db";

export const CONDITIONS = ["good", "worn", "damaged", "lost", "retired"] as const;
export type Condition = (typeof CONDITIONS)[number];
/** What an item can come back as (报废 is the desk's decision, not the scene's). */
export const RETURN_CONDITIONS: readonly Condition[] = ["good", "worn", "damaged", "lost"];
export const CHECKOUT_OP = "equipment.checkout";
export const RETURN_OP = "equipment.return";

export interface Item {
  id: string;
  teamId: string;
  kitId: string | null;
  name: string;
  category: string;
  categoryLabel: string;
  standard: string | null;
  serial: string | null;
  quantity: number;
  condition: Condition;
  intervalDays: number | null;
  lastMaintainedOn: string | null;
  nextDueOn: string | null;
  /** The order it is out on, as the server last said. */
  outDispatchId: string | null;
  outAt: string | null;
}

export interface Order {
  id: string;
  title: string;
  createdAt: string;
}

const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);

export function readItem(raw: unknown): Item | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  const id = str(r.id);
  const name = str(r.name);
  if (!id || !name) return null;
  const out = r.out && typeof r.out === "object" ? (r.out as Record<string, unknown>) : null;
  const condition = (CONDITIONS as readonly string[]).includes(r.condition as string) ? (r.condition as Condition) : "good";
  return {
    id,
    teamId: str(r.team_id) ?? "",
    kitId: str(r.kit_id),
    name,
    category: str(r.category) ?? "other",
    categoryLabel: str(r.category_label) ?? "",
    standard: str(r.standard),
    serial: str(r.serial),
    quantity: typeof r.quantity === "number" ? r.quantity : 1,
    condition,
    intervalDays: typeof r.maintenance_interval_days === "number" ? r.maintenance_interval_days : null,
    lastMaintainedOn: str(r.last_maintained_on),
    nextDueOn: str(r.next_due_on),
    outDispatchId: out ? str(out.dispatch_id) : null,
    outAt: out ? str(out.at) : null,
  };
}

export function readItems(body: unknown): Item[] {
  const items = body && typeof body === "object" ? (body as { items?: unknown }).items : undefined;
  return Array.isArray(items) ? items.map(readItem).filter((i): i is Item => i !== null) : [];
}

export function readOrders(body: unknown): Order[] {
  const items = body && typeof body === "object" ? (body as { items?: unknown }).items : undefined;
  if (!Array.isArray(items)) return [];
  return items
    .map((o) => (o && typeof o === "object" ? (o as Record<string, unknown>) : {}))
    .filter((o) => str(o.id) && str(o.title))
    .map((o) => ({ id: o.id as string, title: o.title as string, createdAt: str(o.created_at) ?? "" }));
}

/** Today's date in China (UTC+8, no daylight saving), YYYY-MM-DD: the day the server counts by. */
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

const OUT_OF_SERVICE: readonly Condition[] = ["lost", "retired"];
const NOT_FOR_USE: readonly Condition[] = ["damaged", "lost", "retired"];

/** Days past the due date (0 when not overdue: due today is not late). */
export function daysOverdue(item: Item, today: string): number {
  if (!item.nextDueOn || OUT_OF_SERVICE.includes(item.condition)) return 0;
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${item.nextDueOn}T00:00:00Z`)) / 86400000);
  return days > 0 ? days : 0;
}

export function isOverdue(item: Item, today: string): boolean {
  return daysOverdue(item, today) > 0;
}

export function conditionKey(c: Condition): MessageKey {
  return `eq.cond.${c}` as MessageKey;
}

/** The colour beside the condition's word (never the colour alone). */
export function conditionTone(c: Condition): "ok" | "warn" | "bad" | "done" {
  if (c === "good") return "ok";
  if (c === "worn") return "warn";
  if (c === "retired") return "done";
  return "bad";
}

export function noteRequired(c: Condition): boolean {
  return c === "damaged" || c === "lost";
}

/** The latest 领用 or 归还 of this item on this phone that the server has not taken yet. */
export function pendingOp(itemId: string, ops: readonly OutboxOp[]): OutboxOp | null {
  const mine = ops.filter(
    (op) => (op.type === CHECKOUT_OP || op.type === RETURN_OP) && op.data.item_id === itemId && op.state !== "sent",
  );
  return mine.length ? mine[mine.length - 1] : null;
}

export interface Where {
  /** Out on an order, counting what this phone did and the server has not told back yet. */
  out: boolean;
  dispatchId: string | null;
  /** The queued step and its state (waiting, sending, refused), if any. */
  pending: { type: string; state: OpState } | null;
}

/**
 * The item as it stands for the person holding this phone: the server's word as of `fetchedAt`
 * (this phone's clock, ISO), moved on by every 领用 and 归还 of it still waiting or sending, or
 * sent after that word was fetched (the server has it, the screen's copy does not yet). A
 * refused step moves nothing (the screen says why).
 */
export function effective(item: Item, ops: readonly OutboxOp[], fetchedAt = ""): Item {
  let now = item;
  for (const op of ops) {
    if ((op.type !== CHECKOUT_OP && op.type !== RETURN_OP) || op.data.item_id !== item.id) continue;
    if (op.state === "refused" || (op.state === "sent" && !(op.sent_at && op.sent_at > fetchedAt))) continue;
    if (op.type === CHECKOUT_OP) now = { ...now, outDispatchId: (op.data.dispatch_id as string) ?? null, outAt: op.at };
    else {
      const c = op.data.condition as Condition;
      now = { ...now, outDispatchId: null, outAt: null, condition: (CONDITIONS as readonly string[]).includes(c) ? c : now.condition };
    }
  }
  return now;
}

export function whereIs(item: Item, ops: readonly OutboxOp[], fetchedAt = ""): Where {
  const op = pendingOp(item.id, ops);
  const now = effective(item, ops, fetchedAt);
  return { out: now.outDispatchId !== null, dispatchId: now.outDispatchId, pending: op ? { type: op.type, state: op.state } : null };
}

export type Blocked = "out" | "in" | "unfit" | "pending" | "no-orders" | null;

/** Why 领用 cannot be tapped now (null: it can). */
export function checkoutBlocked(item: Item, ops: readonly OutboxOp[], orders: readonly Order[], fetchedAt = ""): Blocked {
  const w = whereIs(item, ops, fetchedAt);
  if (w.pending && w.pending.state !== "refused") return "pending";
  if (w.out) return "out";
  if (NOT_FOR_USE.includes(effective(item, ops, fetchedAt).condition)) return "unfit";
  if (!orders.length) return "no-orders";
  return null;
}

/** Why 归还 cannot be tapped now (null: it can). */
export function returnBlocked(item: Item, ops: readonly OutboxOp[], fetchedAt = ""): Blocked {
  const w = whereIs(item, ops, fetchedAt);
  if (w.pending && w.pending.state !== "refused") return "pending";
  if (!w.out) return "in";
  return null;
}

export function checkoutData(item: Item, dispatchId: string, eventId: string): Record<string, unknown> {
  return { id: eventId, item_id: item.id, dispatch_id: dispatchId };
}

export function returnData(item: Item, condition: Condition, note: string, eventId: string): Record<string, unknown> {
  return { id: eventId, item_id: item.id, condition, note: note.trim() };
}

/** The list's order: overdue first (longest first), then those out, then by name. */
export function sortItems(items: readonly Item[], today: string, ops: readonly OutboxOp[] = []): Item[] {
  return [...items].sort((a, b) => {
    const late = daysOverdue(b, today) - daysOverdue(a, today);
    if (late) return late;
    const out = Number(whereIs(b, ops).out) - Number(whereIs(a, ops).out);
    return out || a.name.localeCompare(b.name, "zh-CN");
  });
}

// -- Registering and changing items, kits, maintenance (online only: no op type for them) -----

/** The server's categories (equipment/models.py CATEGORIES), in its order. */
export const CATEGORIES = ["protective", "rescue", "rope", "water", "fire", "lighting", "power", "pump", "comms", "medical", "vehicle", "other"] as const;
/** What an item can be registered as (遗失 and 报废 are for an item already on the books). */
export const NEW_CONDITIONS: readonly Condition[] = ["good", "worn", "damaged"];

export interface Kit {
  id: string;
  name: string;
  note: string;
}

export function readKits(body: unknown): Kit[] {
  const items = body && typeof body === "object" ? (body as { items?: unknown }).items : undefined;
  if (!Array.isArray(items)) return [];
  return items
    .map((k) => (k && typeof k === "object" ? (k as Record<string, unknown>) : {}))
    .filter((k) => str(k.id) && str(k.name))
    .map((k) => ({ id: k.id as string, name: k.name as string, note: typeof k.note === "string" ? k.note : "" }));
}

/** The register / edit form as typed, kept on the phone as a draft (numbers stay text until sent). */
export interface ItemDraft {
  key: string;
  saved_at: string;
  /** The id the new item will have, made once per item: a resend after no answer is the same item. */
  client_id: string;
  name: string;
  category: string;
  standard: string;
  kit_id: string;
  serial: string;
  quantity: string;
  condition: Condition;
  interval_days: string;
  last_maintained_on: string;
  /** Why the condition changed (edit only; needed for 损坏 and 遗失). */
  note: string;
  /** Edit only: the fields as the form was first filled from the server, so that only what the
   * captain changed is sent, even when the draft is picked up again after the item changed. */
  base: Partial<Record<DraftText, string>> | null;
}

type DraftText = "name" | "category" | "standard" | "kit_id" | "serial" | "quantity" | "condition" | "interval_days" | "last_maintained_on";
const BODY_OF: [string, DraftText][] = [
  ["name", "name"],
  ["category", "category"],
  ["standard", "standard"],
  ["kit_id", "kit_id"],
  ["serial", "serial"],
  ["quantity", "quantity"],
  ["condition", "condition"],
  ["maintenance_interval_days", "interval_days"],
  ["last_maintained_on", "last_maintained_on"],
];

export const ITEM_FIELDS = ["name", "category", "standard", "kit_id", "serial", "quantity", "condition", "maintenance_interval_days", "last_maintained_on", "note"] as const;
export type ItemField = (typeof ITEM_FIELDS)[number];
export type FieldProblem = "required" | "tooLong" | "number" | "range" | "future" | "choice";

export const itemDraftKey = (userId: string, itemId: string | null): string => `equipment_item:${userId}:${itemId ?? "new"}`;

export function emptyItemDraft(key: string, clientId: string): ItemDraft {
  return { key, saved_at: "", client_id: clientId, name: "", category: "", standard: "", kit_id: "", serial: "", quantity: "1", condition: "good", interval_days: "", last_maintained_on: "", note: "", base: null };
}

export function draftFromItem(item: Item, key: string): ItemDraft {
  const d: ItemDraft = {
    key,
    saved_at: "",
    client_id: item.id,
    name: item.name,
    category: item.category,
    standard: item.standard ?? "",
    kit_id: item.kitId ?? "",
    serial: item.serial ?? "",
    quantity: String(item.quantity),
    condition: item.condition,
    interval_days: item.intervalDays === null ? "" : String(item.intervalDays),
    last_maintained_on: item.lastMaintainedOn ?? "",
    note: "",
    base: null,
  };
  d.base = Object.fromEntries(BODY_OF.map(([, k]) => [k, d[k]]));
  return d;
}

/** A draft read back from the store, with anything missing or of the wrong kind made empty. */
export function restoreItemDraft(raw: unknown, key: string, clientId: string): ItemDraft {
  const base = emptyItemDraft(key, clientId);
  if (!raw || typeof raw !== "object") return base;
  const r = raw as Record<string, unknown>;
  const text = (k: keyof ItemDraft) => (typeof r[k] === "string" ? (r[k] as string) : (base[k] as string));
  const condition = (CONDITIONS as readonly string[]).includes(r.condition as string) ? (r.condition as Condition) : base.condition;
  return {
    key,
    saved_at: text("saved_at"),
    client_id: text("client_id") || clientId,
    name: text("name"),
    category: text("category"),
    standard: text("standard"),
    kit_id: text("kit_id"),
    serial: text("serial"),
    quantity: text("quantity"),
    condition,
    interval_days: text("interval_days"),
    last_maintained_on: text("last_maintained_on"),
    note: text("note"),
    base:
      r.base && typeof r.base === "object"
        ? Object.fromEntries(Object.entries(r.base as Record<string, unknown>).filter(([k, v]) => BODY_OF.some(([, f]) => f === k) && typeof v === "string"))
        : null,
  };
}

/** Whether a new item's draft holds anything typed (an untouched form is no draft). */
export function itemDraftHasContent(d: ItemDraft): boolean {
  return Boolean(d.name.trim() || d.category || d.standard.trim() || d.kit_id || d.serial.trim() || d.quantity.trim() !== "1" || d.condition !== "good" || d.interval_days.trim() || d.last_maintained_on || d.note.trim());
}

const WHOLE = /^\d+$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What the phone can tell is wrong before sending (the server checks again). `before`: the item
 * being changed (edit), whose condition decides whether a note is needed. */
export function checkItemDraft(d: ItemDraft, today: string, before: Item | null = null): Partial<Record<ItemField, FieldProblem>> {
  const e: Partial<Record<ItemField, FieldProblem>> = {};
  const name = d.name.trim();
  if (!name) e.name = "required";
  else if (name.length > 80) e.name = "tooLong";
  if (!d.category) e.category = "required";
  else if (!(CATEGORIES as readonly string[]).includes(d.category)) e.category = "choice";
  if (d.standard.trim().length > 80) e.standard = "tooLong";
  if (d.serial.trim().length > 60) e.serial = "tooLong";
  const q = d.quantity.trim();
  if (!q) e.quantity = "required";
  else if (!WHOLE.test(q)) e.quantity = "number";
  else if (Number(q) < 1 || Number(q) > 100000) e.quantity = "range";
  const n = d.interval_days.trim();
  if (n && !WHOLE.test(n)) e.maintenance_interval_days = "number";
  else if (n && (Number(n) < 1 || Number(n) > 3650)) e.maintenance_interval_days = "range";
  if (d.last_maintained_on && !DAY.test(d.last_maintained_on)) e.last_maintained_on = "choice";
  else if (d.last_maintained_on && d.last_maintained_on > today) e.last_maintained_on = "future";
  if (before && d.condition !== before.condition && noteRequired(d.condition) && !d.note.trim()) e.note = "required";
  if (d.note.trim().length > 500) e.note = "tooLong";
  return e;
}

const orNull = (s: string): string | null => (s.trim() ? s.trim() : null);

/** The body of POST /teams/<id>/equipment. */
export function createBody(d: ItemDraft): Record<string, unknown> {
  const n = d.interval_days.trim();
  return {
    id: d.client_id,
    name: d.name.trim(),
    category: d.category,
    standard: orNull(d.standard),
    kit_id: d.kit_id || null,
    serial: orNull(d.serial),
    quantity: Number(d.quantity.trim()),
    condition: d.condition,
    maintenance_interval_days: n ? Number(n) : null,
    last_maintained_on: d.last_maintained_on || null,
  };
}

/** The body of PATCH /equipment/<id>: only the fields the captain changed since the form was
 * filled (`base`) that differ from the item as the server says now, so a change made meanwhile
 * by someone else to another field is not written over. */
export function patchBody(d: ItemDraft, before: Item): Record<string, unknown> {
  const all = createBody(d);
  const was: Record<string, unknown> = {
    name: before.name,
    category: before.category,
    standard: before.standard,
    kit_id: before.kitId,
    serial: before.serial,
    quantity: before.quantity,
    condition: before.condition,
    maintenance_interval_days: before.intervalDays,
    last_maintained_on: before.lastMaintainedOn,
  };
  const out: Record<string, unknown> = {};
  for (const [k, f] of BODY_OF) {
    // Untouched since the form was filled: the server's value stands, whatever it is now.
    if (d.base && d.base[f] === d[f]) continue;
    if (all[k] !== was[k]) out[k] = all[k];
  }
  if ("condition" in out && d.note.trim()) out.note = d.note.trim();
  return out;
}

/** The server's field errors, placed on the form's fields (unknown ones stay in the message). */
export function placeItemErrors(errors: Record<string, unknown> | undefined): ItemField[] {
  return Object.keys(errors ?? {}).filter((k): k is ItemField => (ITEM_FIELDS as readonly string[]).includes(k));
}

/** Conditions that take an item out of use for good or for repair: changing to them is asked first. */
export function conditionNeedsConfirm(before: Condition, after: Condition): boolean {
  return after !== before && (after === "damaged" || after === "lost" || after === "retired");
}

/** Why maintenance cannot be recorded now (null: it can). Online or not is the screen's business. */
export function maintenanceBlocked(item: Item, ops: readonly OutboxOp[], fetchedAt = ""): "out" | "gone" | "pending" | null {
  const w = whereIs(item, ops, fetchedAt);
  if (w.pending && w.pending.state !== "refused") return "pending";
  if (w.out) return "out";
  if (OUT_OF_SERVICE.includes(effective(item, ops, fetchedAt).condition)) return "gone";
  return null;
}

export function checkMaintenance(doneOn: string, note: string, today: string): "required" | "future" | "tooLong" | null {
  if (!doneOn || !DAY.test(doneOn)) return "required";
  if (doneOn > today) return "future";
  if (note.trim().length > 500) return "tooLong";
  return null;
}

export function maintenanceBody(doneOn: string, note: string, eventId: string): Record<string, unknown> {
  return { id: eventId, done_on: doneOn, note: note.trim() };
}

export type ListFilter = "all" | "overdue" | `kit:${string}` | "kit:none";

/** The list as the captain filtered it: all, overdue for maintenance (by this phone's China day,
 * as the marks say), or one kit's items (or those in no kit the phone knows). */
export function filterItems(items: readonly Item[], filter: ListFilter, today: string, kits: readonly Kit[] = []): Item[] {
  if (filter === "all") return [...items];
  if (filter === "overdue") return items.filter((i) => isOverdue(i, today));
  const kit = filter.slice(4);
  // "In no kit" as the groups say it: no kit, or one this phone does not know.
  const known = new Set(kits.map((k) => k.id));
  return items.filter((i) => (kit === "none" ? !i.kitId || !known.has(i.kitId) : i.kitId === kit));
}

export interface KitGroup {
  kit: Kit | null;
  items: Item[];
}

/** Items grouped by kit, kits by name, then those in no kit (or in a kit this phone does not know). */
export function groupByKit(items: readonly Item[], kits: readonly Kit[]): KitGroup[] {
  const known = new Set(kits.map((k) => k.id));
  const groups: KitGroup[] = [...kits]
    .sort((a, b) => a.name.localeCompare(b.name, "zh-CN"))
    .map((kit) => ({ kit, items: items.filter((i) => i.kitId === kit.id) }))
    .filter((g) => g.items.length);
  const loose = items.filter((i) => !i.kitId || !known.has(i.kitId));
  if (loose.length) groups.push({ kit: null, items: loose });
  return groups;
}
