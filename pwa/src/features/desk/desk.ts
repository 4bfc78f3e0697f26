// 调度台 (duty officer / admin): the orders of the desk's area, a live board per order refreshed
// every 5 s (colour plus words, never colour alone), and a new-order form quick enough to fill in
// under a minute. Online screens: the desk works at a desk with a network.
import { problemSentence } from "../../i18n/problem";
import { h } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { getLang, t, type MessageKey } from "../../i18n";
import { api, ApiError } from "../../api";
import { getMeta, setMeta } from "../../data/db";
import { isNotFound, notFoundView } from "../../shared/not-found";
import { showToast } from "../../shared/toast";
import { describeProblem } from "../../i18n/problem";
import { problemSlug } from "../../data/problem";
import { renderFront } from "./front";
import { renderOrderForm } from "./form";

export const DESK_ROLES = new Set(["duty_officer", "admin"]);
const BOARD_MS = 5000;

export interface Board {
  pending: number;
  accepted: number;
  declined: number;
  en_route: number;
  on_scene: number;
  completed: number;
  silent: number;
  coming: number;
  headcount: number | null;
  short_by: number;
  overdue_checkins: number;
}

interface Target {
  member_id: string;
  display_name?: string;
  phone?: string | null;
  response: "pending" | "accepted" | "declined";
  status: string;
  eta_minutes?: number | null;
  decline_reason?: string | null;
  checkin_overdue?: boolean;
  delivery?: { state?: string; attempts?: { channel?: string; result?: string }[] | number } | null;
}

export interface Order {
  id: string;
  incident_id?: string | null;
  title: string;
  created_at?: string;
  closed_at?: string | null;
  headcount?: number | null;
  muster_point?: string | null;
  board?: Board | null;
  targets?: Target[];
}

function errorText(err: unknown): string {
  return err instanceof ApiError ? problemSentence(err.problem) : t("desk.offline");
}

/** One person's state in words and a tone class (the colour only repeats the words). */
export function targetState(tg: Target): { text: string; tone: string } {
  if (tg.checkin_overdue) return { text: t("desk.t.overdue"), tone: "bad" };
  if (tg.response === "declined") return { text: tg.decline_reason ? `${t("desk.t.declined")}：${tg.decline_reason}` : t("desk.t.declined"), tone: "bad" };
  if (tg.response === "pending") return { text: t("desk.t.silent"), tone: "warn" };
  const eta = tg.eta_minutes != null && (tg.status === "accepted" || tg.status === "en_route") ? ` · ${t("order.eta", { n: tg.eta_minutes })}` : "";
  return { text: t(`order.status.${tg.status}` as MessageKey) + eta, tone: tg.status === "completed" ? "done" : "ok" };
}

/** "通知：已发短信（推送、短信）": the cascade's state and the channels tried, in words. */
export function deliveryText(tg: Target): string {
  const d = tg.delivery?.state ?? "";
  const key = `desk.d.${d}` as MessageKey;
  const state = t(key) === key ? d : t(key);
  const attempts = Array.isArray(tg.delivery?.attempts) ? tg.delivery.attempts : [];
  const channels = [...new Set(attempts.map((a) => a.channel).filter((c): c is string => typeof c === "string"))].map((c) => {
    const ck = `desk.ch.${c}` as MessageKey;
    return t(ck) === ck ? c : t(ck);
  });
  return channels.length ? t("desk.delivery", { state, channels: channels.join("、") }) : t("desk.deliveryNone", { state });
}

export function renderDesk(): HTMLElement {
  return renderFront();
}

const COUNTS: { key: keyof Board; label: MessageKey; tone: string }[] = [
  { key: "accepted", label: "desk.c.accepted", tone: "ok" },
  { key: "en_route", label: "desk.c.en_route", tone: "ok" },
  { key: "on_scene", label: "desk.c.on_scene", tone: "ok" },
  { key: "completed", label: "desk.c.completed", tone: "done" },
  { key: "silent", label: "desk.c.silent", tone: "warn" },
  { key: "declined", label: "desk.c.declined", tone: "bad" },
  { key: "overdue_checkins", label: "desk.c.overdue", tone: "bad" },
];

// The last answer for each board, here and on the phone: with no network the board keeps showing
// it and says from when, instead of going blank.
const BOARDS_KEY = "desk_boards";
const BOARDS_KEPT = 10;
const boards = new Map<string, { order: Order; at: number }>();

