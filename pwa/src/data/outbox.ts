// The outbox: every field action as an op with a client op_id, kept in the order the user acted,
// with its photos as bytes until uploaded. Ops change state (waiting, sending, sent, refused) but
// leave only when the user discards them or long after the server took them.
import { db, getMeta, isoWithOffset, uuid, type BlobRecord, type LocalRecord, type LocalStoreName, type OpState, type OutboxOp } from "./db";
import { notifyChanged } from "./events";
import { receiptFacts, settle } from "./personal";
import type { Problem } from "./problem";

export interface NewOp {
  type: string;
  data: Record<string, unknown>;
  media_ids?: string[];
  entity_id?: string;
  replaces?: string;
  /** The local record this op creates or changes, written in the same transaction as the op. */
  record?: { store: LocalStoreName; value: LocalRecord };
  at?: Date;
  /** What screens show of the op after its personal data is gone (see data/personal.ts). */
  kept?: Record<string, unknown>;
}

/** Sent ops are kept this long as history ("sent" on screen), then pruned. */
const KEEP_SENT_MS = 3 * 24 * 3600 * 1000;
const KEEP_SENT_MIN = 50;

export async function enqueue(input: NewOp): Promise<OutboxOp> {
  const d = await db();
  const userId = (await getMeta<string>("user_id")) ?? null;
  const op: OutboxOp = {
    op_id: uuid(),
    type: input.type,
    at: isoWithOffset(input.at ?? new Date()),
    data: input.data,
    state: "waiting",
    media_ids: input.media_ids ?? [],
    user_id: userId,
    entity_id: input.entity_id,
    created_at: new Date().toISOString(),
    attempts: 0,
    replaces: input.replaces,
    kept: input.kept,
  };
  const stores = input.record ? (["outbox", input.record.store] as const) : (["outbox"] as const);
  const tx = d.transaction([...stores], "readwrite");
  op.seq = (await tx.objectStore("outbox").add(op)) as number;
  if (input.record) {
    await tx.objectStore(input.record.store).put({ ...input.record.value, _op_id: op.op_id });
  }
  await tx.done;
  notifyChanged();
  return op;
}

/** Every op, oldest first (FIFO by seq). */
export async function listOps(): Promise<OutboxOp[]> {
  return (await db()).getAll("outbox");
}

export async function getOp(opId: string): Promise<OutboxOp | undefined> {
  return (await db()).getFromIndex("outbox", "by_op_id", opId);
}

export interface OutboxCounts {
  waiting: number; // waiting + sending: what "N 条待发送" counts
  refused: number;
}

export async function counts(): Promise<OutboxCounts> {
  const d = await db();
  const [w, s, r] = await Promise.all([
    d.countFromIndex("outbox", "by_state", "waiting"),
    d.countFromIndex("outbox", "by_state", "sending"),
    d.countFromIndex("outbox", "by_state", "refused"),
  ]);
  return { waiting: w + s, refused: r };
}

async function update(seqs: number[], change: (op: OutboxOp) => OutboxOp | null): Promise<void> {
  if (!seqs.length) return;
  const tx = (await db()).transaction("outbox", "readwrite");
  for (const seq of seqs) {
    const op = await tx.store.get(seq);
    if (!op) continue;
    const next = change(op);
    if (next) await tx.store.put(next);
  }
  await tx.done;
  notifyChanged();
}

const seqsOf = (ops: OutboxOp[]) => ops.map((op) => op.seq!).filter((s) => s !== undefined);

export function markSending(ops: OutboxOp[]): Promise<void> {
  return update(seqsOf(ops), (op) => (op.state === "waiting" ? { ...op, state: "sending", attempts: op.attempts + 1 } : null));
}

/** Put back: the server never answered for these, so they go again, in the same place. */
export function markWaiting(ops: OutboxOp[]): Promise<void> {
  return update(seqsOf(ops), (op) => (op.state === "sending" ? { ...op, state: "waiting" } : null));
}

