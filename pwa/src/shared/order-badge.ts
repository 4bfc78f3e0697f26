// How many orders wait for this member's answer: the count on 我的任务, and on the app's icon
// where the browser has the Badging API. Recounted whenever the phone's data changes (a pull,
// a sync result, a push, an answer given here).
import { listOrders, waitingForAnswer } from "../data/dispatch";
import { onDataChanged } from "../data/events";

type BadgeNavigator = Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };

let count = -1;
let started = false;
const listeners = new Set<(n: number) => void>();

export { waitingForAnswer };

function appBadge(n: number): void {
  const nav = navigator as BadgeNavigator;
  try {
    const done = n > 0 ? nav.setAppBadge?.(n) : nav.clearAppBadge?.();
    void done?.catch(() => undefined); // not installed, or not allowed: the tile still says it
  } catch {
    /* no Badging API */
  }
}

async function recount(): Promise<void> {
  let n: number;
  try {
    n = waitingForAnswer(await listOrders());
  } catch {
    return; // IndexedDB unreadable: keep what was shown
  }
  if (n === count) return;
  count = n;
  appBadge(n);
  for (const fn of listeners) fn(n);
}

/** Starts counting for the life of the page (once). */
export function startOrderBadge(): void {
  if (started) return;
  started = true;
  onDataChanged(() => void recount());
  void recount();
}

/** Calls `fn` with the count now (when known) and on each change; returns the unsubscribe. */
export function onOrderBadge(fn: (n: number) => void): () => void {
  startOrderBadge();
  listeners.add(fn);
  // Not synchronously: a screen subscribing while it is being built is not on the page yet.
  if (count >= 0) queueMicrotask(() => listeners.has(fn) && fn(count));
  return () => listeners.delete(fn);
}

/** Signing out: the icon must not go on saying someone has orders waiting. */
export function clearOrderBadge(): void {
  count = 0;
  appBadge(0);
}
