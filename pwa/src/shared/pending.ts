// How many actions wait on this phone to be sent. The outbox (coming later) sets it; the top bar shows it.
type Listener = (n: number) => void;

const listeners = new Set<Listener>();
let pending = 0;

export function getPendingCount(): number {
  return pending;
}

export function setPendingCount(n: number): void {
  pending = Math.max(0, Math.floor(n));
  for (const fn of listeners) fn(pending);
}

export function onPendingChange(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
