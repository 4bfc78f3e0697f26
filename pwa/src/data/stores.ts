// Local copies of what the server sent (own reports, own check-ins, the region's shelters), each
// record with a kinto.js-style _status, readable with no network; and the drafts of open forms.
import { db, type Draft, type LocalRecord, type LocalStoreName } from "./db";
import { notifyChanged } from "./events";
import { merge as mergeWarning, type Warning } from "../features/warning/model";

/** Which local store a pulled entity goes to. Entities not listed are skipped (none yet). */
export const ENTITY_STORE: Record<string, LocalStoreName> = {
  report: "reports",
  checkin: "checkins",
  shelter: "shelters",
  dispatch: "dispatches",
  warning: "warnings",
};

/** Which local store an op's answered entity (and its local record) belongs to. */
export const OP_STORE: Record<string, LocalStoreName> = {
  "report.create": "reports",
  "attendance.checkin": "checkins",
  "attendance.checkout": "checkins",
  "dispatch.respond": "dispatches",
  "dispatch.status": "dispatches",
  "dispatch.ping": "dispatches",
  "warning.ack": "warnings",
};

export interface Change {
  seq?: number;
  entity: string;
  id: string;
  op: "upsert" | "delete";
  data?: Record<string, unknown>;
}

/**
 * Applies one page of pulled changes and moves the cursor, in one transaction: a crash leaves
 * either both or neither. A record with a local change still waiting keeps that change.
 */
export async function applyChanges(changes: Change[], cursor: string | null): Promise<number> {
  const d = await db();
  const tx = d.transaction(["meta", "reports", "checkins", "shelters", "dispatches", "warnings"], "readwrite");
  let applied = 0;
  for (const ch of changes) {
    const name = ENTITY_STORE[ch.entity];
    if (!name || typeof ch.id !== "string") continue;
    const store = tx.objectStore(name);
    const local = await store.get(ch.id);
    const pendingLocal = local && local._status !== "synced";
    if (ch.op === "delete") {
      if (!pendingLocal) await store.delete(ch.id);
    } else if (pendingLocal) {
      await store.put({ ...(ch.data ?? {}), ...local, id: ch.id });
    } else if (name === "warnings") {
      // The feed is the area's, not this caller's: it must not take back an acknowledgement.
      await store.put({ ...mergeWarning(local as Warning | undefined, { ...(ch.data ?? {}), id: ch.id } as Warning), _status: "synced" } as LocalRecord);
    } else {
      // A report's timeline comes only with its detail (the feed sends the report alone): keep
      // the last one read, so the detail still shows it offline (it says when steps are missing).
      const steps = ch.data?.steps ?? local?.steps;
      await store.put({ ...(ch.data ?? {}), ...(steps !== undefined ? { steps } : {}), id: ch.id, _status: "synced" });
    }
    applied += 1;
  }
  if (cursor !== null) await tx.objectStore("meta").put(cursor, "cursor");
  await tx.done;
  if (applied) notifyChanged();
  return applied;
}

export async function listRecords(name: LocalStoreName): Promise<LocalRecord[]> {
  return (await db()).getAll(name);
}

export async function getRecord(name: LocalStoreName, id: string): Promise<LocalRecord | undefined> {
  return (await db()).get(name, id);
}

export async function putRecord(name: LocalStoreName, record: LocalRecord): Promise<void> {
  await (await db()).put(name, record);
  notifyChanged();
}

/** Another account signed in on this phone: the pulled copies were the last user's; pull afresh. */
export async function clearPulled(): Promise<void> {
  const d = await db();
  const tx = d.transaction(["meta", "reports", "checkins", "shelters", "dispatches", "warnings"], "readwrite");
  for (const name of ["reports", "checkins", "shelters", "dispatches", "warnings"] as const) {
    const store = tx.objectStore(name);
    for (const rec of await store.getAll()) if (rec._status === "synced") await store.delete(rec.id);
  }
  await tx.objectStore("meta").delete("cursor");
  await tx.done;
  notifyChanged();
}

/** A kept copy of a server answer, as the screens keep them in the meta store. */
function isKeptCopy(value: unknown): value is { user_id: string; saved_at: number } {
  if (!value || typeof value !== "object") return false;
  const v = value as { user_id?: unknown; saved_at?: unknown };
  return typeof v.user_id === "string" && typeof v.saved_at === "number";
}

/** Deletes the screens' kept copies of server answers ({user_id, saved_at, …} in the meta store)
 * of every account but `keep` (null: of every account): at logout, and when another account
 * signs in on this phone, so members' names, birth dates and phones are not left on a shared
 * phone for the next person. Drafts and the outbox stay: they are what someone typed, and the
 * server's answers can be read again. -> how many were deleted. */
export async function dropKeptCopies(keep: string | null): Promise<number> {
  const d = await db();
  const tx = d.transaction("meta", "readwrite");
  let dropped = 0;
  for (let cursor = await tx.store.openCursor(); cursor; cursor = await cursor.continue()) {
    if (isKeptCopy(cursor.value) && cursor.value.user_id !== keep) {
      await cursor.delete();
      dropped += 1;
    }
  }
  await tx.done;
  return dropped;
}

/** The newest check-in of this user that has no check-out yet (local or pulled). */
export async function openCheckin(userId: string | null): Promise<LocalRecord | null> {
  const all = await listRecords("checkins");
  const mine = all.filter((c) => !userId || !c.user_id || c.user_id === userId);
  const open = mine.filter((c) => !c.checkout_at && c.open !== false);
  open.sort((a, b) => String(b.checkin_at ?? "").localeCompare(String(a.checkin_at ?? "")));
  return open[0] ?? null;
}

// Drafts: what a form held when the app was closed half-way ----------------------------------

export async function getDraft<T extends Draft>(key: string): Promise<T | undefined> {
  return (await (await db()).get("drafts", key)) as T | undefined;
}

export async function saveDraft(draft: Draft): Promise<void> {
  await (await db()).put("drafts", { ...draft, saved_at: new Date().toISOString() });
}

export async function deleteDraft(key: string): Promise<void> {
  await (await db()).delete("drafts", key);
}