export function markRefused(op: OutboxOp, error: Problem): Promise<void> {
  return update(seqsOf([op]), (o) => settle({ ...o, state: "refused", error }));
}

/** A flush that died half-way (page closed, worker killed) left ops "sending": they were never answered. */
export async function resetStaleSending(): Promise<void> {
  const d = await db();
  const stale = await d.getAllFromIndex("outbox", "by_state", "sending");
  await markWaiting(stale);
}

/** The server's answer to one op: the entity it sent back, and whether it applied it just now. */
export interface SentAnswer {
  entity?: Record<string, unknown>;
  applied: boolean;
}

/**
 * The server has the op (applied, or a duplicate of one it applied): mark it sent, store the record
 * it answered, and drop the photos it carried (they are on the server now). A shelter op leaves its
 * personal data behind, keeps the household size its receipt names, and the shelter's occupancy
 * from that receipt goes into the phone's copy of the shelter in the same transaction, so the
 * count inside never drops while the pull that follows is on its way.
 */
export async function markSent(op: OutboxOp, target?: { store: LocalStoreName; entity?: LocalRecord }, answer?: SentAnswer): Promise<void> {
  const d = await db();
  const facts = receiptFacts(op, answer?.entity, answer?.applied ?? false);
  const names = [...new Set(["outbox", "blobs", ...(target ? [target.store] : []), ...(facts.shelter ? ["shelters"] : [])])] as ("outbox" | "blobs" | LocalStoreName)[];
  const tx = d.transaction(names, "readwrite");
  const current = await tx.objectStore("outbox").get(op.seq!);
  if (current) {
    const kept = facts.household_size !== undefined ? { ...current.kept, household_size: facts.household_size } : current.kept;
    await tx.objectStore("outbox").put(settle({ ...current, kept, state: "sent", sent_at: new Date().toISOString(), error: undefined }));
  }
  if (facts.shelter) {
    const shelters = tx.objectStore("shelters");
    const local = await shelters.get(facts.shelter.id);
    if (local) {
      const capacity = typeof local.capacity === "number" ? local.capacity : undefined;
      await shelters.put({
        ...local,
        occupancy: facts.shelter.occupancy,
        status: facts.shelter.status ?? local.status,
        places_left: capacity === undefined ? local.places_left : Math.max(capacity - facts.shelter.occupancy, 0),
      });
    }
  }
  for (const id of op.media_ids) await tx.objectStore("blobs").delete(id);
  const id = target?.entity?.id ?? op.entity_id;
  if (target && id) {
    const store = tx.objectStore(target.store);
    const local = await store.get(id);
    const laterChange = local && local._status !== "synced" && local._op_id && local._op_id !== op.op_id;
    if (laterChange) {
      // A later local change (a check-out queued after this check-in) still waits: keep it on top.
      if (target.entity) await store.put({ ...target.entity, ...local });
    } else if (target.entity) {
      await store.put({ ...target.entity, _status: "synced", _op_id: undefined });
    } else if (local) {
      await store.put({ ...local, _status: "synced", _op_id: undefined });
    }
  }
  await tx.done;
  notifyChanged();
}

/**
 * The user gave up on a refused (or waiting) op. Its local record goes too when that record
 * exists only because of this op; its photos go when no other op still needs them.
 */
