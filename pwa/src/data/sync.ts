// The sync engine: push the outbox in order (each op's photos first), then pull what changed
// since the cursor; one result object says what happened. Runs in the page or the worker, never
// in both at once (one lock), and a run with nothing new posts nothing.
import { db, deviceId, getMeta, setMeta, type LocalRecord, type OutboxOp } from "./db";
import { withLock } from "./locks";
import { getBlob, listOps, markRefused, markSending, markSent, markUploaded, markWaiting, pruneSent, resetStaleSending } from "./outbox";
import { asProblem, readProblem, type Problem } from "./problem";
import { applyChanges, OP_STORE, type Change } from "./stores";
import { notifyChanged } from "./events";
import { AuthLostError, OfflineError, type AuthedFetch } from "../api/client";

export const SYNC_PATH = "/api/v1/sync";
export const MEDIA_PATH = "/api/v1/media/";
export const FLUSH_LOCK = "outbox-flush";
/** The server takes up to 1000; smaller batches answer sooner on two bars of signal. */
export const BATCH_SIZE = 200;
const MAX_PULL_PAGES = 50;

export type StopReason = "offline" | "auth" | "server";

export interface SyncResult {
  /** Ops the server took (applied) or already had (duplicate). */
  sent: number;
  duplicate: number;
  refused: number;
  uploaded: number;
  pulled: number;
  /** POST /api/v1/sync requests made: zero when there was nothing to send. */
  posts: number;
  /** Why the run ended early, with everything unsent kept; null when it went through. */
  stopped: StopReason | null;
  /** From a 429/503 Retry-After, for the backoff timer. */
  retryAfterMs?: number;
  problem?: Problem;
}

export interface SyncOptions {
  fetch: AuthedFetch;
  batchSize?: number;
  /** Skip the pull (e.g. a quick flush right after a tap); default false. */
  pushOnly?: boolean;
}

interface OpResult {
  op_id: string;
  status: "applied" | "duplicate" | "rejected";
  error?: unknown;
  entity?: Record<string, unknown>;
}

class Stop extends Error {
  constructor(readonly reason: StopReason, readonly problem?: Problem, readonly retryAfterMs?: number) {
    super(reason);
  }
}

function retryAfter(res: Response): number | undefined {
  const v = res.headers.get("Retry-After");
  if (!v) return undefined;
  const s = Number(v);
  return Number.isFinite(s) ? s * 1000 : undefined;
}

/** Turns transport failures into a Stop; anything else is a bug and propagates. */
async function call(fetchFn: AuthedFetch, path: string, init: RequestInit & { timeoutMs?: number }): Promise<Response> {
  try {
    return await fetchFn(path, init);
  } catch (err) {
    if (err instanceof OfflineError) throw new Stop("offline");
    if (err instanceof AuthLostError) throw new Stop("auth", err.problem);
    throw err;
  }
}

/** Uploads the op's photos that the server does not have yet. Returns a problem if one was refused. */
async function uploadMedia(op: OutboxOp, opts: SyncOptions, result: SyncResult): Promise<Problem | null> {
  for (const id of op.media_ids) {
    const blob = await getBlob(id);
    if (!blob) {
      // Uploaded and dropped by an earlier run whose op then failed to send: the server has it.
      continue;
    }
    if (blob.uploaded) continue;
    const res = await call(opts.fetch, MEDIA_PATH + encodeURIComponent(id), {
      method: "PUT",
      headers: { "Content-Type": blob.type },
      body: new Blob([blob.bytes], { type: blob.type }),
      timeoutMs: 120_000,
    });
    if (res.status === 200 || res.status === 201) {
      await markUploaded(id);
      result.uploaded += 1;
      continue;
    }
    const problem = await readProblem(res);
    if (res.status === 413 || res.status === 415 || res.status === 400 || res.status === 422) return problem;
    throw new Stop("server", problem, retryAfter(res));
  }
  return null;
}

function entityTarget(op: OutboxOp, entity: Record<string, unknown> | undefined) {
  const store = OP_STORE[op.type];
  if (!store) return undefined;
  const valid = entity && typeof entity.id === "string" ? ({ ...entity, _status: "synced" } as LocalRecord) : undefined;
  return { store, entity: valid };
}

async function applyResult(op: OutboxOp, r: OpResult | undefined, result: SyncResult): Promise<boolean> {
  if (!r) return false;
  const error = r.error ? asProblem(r.error, 422) : undefined;
  // A duplicate carrying an error is the echo of a first attempt the server refused.
  if (r.status === "rejected" || (r.status === "duplicate" && error)) {
    await markRefused(op, error ?? asProblem({ title: "Refused" }, 422));
    result.refused += 1;
  } else if (r.status === "applied" || r.status === "duplicate") {
    await markSent(op, entityTarget(op, r.entity), { entity: r.entity, applied: r.status === "applied" });
    if (r.status === "applied") result.sent += 1;
    else result.duplicate += 1;
  } else {
    return false;
  }
  return true;
}

