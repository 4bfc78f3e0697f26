// One answer to "can we reach the server?": the browser's online/offline events, corrected by
// what real requests saw (with two bars of signal, navigator.onLine says "online" while nothing gets through).
type Listener = (online: boolean) => void;

const listeners = new Set<Listener>();
let online = typeof navigator === "undefined" ? true : navigator.onLine;

function set(value: boolean): void {
  if (value === online) return;
  online = value;
  for (const fn of listeners) fn(value);
}

if (typeof window !== "undefined") {
  window.addEventListener("online", () => set(true));
  window.addEventListener("offline", () => set(false));
}

export function isOnline(): boolean {
  return online;
}

/** Called by the API client after each request: any HTTP answer means reachable, a thrown fetch means not. */
export function reportReachable(ok: boolean): void {
  set(ok);
}

export function onNetworkChange(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
