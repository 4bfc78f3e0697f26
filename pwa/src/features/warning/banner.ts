// The banner under the top bar on every screen: the area's warnings in force, highest level first,
// the level's colour and word, the title, and how many there are; a tap opens the warning. It reads
// the phone's copy (so it shows offline, saying since when), asks the server when it can, and looks
// at the clock itself, so a warning leaves at its expiry with no signal and no new data.
import "./warning.css";
import { h } from "../../shared/dom";
import { isOnline, onNetworkChange } from "../../shared/network";
import { navigate, onRoute } from "../../shared/router";
import { onDataChanged } from "../../data/events";
import { listOps } from "../../data/outbox";
import { formatDateTime, onLangChange, t } from "../../i18n";
import type { User } from "../../api";
import { inForce, mustAck, nextChange, standing } from "./model";
import { fetchActive, listWarnings, updatedAt } from "./store";
import { kindWord, levelStyle, levelWord } from "./words";

/** Ask the server again at most this often on route changes (the pull and pushes bring news too). */
const REFETCH_MS = 60_000;
/** Look at the clock at least this often, whatever the next expiry (a phone asleep, a clock set). */
const TICK_MAX_MS = 60_000;

let slot: HTMLElement | null = null;
let user: User | null = null;
let started = false;
let timer: ReturnType<typeof setTimeout> | null = null;
let lastFetch = 0;
let drawing = 0;

function onWarningsScreen(): boolean {
  return /^\/warnings(\/|$)/.test(location.pathname);
}

async function draw(): Promise<void> {
  if (!slot) return;
  const ticket = ++drawing;
  if (!user || onWarningsScreen()) {
    slot.replaceChildren();
    slot.hidden = true;
    return;
  }
  let all;
  let at: string | null;
  try {
    let ops;
    [all, at, ops] = await Promise.all([listWarnings(), updatedAt(), listOps()]);
    // A 收到 the server refused is not given: it is asked for again.
    const refused = new Set(ops.filter((op) => op.type === "warning.ack" && op.state === "refused").map((op) => op.entity_id));
    all = all.map((w) => (refused.has(w.id) ? { ...w, acked: false } : w));
  } catch {
    return; // IndexedDB unreadable: keep what is shown
  }
  if (ticket !== drawing || !slot) return;
  const now = new Date();
  const shown = inForce(all, now);
  schedule(nextChange(all, now));
  if (!shown.length) {
    slot.replaceChildren();
    slot.hidden = true;
    return;
  }
  const top = shown[0];
  const upcoming = standing(top, [top], now) === "upcoming";
  const toAck = shown.filter((w) => !w.acked && mustAck(w, user?.role, user?.id, user?.region_id)).length;
  const main = h(
    "button",
    { type: "button", class: "warn-banner-main", style: levelStyle(top), "data-warning": top.id, "data-level": String(top.level), onclick: () => navigate(`/warnings/${top.id}`) },
    h("span", { class: "warn-banner-line" }, h("span", { class: "warn-banner-level" }, h("span", { "aria-hidden": "true" }, "▲ "), levelWord(top.level)), h("span", { class: "warn-banner-kind" }, kindWord(top.kind))),
    h("span", { class: "warn-banner-title" }, String(top.title ?? "")),
    upcoming && top.onset_at ? h("span", { class: "warn-banner-meta" }, t("warning.banner.upcoming", { time: formatDateTime(String(top.onset_at)) })) : null,
    !top.acked && mustAck(top, user?.role, user?.id, user?.region_id) ? h("span", { class: "warn-banner-ack" }, t("warning.banner.ackNeeded")) : null,
  );
  const more =
    shown.length > 1
      ? h(
          "button",
          { type: "button", class: "warn-banner-more", id: "warn-banner-more", "aria-label": t("warning.banner.allLabel", { n: shown.length }), onclick: () => navigate("/warnings") },
          t("warning.banner.all", { n: shown.length }),
          toAck > 0 ? h("span", { class: "warn-banner-dot", "aria-hidden": "true" }, "●") : null,
        )
      : null;
  const offline = isOnline()
    ? null
    : h("p", { class: "warn-banner-offline", id: "warn-banner-offline" }, at ? t("warning.banner.offline", { time: formatDateTime(at) }) : t("warning.banner.offlineNever"));
  slot.replaceChildren(h("div", { class: "warn-banner-row" }, main, more), ...(offline ? [offline] : []));
  slot.hidden = false;
}

function schedule(next: Date | null): void {
  if (timer) clearTimeout(timer);
  const wait = next ? Math.min(Math.max(next.getTime() - Date.now() + 250, 250), TICK_MAX_MS) : TICK_MAX_MS;
  timer = setTimeout(() => {
    timer = null;
    void draw();
  }, wait);
}

function refetch(force = false): void {
  if (!user || !isOnline()) return;
  if (!force && Date.now() - lastFetch < REFETCH_MS) return;
  lastFetch = Date.now();
  void fetchActive();
}

/** Shows the banner for `u` in `into` (once per page; later calls only change the user). */
export function startBanner(into: HTMLElement, u: User): void {
  slot = into;
  const changed = user?.id !== u.id;
  user = u;
  if (changed) lastFetch = 0;
  if (!started) {
    started = true;
    slot.classList.add("warn-banner");
    slot.setAttribute("aria-label", t("warning.banner.label"));
    onDataChanged(() => void draw());
    onNetworkChange((online) => {
      void draw();
      if (online) refetch(true);
    });
    onLangChange(() => {
      slot?.setAttribute("aria-label", t("warning.banner.label"));
      void draw();
    });
    onRoute(() => queueMicrotask(() => {
      void draw();
      refetch();
    }));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") {
        void draw();
        refetch();
      }
    });
    // A warning pushed while the app is open: fetch it now rather than at the next pull.
    navigator.serviceWorker?.addEventListener("message", (event) => {
      const msg = event.data as { type?: string; payload?: { type?: string } } | null;
      if (msg?.type === "push" && msg.payload?.type === "warning") refetch(true);
    });
  }
  void draw();
  refetch();
}

/** Signed out: nothing of the last user's area stays on screen. */
export function stopBanner(): void {
  user = null;
  if (timer) clearTimeout(timer);
  timer = null;
  void draw();
}
