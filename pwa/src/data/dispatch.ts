// Dispatch orders as the member sees them: the local copy (pulled entity "dispatch", or fetched
// from GET /api/v1/dispatches), the member's answers as outbox ops, and the optimistic state shown
// until the server's answer (the op result's entity) replaces it. No DOM here.
import { db, type LocalRecord } from "./db";
import { enqueue } from "./outbox";
import { notifyChanged } from "./events";

export type Response = "pending" | "accepted" | "declined";
export type Status = "pending" | "accepted" | "en_route" | "on_scene" | "completed";

export interface TargetLine {
  member_id?: string;
  response: Response;
  status: Status;
  eta_minutes?: number | null;
  decline_reason?: string | null;
  next_checkin_due?: string | null;
  checkin_overdue?: boolean;
  last_ping_at?: string | null;
  [k: string]: unknown;
}

export type Action =
  | { kind: "accept"; eta_minutes?: number }
  | { kind: "decline"; reason?: string }
  | { kind: "status"; status: "en_route" | "on_scene" | "completed" }
  | { kind: "ping" };

const STATUS_RANK: Record<Status, number> = { pending: 0, accepted: 1, en_route: 2, on_scene: 3, completed: 4 };

/** The member's own line of an order (the server sends only theirs), or a pending one. */
export function myLine(order: Record<string, unknown>): TargetLine {
  const targets = Array.isArray(order.targets) ? (order.targets as TargetLine[]) : [];
  return targets[0] ?? { response: "pending", status: "pending" };
}

/** Orders still open whose member line has no answer yet: the count on 我的任务 and on the
 * app's icon. `pushedId`: an order just pushed, counted as waiting even before the phone has it. */
export function waitingForAnswer(orders: Record<string, unknown>[], pushedId?: string): number {
  const waiting = orders.filter((o) => !o.closed_at && myLine(o).response === "pending").length;
  return pushedId && !orders.some((o) => o.id === pushedId) ? waiting + 1 : waiting;
}

/** The one big next step for this line: what the buttons at the bottom offer. */
export function nextStep(line: TargetLine): "answer" | "en_route" | "on_scene" | "completed" | "ping" | "done" | "declined" {
  if (line.response === "declined") return "declined";
  if (line.response !== "accepted") return "answer";
  switch (line.status) {
    case "pending":
    case "accepted":
      return "en_route";
    case "en_route":
      return "on_scene";
    case "on_scene":
      return "ping";
    default:
      return "done";
  }
}

/** The line as it will be once the server takes the action; never backwards (as the server). */
export function applyAction(line: TargetLine, action: Action, now: Date = new Date(), intervalMin = 30): TargetLine {
  const next = { ...line };
  const forward = (s: Status) => {
    if (STATUS_RANK[s] > STATUS_RANK[next.status ?? "pending"]) next.status = s;
  };
  switch (action.kind) {
    case "accept":
      if (next.response === "pending") {
        next.response = "accepted";
        next.eta_minutes = action.eta_minutes ?? null;
        forward("accepted");
      }
      break;
    case "decline":
      if (next.response === "pending") {
        next.response = "declined";
        next.decline_reason = action.reason ?? null;
      }
      break;
    case "status":
      if (next.response !== "declined") {
        next.response = "accepted";
        forward(action.status);
        if (action.status === "on_scene") next.next_checkin_due = new Date(now.getTime() + intervalMin * 60_000).toISOString();
      }
      break;
    case "ping":
      next.last_ping_at = now.toISOString();
      next.checkin_overdue = false;
      next.next_checkin_due = new Date(now.getTime() + intervalMin * 60_000).toISOString();
      break;
  }
  return next;
}

/**
 * When the next accountability check-in is due: the server's word when it gave one, else the
 * last check-in (or arrival) plus the order's interval. Null when not on scene.
 */
export function checkinDue(order: Record<string, unknown>, line: TargetLine = myLine(order)): Date | null {
  if (line.status !== "on_scene") return null;
  if (typeof line.next_checkin_due === "string") return new Date(line.next_checkin_due);
  const base = [line.last_ping_at, line.status_at].find((v): v is string => typeof v === "string");
  if (!base) return null;
  const interval = typeof order.checkin_interval_min === "number" ? order.checkin_interval_min : 30;
  return new Date(Date.parse(base) + interval * 60_000);
}

export function opFor(dispatchId: string, action: Action, location?: { lat: number; lon: number; accuracy?: number } | null): { type: string; data: Record<string, unknown> } {
  switch (action.kind) {
    case "accept":
      return { type: "dispatch.respond", data: { dispatch_id: dispatchId, response: "accept", ...(action.eta_minutes !== undefined ? { eta_minutes: action.eta_minutes } : {}) } };
    case "decline":
      return { type: "dispatch.respond", data: { dispatch_id: dispatchId, response: "decline", ...(action.reason ? { reason: action.reason } : {}) } };
    case "status":
      return { type: "dispatch.status", data: { dispatch_id: dispatchId, status: action.status, ...(location ? { location } : {}) } };
    case "ping":
      return { type: "dispatch.ping", data: { dispatch_id: dispatchId, ...(location ? { location } : {}) } };
  }
}

/** Queues the member's action and shows it at once on the local copy (optimistic). */
export async function act(order: LocalRecord, action: Action, location?: { lat: number; lon: number; accuracy?: number } | null) {
  const { type, data } = opFor(order.id, action, location);
  const interval = typeof order.checkin_interval_min === "number" ? order.checkin_interval_min : 30;
  const line = applyAction(myLine(order), action, new Date(), interval);
  const targets = Array.isArray(order.targets) && order.targets.length ? [line, ...(order.targets as TargetLine[]).slice(1)] : [line];
  return enqueue({
    type,
    data,
    entity_id: order.id,
    record: { store: "dispatches", value: { ...order, targets, _status: "updated" } },
  });
}

export async function listOrders(): Promise<LocalRecord[]> {
  const all = await (await db()).getAll("dispatches");
  return all.sort((a, b) => String(b.created_at ?? "").localeCompare(String(a.created_at ?? "")));
}

export async function getOrder(id: string): Promise<LocalRecord | undefined> {
  return (await db()).get("dispatches", id);
}

/** Stores orders fetched online; an order with a local change still waiting keeps that change. */
export async function storeFetched(orders: Record<string, unknown>[]): Promise<number> {
  const tx = (await db()).transaction("dispatches", "readwrite");
  let n = 0;
  for (const o of orders) {
    if (typeof o.id !== "string") continue;
    const local = await tx.store.get(o.id);
    if (local && local._status !== "synced") continue;
    await tx.store.put({ ...o, id: o.id, _status: "synced" });
    n += 1;
  }
  await tx.done;
  if (n) notifyChanged();
  return n;
}
