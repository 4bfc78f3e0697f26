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
