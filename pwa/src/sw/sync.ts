// Background Sync: the browser wakes the worker when a signal returns, even with the app closed,
// and the worker flushes the outbox. A run that could not reach the server fails the event so the
// browser tries again later. Where there is no Background Sync the page's own triggers do it.
import { getMeta } from "../data/db";
import { syncNow } from "../data/sync";
import { createClient } from "../api/client";

declare let self: ServiceWorkerGlobalScope;

export const SYNC_TAG = "yjt-outbox";

// Not in TypeScript's WebWorker lib: Background Sync is Chromium-only.
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}

const transport = createClient().fetch;

async function flush(): Promise<void> {
  // Nobody signed in, or the session is over: the page asks for a login and flushes after it.
  if (!(await getMeta<string>("user_id")) || (await getMeta<boolean>("auth_lost"))) return;
  const result = await syncNow({ fetch: transport });
  if (result.stopped === "offline" || result.stopped === "server") {
    throw new Error(`outbox not flushed (${result.stopped}); the browser will retry`);
  }
}

export function installSync(): void {
  self.addEventListener("sync", (event) => {
    const e = event as SyncEvent;
    if (e.tag === SYNC_TAG) e.waitUntil(flush());
  });
  // The page may ask the worker to flush (e.g. when it is about to be hidden).
  self.addEventListener("message", (event) => {
    if ((event.data as { type?: string } | null)?.type === "FLUSH_OUTBOX") event.waitUntil(flush().catch(() => undefined));
  });
}
