// Map tiles seen once show again offline: cache-first, at most 500 tiles for 7 days, dropped
// first when storage runs short (the outbox in IndexedDB matters more than a map background).
import { registerRoute } from "workbox-routing";
import { CacheFirst } from "workbox-strategies";
import { ExpirationPlugin } from "workbox-expiration";

declare let self: ServiceWorkerGlobalScope;

export const TILE_CACHE = "yjt-map-tiles";

// The tile host comes from the server's config and may change; the app shows no other images from
// another origin (photos come from our own /api), so "a cross-origin image" is a map tile.
const isTile = ({ request, url }: { request: Request; url: URL }) =>
  request.method === "GET" && request.destination === "image" && url.origin !== self.location.origin;

// Leaflet asks for tiles as plain <img> (no-cors), whose opaque answers Chrome counts as ~7 MB
// each against the storage quota: 500 of them would crowd out the outbox. So the worker asks in
// CORS mode and keeps only real 200s; a tile host without CORS still shows, just uncached.
const noCorsHosts = new Set<string>();

export function installTileCache(): void {
  registerRoute(
    isTile,
    new CacheFirst({
      cacheName: TILE_CACHE,
      plugins: [
        new ExpirationPlugin({ maxEntries: 500, maxAgeSeconds: 7 * 24 * 60 * 60, purgeOnQuotaError: true }),
        {
          requestWillFetch: async ({ request }) =>
            noCorsHosts.has(new URL(request.url).origin) ? request : new Request(request.url, { mode: "cors", credentials: "omit" }),
          cacheWillUpdate: async ({ response }) => (response.status === 200 && response.type !== "opaque" ? response : null),
          // The CORS try failed: ask as the page did. If that works the host lacks CORS; remember it
          // so each tile is fetched once, not twice. If it fails too, there is no signal: a tileerror.
          handlerDidError: async ({ request }) => {
            try {
              const res = await fetch(request);
              noCorsHosts.add(new URL(request.url).origin);
              return res;
            } catch {
              return undefined;
            }
          },
        },
      ],
    }),
  );
}
