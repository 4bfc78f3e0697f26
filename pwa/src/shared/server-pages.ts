// Paths the server answers itself, never the app shell: the API, the health check, and the
// shelters' public pages (/s/<code>, a server-rendered form that works with JavaScript off, for
// evacuees scanning a poster with WeChat), and the residents' warning subscription (/r, the same
// kind of page, from a QR code or a link), and a warning SMS's one-tap page (/w/<token>). The service worker's navigation fallback leaves them
// alone, and the app's router leaves the app for them (a full page load).
export const NAVIGATION_DENYLIST = [/^\/api(?:\/|$)/, /^\/healthz(?:[/?]|$)/, /^\/[srw](?:[/?]|$)/];

const SERVER_PAGES = /^\/[srw](?:[/?]|$)/;

/** A shelter's, the residents' or a warning link's public page: the server's, never a screen of this app. `path` may carry a query. */
export function isServerPage(path: string): boolean {
  return SERVER_PAGES.test(path);
}
