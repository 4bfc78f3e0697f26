// What the disaster screens read from the server, with the phone's last copy for when it cannot
// be reached (an officer opens the form in a village with no signal), and this phone's own
// reports from the outbox with where each stands.
import { api, OfflineError } from "../../api";
import { getMeta, setMeta, type OutboxOp } from "../../data/db";
import { listOps } from "../../data/outbox";
import type { ReportKind } from "./model";

export interface DisasterEvent {
  id: string;
  kind: string;
  name: string;
  status: "open" | "closed";
  opened_at: string;
  initial_due_at: string;
  closed_at: string | null;
  village_ids: number[];
}

export interface ServerReport {
  id: string;
  region_id: number;
  region_name: string | null;
  seq: number;
  kind: ReportKind;
  reported_at: string;
  figures: Record<string, number | string>;
  note: string | null;
  reason: string | null;
}

export interface EventDetail extends DisasterEvent {
  reports: ServerReport[];
}

export interface Loaded<T> {
  value: T | null;
  /** Set when the value is this phone's copy from that time, not a fresh answer. */
  cachedAt?: string;
  offline?: boolean;
}

async function withCache<T>(key: string, path: string): Promise<Loaded<T>> {
  try {
    const value = await api.get<T>(path);
    await setMeta(key, { value, at: new Date().toISOString() }).catch(() => undefined);
    return { value };
  } catch (err) {
    const kept = await getMeta<{ value: T; at: string }>(key).catch(() => undefined);
    if (kept) return { value: kept.value, cachedAt: kept.at, offline: err instanceof OfflineError };
    if (err instanceof OfflineError) return { value: null, offline: true };
    throw err;
  }
}

export function loadEvents(): Promise<Loaded<{ items: DisasterEvent[] }>> {
  return withCache("disaster.events", "/api/v1/disaster-events?status=open&limit=50");
}

/** The desk's last closed events (newest first), apart from the open ones. */
export function loadClosedEvents(): Promise<Loaded<{ items: DisasterEvent[] }>> {
  return withCache("disaster.events.closed", "/api/v1/disaster-events?status=closed&limit=20");
}

export function loadEvent(id: string): Promise<Loaded<EventDetail>> {
  return withCache(`disaster.event.${id}`, `/api/v1/disaster-events/${encodeURIComponent(id)}`);
}

/** This phone's disaster.report ops for the event, oldest first. */
export async function myOps(eventId: string): Promise<OutboxOp[]> {
  return (await listOps()).filter((op) => op.type === "disaster.report" && (op.data as { event_id?: string }).event_id === eventId);
}
