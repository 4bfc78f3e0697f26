// Web push: every push shows a notification (iOS revokes a subscription whose pushes show
// nothing); an order's "接受" / "拒绝" actions go straight into the outbox from here, so the answer
// is kept and sent even with the page closed; a plain tap opens (or focuses) the order.
import { notificationPath } from "../shared/push-paths";
import { getMeta } from "../data/db";
import { enqueue } from "../data/outbox";
import { act, getOrder, listOrders, waitingForAnswer } from "../data/dispatch";
import { syncNow } from "../data/sync";
import { applyChanges } from "../data/stores";
import { createClient } from "../api/client";
import { subscribePush } from "../data/push";
import { t, workerLang } from "../i18n";
import { warningTitle } from "../features/warning/notify";

declare let self: ServiceWorkerGlobalScope;

interface PushPayload {
  type?: string;
  id?: string;
  title?: string;
  body?: string;
  level?: string;
}

const transport = createClient().fetch;

function parse(event: PushEvent): PushPayload {
  try {
    return (event.data?.json() as PushPayload) ?? {};
  } catch {
    return { body: event.data?.text() };
  }
}

type BadgeNavigator = WorkerNavigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };

/** The app icon's count of orders waiting for an answer, kept by the worker too: with the page
 * closed, an order's push is the moment the member must see it (where the Badging API exists). */
async function updateBadge(pushedId?: string): Promise<void> {
  const nav = self.navigator as BadgeNavigator;
  if (!nav.setAppBadge) return;
  try {
    const n = waitingForAnswer(await listOrders(), pushedId);
    await (n > 0 ? nav.setAppBadge(n) : nav.clearAppBadge?.());
  } catch {
    /* not installed, not allowed, or IndexedDB unreadable: the notification still says it */
  }
}

async function show(p: PushPayload): Promise<void> {
  const isOrder = p.type === "dispatch" && typeof p.id === "string";
  const isWarning = p.type === "warning" && typeof p.id === "string";
  const lang = await workerLang();
  const title = isWarning ? warningTitle(p, lang) : p.title || t(isOrder ? "sw.orderTitle" : "app.name", undefined, lang);
  const options: NotificationOptions & { actions?: { action: string; title: string }[]; renotify?: boolean } = {
    body: p.body || t(isOrder ? "sw.orderBody" : isWarning ? "sw.warningBody" : "sw.otherBody", undefined, lang),
    tag: isOrder ? `dispatch-${p.id}` : p.type ? `${p.type}-${p.id ?? ""}` : "yjt",
    data: p,
    icon: "/icon-192.png",
    lang,
    // An order and a warning stay until the person has seen them.
    requireInteraction: isOrder || isWarning,
  };
  if (isWarning) options.renotify = true;
  if (isOrder) {
    options.actions = [
      { action: "accept", title: t("sw.accept", undefined, lang) },
      { action: "decline", title: t("sw.decline", undefined, lang) },
    ];
    options.renotify = true;
  }
  await self.registration.showNotification(title, options);
  if (isOrder) await updateBadge(p.id);
  if (isWarning) await keepWarning(p.id!);
  // An open page shows the order in-app too.
  const wins = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const w of wins) w.postMessage({ type: "push", payload: p });
}

/** A pushed warning is fetched and kept at once, so its full text opens even if the signal goes
 * before the tap (the pull would bring it too, but only on the next sync). */
async function keepWarning(id: string): Promise<void> {
  try {
    if (!(await getMeta<string>("user_id"))) return;
    const res = await transport(`/api/v1/warnings/${encodeURIComponent(id)}`, { method: "GET" });
    if (!res.ok) return;
    const data = (await res.json()) as Record<string, unknown>;
    if (data && data.id === id) await applyChanges([{ entity: "warning", id, op: "upsert", data }], null);
  } catch {
    /* no signal or no session: the banner and the pull fetch it later */
  }
}

async function flush(): Promise<void> {
  if (!(await getMeta<string>("user_id")) || (await getMeta<boolean>("auth_lost"))) return;
  await syncNow({ fetch: transport });
}

async function open(path: string): Promise<void> {
  const wins = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const w of wins) {
    if (new URL(w.url).origin !== self.location.origin) continue;
    const focused = await w.focus();
    w.postMessage({ type: "navigate", path });
    if (focused) return;
  }
  await self.clients.openWindow(path);
}

export function installPush(): void {
  self.addEventListener("push", (event) => {
    // Always a notification, even for a payload we cannot read.
    event.waitUntil(show(parse(event)));
  });

  self.addEventListener("notificationclick", (event) => {
    const p = (event.notification.data ?? {}) as PushPayload;
    event.notification.close();
    const id = p.type === "dispatch" && typeof p.id === "string" ? p.id : null;
    if (id && (event.action === "accept" || event.action === "decline")) {
      const action = event.action;
      // Shown at once on the phone's copy when it has the order; the op alone otherwise.
      const queue = async () => {
        const order = await getOrder(id);
        if (order) await act(order, action === "accept" ? { kind: "accept" } : { kind: "decline" });
        else await enqueue({ type: "dispatch.respond", data: { dispatch_id: id, response: action }, entity_id: id });
      };
      event.waitUntil(
        queue()
          .then(() => updateBadge())
          .then(() => flush())
          .then(() => workerLang())
          .then((lang) =>
            self.registration.showNotification(t(action === "accept" ? "sw.accepted" : "sw.declined", undefined, lang), { body: p.title ?? "", tag: `dispatch-${id}`, lang }),
          )
          .catch(() => undefined),
      );
      return;
    }
    event.waitUntil(open(notificationPath(p)));
  });

  self.addEventListener("pushsubscriptionchange", (event) => {
    event.waitUntil(subscribePush(self.registration, transport).catch(() => undefined));
  });
}