export async function discard(opId: string, recordStore?: LocalStoreName): Promise<void> {
  const d = await db();
  const op = await getOp(opId);
  if (!op || op.state === "sending") return;
  const names = recordStore ? (["outbox", "blobs", recordStore] as const) : (["outbox", "blobs"] as const);
  const tx = d.transaction([...names], "readwrite");
  await tx.objectStore("outbox").delete(op.seq!);
  const others = (await tx.objectStore("outbox").getAll()).filter((o) => o.op_id !== opId && o.state !== "sent");
  const stillNeeded = new Set(others.flatMap((o) => o.media_ids));
  for (const id of op.media_ids) if (!stillNeeded.has(id)) await tx.objectStore("blobs").delete(id);
  if (recordStore && op.entity_id) {
    const store = tx.objectStore(recordStore);
    const local = await store.get(op.entity_id);
    if (local && local._op_id === opId) {
      if (local._status === "created") await store.delete(op.entity_id);
      // `_before`: what the op changed on the record (a warning's acked), put back as it was.
      else await store.put({ ...local, ...((local._before as Record<string, unknown> | undefined) ?? {}), _status: "synced", _op_id: undefined, _before: undefined });
    }
  }
  await tx.done;
  notifyChanged();
}

/**
 * Fix a refused op: the same action (possibly edited) goes to the back of the queue under a NEW
 * op_id (the server remembers the old one as refused), and the refused one leaves the outbox.
 */
export async function requeue(opId: string, data?: Record<string, unknown>, mediaIds?: string[], record?: NewOp["record"]): Promise<OutboxOp | null> {
  const old = await getOp(opId);
  // A scrubbed op lost the name it carried: sending it again would record a masked name.
  if (!old || old.state !== "refused" || old.scrubbed) return null;
  const next = await enqueue({
    type: old.type,
    data: data ?? old.data,
    media_ids: mediaIds ?? old.media_ids,
    entity_id: old.entity_id,
    replaces: old.op_id,
    record,
  });
  const d = await db();
  // The photos of the new op must stay, so delete the old op alone (not through discard()),
  // then only the photos the user took out while fixing it.
  await d.delete("outbox", old.seq!);
  const kept = new Set((await d.getAll("outbox")).filter((o) => o.state !== "sent").flatMap((o) => o.media_ids));
  for (const id of old.media_ids) if (!kept.has(id)) await d.delete("blobs", id);
  if (record === undefined && old.entity_id) {
    for (const name of ["reports", "checkins", "dispatches", "warnings"] as const) {
      const local = await d.get(name, old.entity_id);
      if (local && local._op_id === old.op_id) await d.put(name, { ...local, _op_id: next.op_id });
    }
  }
  notifyChanged();
  return next;
}

/** Forget sent ops older than a few days, keeping the newest ones as recent history. */
export async function pruneSent(now = Date.now()): Promise<number> {
  const d = await db();
  const sent = await d.getAllFromIndex("outbox", "by_state", "sent");
  sent.sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0));
  const old = sent.slice(KEEP_SENT_MIN).filter((op) => now - Date.parse(op.sent_at ?? op.created_at) > KEEP_SENT_MS);
  if (!old.length) return 0;
  const tx = d.transaction("outbox", "readwrite");
  for (const op of old) await tx.store.delete(op.seq!);
  await tx.done;
  return old.length;
}

// Photos --------------------------------------------------------------------------------------

export async function saveBlob(bytes: ArrayBuffer, type: string, size?: { width: number; height: number }): Promise<BlobRecord> {
  const rec: BlobRecord = {
    id: uuid(),
    bytes,
    type,
    size: bytes.byteLength,
    width: size?.width,
    height: size?.height,
    uploaded: false,
    created_at: new Date().toISOString(),
  };
  await (await db()).put("blobs", rec);
  return rec;
}

export async function getBlob(id: string): Promise<BlobRecord | undefined> {
  return (await db()).get("blobs", id);
}

export async function markUploaded(id: string): Promise<void> {
  const d = await db();
  const tx = d.transaction("blobs", "readwrite");
  const rec = await tx.store.get(id);
  if (rec) await tx.store.put({ ...rec, uploaded: true });
  await tx.done;
}

export async function deleteBlob(id: string): Promise<void> {
  await (await db()).delete("blobs", id);
}

export const STATE_ORDER: Record<OpState, number> = { sending: 0, waiting: 1, refused: 2, sent: 3 };
