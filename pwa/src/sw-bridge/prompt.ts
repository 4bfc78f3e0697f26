// Connects the worker's lifecycle to words on screen: a sticky "new version — reload" toast.
import { registerServiceWorker } from "./register";
import { showToast } from "../shared/toast";
import { t } from "../i18n";

export function startServiceWorker(opts: { applyAtOnce?: boolean } = {}): void {
  registerServiceWorker({
    onUpdateReady(apply) {
      if (opts.applyAtOnce) return apply();
      showToast(t("update.ready"), { action: { label: t("update.reload"), run: apply }, persistent: true });
    },
    onOfflineReady() {
      showToast(t("update.offlineReady"));
    },
  });
}
