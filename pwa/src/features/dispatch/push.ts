// The page's side of web push: subscribe after login (only once notifications are allowed), a
// clear button on the orders screen to allow them (never asked on load), the iPhone "add to home
// screen" hint, and orders the worker tells us about shown in-app.
import { h } from "../../shared/dom";
import { showToast } from "../../shared/toast";
import { navigate } from "../../shared/router";
import { t } from "../../i18n";
import { subscribePush } from "../../data/push";
import { requestFlush } from "../../data/flush";
import { api } from "../../api";

function supported(): boolean {
  return typeof window !== "undefined" && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

export function isIosNotInstalled(): boolean {
  const ua = navigator.userAgent;
  const ios = /iPhone|iPad|iPod/.test(ua) || (ua.includes("Macintosh") && navigator.maxTouchPoints > 1);
  const standalone = (navigator as Navigator & { standalone?: boolean }).standalone === true || window.matchMedia?.("(display-mode: standalone)").matches;
  return ios && !standalone;
}

async function registration(): Promise<ServiceWorkerRegistration | null> {
  if (!supported()) return null;
  return Promise.race([navigator.serviceWorker.ready, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
}

/** On app open after login: re-send the subscription when notifications are already allowed. */
export async function resubscribe(): Promise<boolean> {
  try {
    if (!supported() || Notification.permission !== "granted") return false;
    const reg = await registration();
    return reg ? await subscribePush(reg, api.fetch) : false;
  } catch {
    return false;
  }
}

let listening = false;
/** The worker posts pushes (show in-app) and notification taps (go to the order). */
export function listenToWorker(): void {
  if (listening || typeof navigator === "undefined" || !("serviceWorker" in navigator)) return;
  listening = true;
  navigator.serviceWorker.addEventListener("message", (event) => {
    const msg = event.data as { type?: string; path?: string; payload?: { type?: string; id?: string; title?: string } } | null;
    if (msg?.type === "navigate" && msg.path) navigate(msg.path);
    if (msg?.type === "push" && msg.payload?.type === "dispatch") {
      void requestFlush();
      showToast(t("push.newOrder", { title: msg.payload.title ?? "" }));
    }
  });
}

/** The box on the orders screen: allow notifications, iPhone hint. Empty when nothing to say. */
export function pushPanel(): HTMLElement {
  const box = h("div", { class: "push-panel" });
  if (isIosNotInstalled()) box.append(h("p", { class: "notice notice-warn", id: "ios-hint" }, t("push.iosHint")));
  if (!supported()) return box;
  if (Notification.permission === "default") {
    const btn = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "push-enable" }, t("push.enable"));
    btn.addEventListener("click", async () => {
      btn.disabled = true;
      const p = await Notification.requestPermission().catch(() => "denied" as NotificationPermission);
      if (p === "granted") {
        const ok = await resubscribe();
        showToast(ok ? t("push.enabled") : t("push.failed"));
        btn.remove();
      } else {
        showToast(t("push.denied"));
        btn.disabled = false;
      }
    });
    box.append(btn);
  } else if (Notification.permission === "denied") {
    box.append(h("p", { class: "hint" }, t("push.blocked")));
  }
  return box;
}
