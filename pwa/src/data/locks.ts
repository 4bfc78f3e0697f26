// One named lock across the page and the service worker (Web Locks), with an in-context
// fallback where the browser has none: two refreshes or two flushes must never overlap.
const chains = new Map<string, Promise<unknown>>();

export function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (locks?.request) return locks.request(name, fn) as Promise<T>;
  const prev = chains.get(name) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  chains.set(name, next.catch(() => undefined));
  return next;
}
