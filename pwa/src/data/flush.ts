// Page side: when to run the sync engine. On app start, on 'online', on coming back to the front,
// right after the user acts, and on a backoff timer while anything waits; Background Sync is asked
// for as well where the browser has it (Safari and Firefox do not, and lose nothing for it).
import { api } from "../api";
import { reportReachable } from "../shared/network";
import { setPendingCount } from "../shared/pending";
import { getMeta, setMeta } from "./db";
import { onDataChanged } from "./events";
import { counts, type OutboxCounts } from "./outbox";
import { syncNow, type SyncResult } from "./sync";

export const SYNC_TAG = "yjt-outbox";
const BACKOFF_MIN_MS = 5_000;
const BACKOFF_MAX_MS = 5 * 60_000;

let running: Promise<SyncResult | null> | null = null;
let again = false;
let timer: ReturnType<typeof setTimeout> | null = null;
let failures = 0;
let started = false;
let lastCounts: OutboxCounts = { waiting: 0, refused: 0 };
const resultListeners = new Set<(r: SyncResult) => void>();
const countListeners = new Set<(c: OutboxCounts) => void>();

export function onSyncResult(fn: (r: SyncResult) => void): () => void {
  resultListeners.add(fn);
  return () => resultListeners.delete(fn);
}

export function onCounts(fn: (c: OutboxCounts) => void): () => void {
  countListeners.add(fn);
  return () => countListeners.delete(fn);
}

export function getCounts(): OutboxCounts {
  return lastCounts;
}

async function refreshCounts(): Promise<OutboxCounts> {
  try {
    lastCounts = await counts();
  } catch {
    return lastCounts; // no IndexedDB (private mode): nothing can wait on this phone anyway
  }
  setPendingCount(lastCounts.waiting);
  for (const fn of countListeners) fn(lastCounts);
  return lastCounts;
}

function schedule(ms: number): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    void requestFlush();
  }, ms);
}

function backoff(result: SyncResult): number {
  failures += 1;
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (failures - 1));
  const jittered = base * (0.8 + Math.random() * 0.4);
  return Math.max(jittered, result.retryAfterMs ?? 0);
}

async function askBackgroundSync(): Promise<void> {
  try {
    const reg = (await navigator.serviceWorker?.getRegistration()) as
      | (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } })
      | undefined;
    await reg?.sync?.register(SYNC_TAG);
  } catch {
    /* no Background Sync here: the timer and the 'online' event carry it */
  }
}

async function runOnce(): Promise<SyncResult | null> {
  let result: SyncResult;
  try {
    // Nobody signed in, or the session is over: sending would only earn 401s. Login flushes.
    if (!(await getMeta<string>("user_id")) || (await getMeta<boolean>("auth_lost"))) {
      await refreshCounts();
      return null;
    }
    result = await syncNow({ fetch: api.fetch });
  } catch {
    return null; // IndexedDB unavailable or a bug: the next trigger tries again
  }
  if (result.stopped === "offline") reportReachable(false);
  else if (result.stopped !== "auth") reportReachable(true);
  const c = await refreshCounts();
  if (result.stopped === "offline" || result.stopped === "server") {
    if (c.waiting > 0) {
      schedule(backoff(result));
      void askBackgroundSync();
    }
  } else {
    failures = 0;
  }
  for (const fn of resultListeners) fn(result);
  return result;
}

/** Runs the engine now, or once more right after the run in progress. */
export function requestFlush(): Promise<SyncResult | null> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    let r: SyncResult | null;
    do {
      again = false;
      r = await runOnce();
      // A trigger that came while this run was going ('online' during a failing attempt) must
      // get its own run, whatever this one met: otherwise it waits for the backoff timer.
    } while (again && r !== null);
    running = null;
    return r;
  })();
  return running;
}

/** Starts the triggers once per page. */
export function startOutbox(): void {
  if (started) return;
  started = true;
  onDataChanged(() => void refreshCounts());
  window.addEventListener("online", () => {
    failures = 0;
    void requestFlush();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void requestFlush();
  });
  void refreshCounts();
  void requestFlush();
  void askPersistence();
}

/** Asks once that the browser never evicts the outbox under storage pressure. */
async function askPersistence(): Promise<void> {
  try {
    if (!navigator.storage?.persist || (await getMeta<boolean>("persist_asked"))) return;
    if (!(await navigator.storage.persisted())) await navigator.storage.persist();
    await setMeta("persist_asked", true);
  } catch {
    /* not offered here: nothing to do */
  }
}
