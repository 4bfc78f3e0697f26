// Short messages at the bottom of the screen, announced politely to screen readers.
// A toast with an action (e.g. "reload") stays until used or closed: it must never vanish unread.
import { h } from "./dom";
import { t } from "../i18n";

export interface ToastOptions {
  action?: { label: string; run: () => void };
  /** Milliseconds before it goes away; ignored when there is an action. */
  duration?: number;
}

let region: HTMLElement | null = null;

export function mountToasts(parent: HTMLElement): void {
  region = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
  parent.appendChild(region);
}

export function showToast(text: string, options: ToastOptions = {}): () => void {
  if (!region) return () => {};
  const close = () => toast.remove();
  const actionButton = options.action
    ? h("button", { type: "button", class: "toast-action", onclick: () => { close(); options.action?.run(); } }, options.action.label)
    : null;
  const toast = h(
    "div",
    { class: "toast" },
    h("span", { class: "toast-text" }, text),
    actionButton,
    h("button", { type: "button", class: "toast-close", "aria-label": t("toast.close"), onclick: close }, "×"),
  );
  region.appendChild(toast);
  // Keep the stack short on a small screen: the oldest goes first.
  while (region.children.length > 3) region.firstElementChild?.remove();
  if (!options.action) setTimeout(close, options.duration ?? 4000);
  return close;
}
