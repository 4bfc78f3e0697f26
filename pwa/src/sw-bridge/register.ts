// Installs the service worker and never swaps versions behind the user's back: a new worker
// waits until the user agrees to reload, so a half-filled form is not thrown away mid-rescue.
import { Workbox } from "workbox-window";

export interface UpdateUi {
  /** A new version is installed and waiting; call `apply` to switch to it and reload. */
  onUpdateReady(apply: () => void): void;
  /** First install finished: the app now opens without network. */
  onOfflineReady?(): void;
}

export function registerServiceWorker(ui: UpdateUi): void {
  // In `vite dev` there is no built worker; registering would only cache stale dev files.
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;

  const wb = new Workbox("/sw.js", { scope: "/" });

  wb.addEventListener("waiting", () => {
    ui.onUpdateReady(() => {
      // Reload only once the new worker controls the page, or we would load the old files again.
      wb.addEventListener("controlling", () => window.location.reload());
      wb.messageSkipWaiting();
    });
  });

  wb.addEventListener("installed", (event) => {
    if (!event.isUpdate) ui.onOfflineReady?.();
  });

  wb.register().catch(() => {
    /* no worker (private mode, old browser): the app still works online */
  });

  // Field phones stay open for days; look for a new version when the app comes back to the front.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void wb.update().catch(() => {});
  });
}
