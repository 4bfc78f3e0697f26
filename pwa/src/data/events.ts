// "Something on the phone changed": the outbox, a local store, the auth state. Said within this
// context and, through a BroadcastChannel, to the other tabs and the service worker.
type Listener = () => void;

const CHANNEL = "yjt-data";
const listeners = new Set<Listener>();
let channel: BroadcastChannel | null = null;

function open(): BroadcastChannel | null {
  if (channel || typeof BroadcastChannel === "undefined") return channel;
  channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = () => {
    for (const fn of listeners) fn();
  };
  return channel;
}

export function notifyChanged(): void {
  for (const fn of listeners) fn();
  try {
    open()?.postMessage({ type: "changed" });
  } catch {
    /* a closed channel must not break the write that was already done */
  }
}

export function onDataChanged(fn: Listener): () => void {
  open();
  listeners.add(fn);
  return () => listeners.delete(fn);
}