function keepBoard(id: string, order: Order, at: number): void {
  boards.delete(id);
  boards.set(id, { order, at });
  while (boards.size > BOARDS_KEPT) boards.delete(boards.keys().next().value as string);
  void setMeta(BOARDS_KEY, [...boards.entries()]).catch(() => undefined);
}

async function keptBoard(id: string): Promise<{ order: Order; at: number } | undefined> {
  if (boards.has(id)) return boards.get(id);
  const kept = await getMeta<[string, { order: Order; at: number }][]>(BOARDS_KEY).catch(() => undefined);
  return Array.isArray(kept) ? kept.find(([k]) => k === id)?.[1] : undefined;
}

const clock = (at: number) => new Intl.DateTimeFormat(getLang(), { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(at);

export function renderBoard(id: string): HTMLElement {
  const title = h("h2", { class: "order-title", id: "board-order-title" });
  const headline = h("p", { class: "big-state", id: "board-headline" });
  const counts = h("div", { class: "board-counts", id: "board-counts" });
  const people = h("ul", { class: "cards board-people", id: "board-people" });
  const updated = h("p", { class: "hint", id: "board-updated", "aria-live": "polite" }, t("desk.loading"));
  let painted = false;

  // One tap, one notification: a member's button stays busy until the server has answered.
  const chasing = new Set<string>();
  const chaseNotes = new Map<string, string>();
  // Each member's card as last drawn, with what it showed.
  const cards = new Map<string, { sig: string; el: HTMLElement }>();

  async function chase(tg: Target, button: HTMLButtonElement): Promise<void> {
    if (chasing.has(tg.member_id)) return;
    chasing.add(tg.member_id);
    button.disabled = true;
    button.textContent = t("board.chasing");
    const name = tg.display_name ?? tg.member_id;
    let note: string;
    try {
      const o = await api.post<Order>(`/api/v1/dispatches/${encodeURIComponent(id)}/targets/${encodeURIComponent(tg.member_id)}/notify`);
      note = t("board.chased", { name, time: clock(Date.now()) });
      chasing.delete(tg.member_id);
      chaseNotes.set(tg.member_id, note);
      if (o && typeof o === "object" && o.id) {
        paint(o);
        keepBoard(id, o, Date.now());
      }
    } catch (err) {
      if (err instanceof ApiError && problemSlug(err) === "already-answered") note = t("board.chaseAnswered", { name });
      else if (err instanceof ApiError && err.status === 429) note = t("board.chaseTooSoon", { name });
      else if (err instanceof ApiError) note = t("board.chaseFailed", { name, reason: describeProblem(err.problem).message });
      else note = t("board.chaseOffline", { name });
      chasing.delete(tg.member_id);
      chaseNotes.set(tg.member_id, note);
      if (err instanceof ApiError && problemSlug(err) === "already-answered") void load(false);
    }
    showToast(note);
    const row = people.querySelector(`[data-member="${CSS.escape(tg.member_id)}"] .chase-row`);
    const fresh = row?.querySelector<HTMLButtonElement>(".chase-btn");
    if (fresh) {
      fresh.disabled = false;
      fresh.textContent = t("board.chase");
    }
    const noteEl = row?.querySelector(".chase-note");
    if (noteEl) noteEl.textContent = note;
  }

  function chaseRow(tg: Target): HTMLElement {
    const name = tg.display_name ?? tg.member_id;
    const busy = chasing.has(tg.member_id);
    const button = h(
      "button",
      { type: "button", class: "btn btn-secondary chase-btn", "aria-label": t("board.chaseName", { name }), disabled: busy },
      busy ? t("board.chasing") : t("board.chase"),
    );
    button.addEventListener("click", () => void chase(tg, button));
    return h(
      "div",
      { class: "chase-row" },
      h(
        "div",
        { class: "chase-actions" },
        button,
        tg.phone ? h("a", { class: "btn btn-secondary call-btn", href: `tel:${tg.phone}`, "aria-label": t("board.callName", { name }) }, t("board.call")) : null,
      ),
      h("p", { class: "hint chase-note", "aria-live": "polite" }, chaseNotes.get(tg.member_id) ?? ""),
    );
  }

  function paint(o: Order): void {
    painted = true;
    title.textContent = o.title;
    const b = o.board;
    if (b) {
      headline.textContent = b.headcount
        ? t("desk.headline", { coming: b.coming, want: b.headcount }) + (b.short_by > 0 ? ` · ${t("desk.shortBy", { n: b.short_by })}` : "")
        : t("desk.headlineNoWant", { coming: b.coming });
      // Those done are not coming any more: said apart, never folded into 在来.
      if (b.completed > 0) headline.textContent += ` · ${t("board.completedToo", { n: b.completed })}`;
      headline.className = `big-state tone-text-${b.short_by > 0 ? "warn" : "ok"}`;
      counts.replaceChildren(
        ...COUNTS.map((c) => h("div", { class: `count tone tone-${(b[c.key] as number) > 0 ? c.tone : "none"}`, "data-count": c.key }, h("span", { class: "count-n" }, String(b[c.key] ?? 0)), h("span", { class: "count-label" }, t(c.label)))),
      );
    }
    // A member's card is drawn again only when what it shows changed, and the others stay in
    // place: the 5 s refresh must not take 再次通知 away from under a finger pressing it.
    const next = (o.targets ?? []).map((tg) => {
      const sig = JSON.stringify([tg, chasing.has(tg.member_id), chaseNotes.get(tg.member_id) ?? "", getLang()]);
      const old = cards.get(tg.member_id);
      if (old && old.sig === sig) return old.el;
      const s = targetState(tg);
      const d = tg.delivery?.state;
      const el = h(
        "li",
        { class: `card person tone-border-${s.tone}`, "data-member": tg.member_id },
        h("span", { class: "card-top" }, h("span", { class: "card-title" }, tg.display_name ?? tg.member_id), h("span", { class: `tone tone-${s.tone}`, "data-state": tg.response === "pending" ? "pending" : tg.status }, s.text)),
        d && d !== "none" ? h("span", { class: "card-meta", "data-delivery": d }, deliveryText(tg)) : null,
        tg.response === "pending" ? chaseRow(tg) : null,
      );
      cards.set(tg.member_id, { sig, el });
      return el;
    });
    const wanted = new Set<Element>(next);
    for (const el of [...people.children]) if (!wanted.has(el)) el.remove();
    next.forEach((el, i) => {
      const at = people.children[i] ?? null;
      if (at !== el) people.insertBefore(el, at);
    });
  }

  async function load(again = true): Promise<void> {
    try {
      const o = await api.get<Order>(`/api/v1/dispatches/${encodeURIComponent(id)}`);
      paint(o);
      keepBoard(id, o, Date.now());
      updated.className = "hint";
      updated.textContent = t("desk.updated", { time: new Date().toLocaleTimeString("zh-CN", { hour12: false }) });
    } catch (err) {
      if (isNotFound(err) && !painted) {
        // An unknown or foreign id: say so, with a way back; nothing to refresh.
        body.replaceChildren(screenHead("board-title", t("desk.board")), notFoundView("notFound.board", "notFound.backDesk", "/desk"));
        return;
      }
      if (err instanceof ApiError) {
        updated.className = "hint";
        updated.textContent = errorText(err);
      } else {
        // No network: the last data this board had, and from when.
        const last = await keptBoard(id);
        if (last && !painted) paint(last.order);
        updated.className = "notice notice-warn board-offline";
        updated.textContent = last ? t("deskf.boardOffline", { time: clock(last.at) }) : t("deskf.boardNoData");
      }
    }
    // Live: again in 5 s while the board is on screen; stops once the user leaves it.
    if (again && section.isConnected) setTimeout(() => (section.isConnected ? void load() : undefined), BOARD_MS);
  }

  const body = h(
    "div",
    { class: "screen-body" },
    screenHead("board-title", t("desk.board")),
    h("button", { type: "button", class: "btn btn-secondary", id: "board-map", onclick: () => navigate(`/desk/map?order=${encodeURIComponent(id)}`) }, t("deskmap.open")),
    title,
    headline,
    counts,
    updated,
    h("h2", {}, t("desk.people")),
    people,
  );
  const section = h("section", { class: "screen screen-wide", "aria-labelledby": "board-title" }, body);
  void load();
  return section;
}

/** The new-order form lives in form.ts (incident choice, draft on the phone, no sending later). */
export function renderNewOrder(): HTMLElement {
  return renderOrderForm();
}
