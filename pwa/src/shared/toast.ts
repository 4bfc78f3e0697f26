// Short messages, one at a time, each announced politely to screen readers. A toast never covers the
// primary action: it sits in the screen's bottom bar, above its buttons (the buttons keep their
// place), or, on a screen without one, in a bar of its own at the bottom. Every toast goes by
// itself (one with an action after longer), except a persistent one ("update ready"), which steps
// aside for a newer toast and comes back after it.
import { h } from "./dom";
import { t } from "../i18n";

export interface ToastOptions {
  action?: { label: string; run: () => void };
  /** Milliseconds before it goes away (default 4 s, or 10 s with an action). */
  duration?: number;
  /** Stays until used or closed (the "update ready" prompt only). */
  persistent?: boolean;
}

export const TOAST_MS = 4000;
export const ACTION_TOAST_MS = 10000;

interface Shown {
  el: HTMLElement;
  text: string;
  options: ToastOptions;
  timer: ReturnType<typeof setTimeout> | null;
}

let mounted = false;
let current: Shown | null = null;
let waiting: Shown | null = null; // a persistent toast stepped aside for a newer one

export function mountToasts(_parent: HTMLElement): void {
  mounted = true;
  // A toast shown just before the screen changes (saved, then back to the list) follows it.
  const main = document.getElementById("main");
  if (main) new MutationObserver(() => current && !current.el.isConnected && place(current.el)).observe(main, { childList: true });
}

function visible(el: Element): boolean {
  return !(el as HTMLElement).hidden && (el as HTMLElement).offsetParent !== null;
}

/** Where the toast goes: above the buttons of the screen's bottom bar, or a bottom bar of its own. */
function place(el: HTMLElement): void {
  const main = document.getElementById("main") ?? document.body;
  for (const old of main.querySelectorAll(".toast-dock")) if (!old.contains(el)) old.remove();
  const bars = [...main.querySelectorAll<HTMLElement>(".screen-actions")].filter(visible);
  const bar = bars[bars.length - 1];
  if (bar) {
    bar.prepend(el);
    return;
  }
  const screen = main.querySelector<HTMLElement>(":scope > .screen") ?? main;
  const dock = screen.querySelector<HTMLElement>(":scope > .toast-dock") ?? h("div", { class: "toast-dock" });
  dock.replaceChildren(el);
  screen.appendChild(dock);
}

function take(shown: Shown): void {
  if (shown.timer) clearTimeout(shown.timer);
  shown.timer = null;
  const dock = shown.el.parentElement?.classList.contains("toast-dock") ? shown.el.parentElement : null;
  shown.el.remove();
  dock?.remove();
}

/** The text goes into the toast's own live region once that region is on the page, so a screen
 * reader hears it (a region that arrives with its words already in it is often not read). */
function announce(shown: Shown): void {
  const region = shown.el.querySelector(".toast-text");
  setTimeout(() => region && (region.textContent = shown.text), 50);
}

function display(shown: Shown): void {
  current = shown;
  place(shown.el);
  announce(shown);
  if (!shown.options.persistent) {
    const ms = shown.options.duration ?? (shown.options.action ? ACTION_TOAST_MS : TOAST_MS);
    shown.timer = setTimeout(() => close(shown), ms);
  }
}

function close(shown: Shown): void {
  if (waiting === shown) waiting = null;
  if (current !== shown) return;
  take(shown);
  current = null;
  const back = waiting;
  waiting = null;
  if (back) display(back);
}

export function showToast(text: string, options: ToastOptions = {}): () => void {
  if (!mounted) return () => {};
  const shown: Shown = { el: document.createElement("div"), text, options, timer: null };
  const actionButton = options.action
    ? h("button", { type: "button", class: "toast-action", onclick: () => { close(shown); options.action?.run(); } }, options.action.label)
    : null;
  shown.el = h(
    "div",
    { class: "toast", "data-persistent": options.persistent ? "true" : null },
    h("span", { class: "toast-text", role: "status", "aria-live": "polite" }),
    actionButton,
    h("button", { type: "button", class: "toast-close", "aria-label": t("toast.close"), onclick: () => close(shown) }, "×"),
  );
  const before = current;
  if (before) {
    take(before);
    // One at a time: an ordinary toast is replaced; a persistent one waits for its turn again.
    if (before.options.persistent) waiting = before;
    current = null;
  }
  display(shown);
  return () => close(shown);
}
