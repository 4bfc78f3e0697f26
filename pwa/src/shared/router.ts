// In-app paths (/report, /checkin, ...) on the History API, so the phone's back button works.
// The server and the worker answer any such path with the shell, so a reload lands in place.
import { isServerPage } from "./server-pages";

type Listener = (path: string) => void;

const listeners = new Set<Listener>();

export function currentPath(): string {
  return location.pathname + location.search;
}

export function navigate(path: string, replace = false): void {
  // A shelter's public page is the server's: leave the app for it.
  if (isServerPage(path)) {
    if (replace) location.replace(path);
    else location.assign(path);
    return;
  }
  if (path === currentPath()) {
    for (const fn of listeners) fn(path);
    return;
  }
  if (replace) history.replaceState(history.state, "", path);
  else history.pushState({ inApp: true }, "", path);
  for (const fn of listeners) fn(path);
}

export function onRoute(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

if (typeof window !== "undefined") {
  window.addEventListener("popstate", () => {
    for (const fn of listeners) fn(currentPath());
  });
}

/** Back within the app when we came from it; otherwise (opened on a deep link) to home. */
export function goBack(): void {
  if ((history.state as { inApp?: boolean } | null)?.inApp) history.back();
  else navigate("/", true);
}
