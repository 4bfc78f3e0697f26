// The phone's copy of the area's warnings (IndexedDB store "warnings"): fed by the sync pull's
// "warning" changes and by GET /api/v1/warnings, read by the banner, the list and the detail with
// no network; and 收到 as a `warning.ack` op in the outbox, shown as given at once.
import { db, getMeta, type LocalRecord } from "../../data/db";
import { enqueue, requeue } from "../../data/outbox";
import { notifyChanged } from "../../data/events";
import { api } from "../../api";
import { isOnline } from "../../shared/network";
import { merge, type Warning } from "./model";

/** meta key: when the server last answered the area's active warnings (ISO). */
const FETCHED_AT = "warnings_fetched_at";

export async function listWarnings(): Promise<Warning[]> {
  return (await (await db()).getAll("warnings")) as unknown as Warning[];
}

export async function getWarning(id: string): Promise<LocalRecord | undefined> {
  return (await db()).get("warnings", id);
}

/**
 * Stores warnings the server answered. `activeList`: the answer was the whole active list, so a
 * message the phone holds as in force that it no longer names (lifted or cut short while the cancel
 * never reached this phone) is marked gone; one issued after the request began is left alone.
 */
export async function storeFetched(items: Warning[], activeList?: { askedAt: Date }): Promise<number> {
  const tx = (await db()).transaction(["warnings", "meta"], "readwrite");
  const store = tx.objectStore("warnings");
  const named = new Set<string>();
  let n = 0;
  for (const w of items) {
    if (typeof w?.id !== "string") continue;
    named.add(w.id);
    const local = (await store.get(w.id)) as Warning | undefined;
    // An ack still waiting keeps its local copy on top of the server's.
    const pending = local && (local as LocalRecord)._status !== "synced";
    const next = pending ? { ...merge(local, w), ...local, acked: true } : { ...merge(local, w), _status: "synced" };
    await store.put(next as unknown as LocalRecord);
    n += 1;
  }
  if (activeList) {
    const now = new Date().toISOString();
    for (const local of (await store.getAll()) as unknown as Warning[]) {
      if (named.has(local.id) || local._gone_at) continue;
      const issued = Date.parse(String(local.issued_at ?? ""));
      if (Number.isNaN(issued) || issued < activeList.askedAt.getTime()) await store.put({ ...local, _gone_at: now } as unknown as LocalRecord);
    }
    await tx.objectStore("meta").put(now, FETCHED_AT);
  }
  await tx.done;
  notifyChanged();
  return n;
}

/** Past warnings are kept this long after their expiry (the list's 近期), then dropped. */
export const KEEP_PAST_MS = 7 * 24 * 3600_000;

/** Drops warnings that ended more than a week ago (never one whose 收到 still waits). */
export async function prunePast(now = Date.now()): Promise<number> {
  const tx = (await db()).transaction("warnings", "readwrite");
  let n = 0;
  for (const w of await tx.store.getAll()) {
    const ended = Date.parse(String(w.expires_at ?? ""));
    if (w._status === "synced" && !Number.isNaN(ended) && now - ended > KEEP_PAST_MS) {
      await tx.store.delete(w.id);
      n += 1;
    }
  }
  await tx.done;
  return n;
}

/** When the phone last had the server's word on the area's warnings: the list or the pull. */
export async function updatedAt(): Promise<string | null> {
  const [fetched, synced] = await Promise.all([getMeta<string>(FETCHED_AT), getMeta<string>("last_sync")]);
  const best = [fetched, synced].filter((v): v is string => typeof v === "string").sort().pop();
  return best ?? null;
}

interface Page {
  items?: Warning[];
  next_cursor?: string | null;
}

let inFlight: Promise<boolean> | null = null;

/** Asks for the area's active warnings (all pages, capped); false when it could not. */
export function fetchActive(): Promise<boolean> {
  if (!isOnline()) return Promise.resolve(false);
  if (inFlight) return inFlight;
  inFlight = (async () => {
    const askedAt = new Date();
    try {
      const items: Warning[] = [];
      let cursor: string | null | undefined;
      for (let page = 0; page < 5; page += 1) {
        const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
        const body = await api.get<Page>(`/api/v1/warnings?active=true${q}`);
        items.push(...(body.items ?? []));
        cursor = body.next_cursor;
        if (!cursor) break;
      }
      // More than five pages: do not take the ones missing for lifted.
      await storeFetched(items, cursor ? undefined : { askedAt });
      await prunePast();
      return true;
    } catch {
      return false; // offline, refused or a server without warnings yet: the phone's copy stands
    } finally {
      inFlight = null;
    }
  })();
  return inFlight;
}

/** The recent ones too (for the list): the first page of every warning, newest first. */
export async function fetchRecent(): Promise<boolean> {
  if (!isOnline()) return false;
  try {
    const body = await api.get<Page>("/api/v1/warnings");
    await storeFetched(body.items ?? []);
    return true;
  } catch {
    return false;
  }
}

/** One warning, from the server; "missing" when the server has none for this user. */
export async function fetchOne(id: string): Promise<"ok" | "missing" | "failed"> {
  if (!isOnline()) return "failed";
  try {
    const w = await api.get<Warning>(`/api/v1/warnings/${encodeURIComponent(id)}`);
    await storeFetched([w]);
    return "ok";
  } catch (err) {
    const status = (err as { status?: number }).status;
    return status === 404 ? "missing" : "failed";
  }
}

/**
 * 收到: the op, and the local copy shown as acknowledged, in one transaction. After a refusal the
 * same intent goes again under a new op id (the refused one leaves the outbox); discarding the op
 * puts `acked` back as it was (`_before`).
 */
export async function acknowledge(w: LocalRecord, refusedOpId?: string): Promise<void> {
  const record = { store: "warnings" as const, value: { ...w, acked: true, _before: { acked: Boolean(w._before ? (w._before as { acked?: boolean }).acked : w.acked) }, _status: "updated" as const } };
  if (refusedOpId && (await requeue(refusedOpId, undefined, undefined, record))) return;
  await enqueue({ type: "warning.ack", data: { warning_id: w.id }, entity_id: w.id, record });
}
