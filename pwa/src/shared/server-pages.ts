// Paths the server answers itself, never the app shell: the API, the health check, and the
// shelters' public pages (/s/<code>, a server-rendered form that works with JavaScript off, for
// evacuees scanning a poster with WeChat). The service worker's navigation fallback leaves them
// alone, and the app's router leaves the app for them (a full page load).
export const NAVIGATION_DENYLIST = [/^\/api(?:\/|$)/, /^\/healthz(?:[/?]|$)/, /^\/s(?:[/?]|$)/];

const SERVER_PAGES = /^\/s(?:[/?]|$)/;

/** A shelter's public page: the server's, never a screen of this app. `path` may carry a query. */
export function isServerPage(path: string): boolean {
  return SERVER_PAGES.test(path);
}