/** Sends one batch. Returns false when the batch as a whole was refused (400/413/422). */
async function sendBatch(batch: OutboxOp[], opts: SyncOptions, result: SyncResult): Promise<boolean> {
  await markSending(batch);
  let res: Response;
  try {
    res = await call(opts.fetch, SYNC_PATH, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        device_id: await deviceId(),
        ops: batch.map((op) => ({ op_id: op.op_id, type: op.type, at: op.at, data: op.data })),
      }),
    });
    result.posts += 1;
  } catch (err) {
    await markWaiting(batch);
    throw err;
  }
  if (res.status === 400 || res.status === 413 || res.status === 422) {
    const problem = await readProblem(res);
    if (batch.length === 1) {
      await markRefused(batch[0], problem);
      result.refused += 1;
      return true;
    }
    await markWaiting(batch);
    return false;
  }
  if (!res.ok) {
    await markWaiting(batch);
    throw new Stop("server", await readProblem(res), retryAfter(res));
  }
  const body = (await res.json().catch(() => null)) as { results?: OpResult[] } | null;
  const byId = new Map((body?.results ?? []).map((r) => [r.op_id, r]));
  const unanswered: OutboxOp[] = [];
  for (const op of batch) if (!(await applyResult(op, byId.get(op.op_id), result))) unanswered.push(op);
  if (unanswered.length) {
    // The server skipped some: keep them, and stop rather than loop on them.
    await markWaiting(unanswered);
    throw new Stop("server");
  }
  return true;
}

async function push(opts: SyncOptions, result: SyncResult): Promise<void> {
  const userId = (await getMeta<string>("user_id")) ?? null;
  let size = opts.batchSize ?? BATCH_SIZE;
  for (;;) {
    // Only this account's ops: an op made under another login must not be sent under this one.
    const waiting = (await listOps()).filter((op) => op.state === "waiting" && (!op.user_id || !userId || op.user_id === userId));
    if (!waiting.length) return;
    const batch: OutboxOp[] = [];
    for (const op of waiting.slice(0, size)) {
      const refusedPhoto = await uploadMedia(op, opts, result);
      if (refusedPhoto) {
        await markRefused(op, refusedPhoto);
        result.refused += 1;
      } else {
        batch.push(op);
      }
    }
    if (!batch.length) continue;
    // A batch the server cannot parse is our bug: find the bad op by sending one at a time.
    if (!(await sendBatch(batch, opts, result))) size = 1;
  }
}

async function pull(opts: SyncOptions, result: SyncResult): Promise<void> {
  for (let page = 0; page < MAX_PULL_PAGES; page += 1) {
    const cursor = await getMeta<string>("cursor");
    const url = cursor ? `${SYNC_PATH}?cursor=${encodeURIComponent(cursor)}` : SYNC_PATH;
    const res = await call(opts.fetch, url, { method: "GET" });
    if (res.status === 404 || res.status === 405) return; // a server without the feed yet: push still counts
    if (!res.ok) throw new Stop("server", await readProblem(res), retryAfter(res));
    const body = (await res.json().catch(() => null)) as { changes?: Change[]; cursor?: string; has_more?: boolean } | null;
    if (!body) throw new Stop("server");
    const changes = Array.isArray(body.changes) ? body.changes : [];
    const next = typeof body.cursor === "string" ? body.cursor : null;
    result.pulled += await applyChanges(changes, next);
    if (!body.has_more || next === null || next === cursor) return;
  }
}

export function emptyResult(): SyncResult {
  return { sent: 0, duplicate: 0, refused: 0, uploaded: 0, pulled: 0, posts: 0, stopped: null };
}

/** One full run: push, then pull. Never throws for network, server or auth trouble: it says so. */
export function syncNow(opts: SyncOptions): Promise<SyncResult> {
  return withLock(FLUSH_LOCK, async () => {
    const result = emptyResult();
    try {
      // Under the lock no one else is sending: "sending" left over is from a run that died.
      await resetStaleSending();
      await push(opts, result);
      if (!opts.pushOnly) await pull(opts, result);
      await setMeta("auth_lost", false);
      await setMeta("last_sync", new Date().toISOString());
      await pruneSent();
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
      result.stopped = err.reason;
      result.problem = err.problem;
      result.retryAfterMs = err.retryAfterMs;
      if (err.reason === "auth") await setMeta("auth_lost", true);
    }
    notifyChanged();
    return result;
  });
}

/** Whether the last run found the session over (the UI asks the user to log in again). */
export async function authLost(): Promise<boolean> {
  return (await getMeta<boolean>("auth_lost")) === true;
}

export async function clearAuthLost(): Promise<void> {
  await setMeta("auth_lost", false);
  notifyChanged();
}

/** Test helper and debugging aid: every op as the engine sees it. */
export async function snapshot(): Promise<{ ops: OutboxOp[]; cursor: string | undefined }> {
  return { ops: await (await db()).getAll("outbox"), cursor: await getMeta<string>("cursor") };
}
