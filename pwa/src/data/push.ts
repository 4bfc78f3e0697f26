// Subscribes this install to web push with the server's VAPID key and hands the subscription to
// the server (page on open after login, worker on pushsubscriptionchange). No DOM here.
import type { AuthedFetch } from "../api/client";

export const VAPID_PATH = "/api/v1/push/vapid-public-key";
export const SUBSCRIPTIONS_PATH = "/api/v1/push/subscriptions";

export function b64urlToBytes(s: string): Uint8Array<ArrayBuffer> {
  const pad = "=".repeat((4 - (s.length % 4)) % 4);
  const bin = atob((s + pad).replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

/** Returns true when the server has this device's subscription. Needs notification permission. */
export async function subscribePush(reg: ServiceWorkerRegistration, fetchFn: AuthedFetch): Promise<boolean> {
  if (!reg.pushManager) return false;
  const keyRes = await fetchFn(VAPID_PATH, { method: "GET" });
  if (!keyRes.ok) return false;
  const { public_key } = (await keyRes.json()) as { public_key?: string };
  if (!public_key) return false;
  const key = b64urlToBytes(public_key);
  let sub = await reg.pushManager.getSubscription();
  if (sub) {
    // A subscription made with another key (the server's keys changed) must be replaced.
    const old = sub.options.applicationServerKey ? new Uint8Array(sub.options.applicationServerKey) : null;
    if (!old || old.length !== key.length || old.some((b, i) => b !== key[i])) {
      await sub.unsubscribe();
      sub = null;
    }
  }
  if (!sub) sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const res = await fetchFn(SUBSCRIPTIONS_PATH, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(sub.toJSON()),
  });
  return res.ok;
}
