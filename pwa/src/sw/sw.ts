// The service worker: serves the precached shell so the app opens with no network, and
// answers every in-app navigation with index.html (never /s/<code>: that page is the server's).
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";
import { installSync } from "./sync";
import { installTileCache } from "./tiles";
import { installPush } from "./push";
import { NAVIGATION_DENYLIST } from "../shared/server-pages";

declare let self: ServiceWorkerGlobalScope;

// vite-plugin-pwa replaces this with the list of built files and their revisions.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Never answer the API, the health check or a shelter's public page with the app shell: a client
// expecting JSON, a monitor expecting 200/503 and an evacuee with a poster's link must see the real
// server (or a real network error) instead.
registerRoute(new NavigationRoute(createHandlerBoundToURL("index.html"), { denylist: NAVIGATION_DENYLIST }));

// Map tiles for the point picker, kept so a place seen once still has a background offline.
installTileCache();

// The outbox flushes from here on Background Sync, with the app open or not.
installSync();

// Web push: dispatch orders and alerts, with answers from the notification itself.
installPush();

// Sent by sw-bridge only after the user agreed to reload.
self.addEventListener("message", (event) => {
  if ((event.data as { type?: string } | null)?.type === "SKIP_WAITING") void self.skipWaiting();
});

// The first install takes the open page at once, so it is offline-capable without a reload.
self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});
