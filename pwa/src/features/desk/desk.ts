// 调度台 (duty officer / admin): the orders of the desk's area, a live board per order refreshed
// every 5 s (colour plus words, never colour alone), and a new-order form quick enough to fill in
// under a minute. Online screens: the desk works at a desk with a network.
import { h } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { showToast } from "../../shared/toast";
import { problemText, screenHead } from "../../shared/ui";
import { locate, failureText, GeoError, fixText, type Fix } from "../../shared/geo";
import { pickOnMap } from "../../shared/picker";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { api, ApiError } from "../../api";
import { cachedMe } from "../auth/session";

export const DESK_ROLES = new Set(["duty_officer", "admin"]);
const BOARD_MS = 5000;

interface Board {
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
  response: "pending" | "accepted" | "declined";
  status: string;
  eta_minutes?: number | null;
  decline_reason?: string | null;
  checkin_overdue?: boolean;
  delivery?: { state?: string; attempts?: { channel?: string; result?: string }[] | number } | null;
}

interface Order {
  id: string;
  title: string;
  created_at?: string;
  closed_at?: string | null;
  headcount?: number | null;
  muster_point?: string | null;
  board?: Board | null;
  targets?: Target[];
}

function errorText(err: unknown): string {
  return err instanceof ApiError ? problemText(err) || t("desk.loadFailed") : t("desk.offline");
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
  const list = h("ul", { class: "cards", id: "desk-orders" });
  const status = h("p", { class: "hint", "aria-live": "polite" }, t("desk.loading"));
  async function load(): Promise<void> {
    try {
      const page = await api.get<{ items: Order[] }>("/api/v1/dispatches?limit=50");
      status.textContent = page.items.length ? "" : t("desk.empty");
      list.replaceChildren(
        ...page.items.map((o) =>
          h(
            "li",
            {},
            h(
              "button",
              { type: "button", class: "card card-btn", "data-order": o.id, onclick: () => navigate(`/desk/${o.id}`) },
              h("span", { class: "card-top" }, h("span", { class: "card-title" }, o.title), o.closed_at ? h("span", { class: "tone tone-done" }, t("desk.closed")) : null),
              o.board ? h("span", { class: "card-meta" }, t("desk.summary", { coming: o.board.coming, want: o.board.headcount ?? "—", silent: o.board.silent, declined: o.board.declined })) : null,
              o.created_at ? h("span", { class: "card-meta" }, formatDateTime(o.created_at)) : null,
            ),
          ),
        ),
      );
    } catch (err) {
      status.textContent = errorText(err);
    }
  }
  void load();
  return h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "desk-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("desk-title", t("desk.title")),
      h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "desk-new", onclick: () => navigate("/desk/new") }, t("desk.new")),
      status,
      list,
    ),
  );
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

export function renderBoard(id: string): HTMLElement {
  const title = h("h2", { class: "order-title", id: "board-order-title" });
  const headline = h("p", { class: "big-state", id: "board-headline" });
  const counts = h("div", { class: "board-counts", id: "board-counts" });
  const people = h("ul", { class: "cards board-people", id: "board-people" });
  const updated = h("p", { class: "hint", "aria-live": "polite" }, t("desk.loading"));

  async function load(): Promise<void> {
    try {
      const o = await api.get<Order>(`/api/v1/dispatches/${id}`);
      title.textContent = o.title;
      const b = o.board;
      if (b) {
        headline.textContent = b.headcount
          ? t("desk.headline", { coming: b.coming, want: b.headcount }) + (b.short_by > 0 ? ` · ${t("desk.shortBy", { n: b.short_by })}` : "")
          : t("desk.headlineNoWant", { coming: b.coming });
        headline.className = `big-state tone-text-${b.short_by > 0 ? "warn" : "ok"}`;
        counts.replaceChildren(
          ...COUNTS.map((c) => h("div", { class: `count tone tone-${(b[c.key] as number) > 0 ? c.tone : "none"}`, "data-count": c.key }, h("span", { class: "count-n" }, String(b[c.key] ?? 0)), h("span", { class: "count-label" }, t(c.label)))),
        );
      }
      people.replaceChildren(
        ...(o.targets ?? []).map((tg) => {
          const s = targetState(tg);
          const d = tg.delivery?.state;
          return h(
            "li",
            { class: `card person tone-border-${s.tone}`, "data-member": tg.member_id },
            h("span", { class: "card-top" }, h("span", { class: "card-title" }, tg.display_name ?? tg.member_id), h("span", { class: `tone tone-${s.tone}`, "data-state": tg.response === "pending" ? "pending" : tg.status }, s.text)),
            d && d !== "none" ? h("span", { class: "card-meta", "data-delivery": d }, deliveryText(tg)) : null,
          );
        }),
      );
      updated.textContent = t("desk.updated", { time: new Date().toLocaleTimeString("zh-CN", { hour12: false }) });
    } catch (err) {
      updated.textContent = errorText(err);
    }
    // Live: again in 5 s while the board is on screen; stops once the user leaves it.
    if (section.isConnected) setTimeout(() => (section.isConnected ? void load() : undefined), BOARD_MS);
  }

  const section = h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "board-title" },
    h("div", { class: "screen-body" }, screenHead("board-title", t("desk.board")), title, headline, counts, updated, h("h2", {}, t("desk.people")), people),
  );
  void load();
  return section;
}

const pointOf = (f: Fix) => ({ lat: f.lat, lon: f.lon });

export function renderNewOrder(): HTMLElement {
  let fix: Fix | null = null;
  let headcount = 1;
  const picked = new Set<string>(); // "team:<id>" / "member:<id>"

  const titleIn = h("input", { type: "text", id: "new-title", maxlength: "120", required: true, placeholder: t("desk.f.titleHint") });
  const descIn = h("textarea", { id: "new-desc", rows: "2", maxlength: "4000" });
  const musterIn = h("input", { type: "text", id: "new-muster", maxlength: "200" });
  const bringIn = h("input", { type: "text", id: "new-bring", maxlength: "500" });
  const locText = h("p", { class: "loc-text", id: "new-location", "aria-live": "polite" }, t("desk.f.noLocation"));
  const teamsRow = h("div", { class: "chip-row", id: "new-teams" }, t("desk.loading"));
  const membersRow = h("div", { class: "chip-row", id: "new-members" });
  const countOut = h("output", { class: "stepper-n", id: "new-headcount" }, "1");
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block btn-huge", id: "new-send" }, t("desk.f.send"));
  const error = h("p", { class: "notice notice-warn", hidden: true, role: "alert" });

  const setFix = (f: Fix) => {
    fix = f;
    locText.textContent = fixText(f);
  };
  const gps = h("button", { type: "button", class: "btn btn-secondary" }, t("desk.f.gps"));
  gps.addEventListener("click", () => {
    locText.textContent = t("geo.locating");
    locate()
      .then(setFix)
      .catch((err) => (locText.textContent = failureText(err instanceof GeoError ? err.reason : "unavailable")));
  });
  const mapBtn = h("button", { type: "button", class: "btn btn-secondary" }, t("map.open"));
  mapBtn.addEventListener("click", async () => {
    mapBtn.disabled = true;
    try {
      const r = await pickOnMap({ current: fix, user: cachedMe()?.user, opener: mapBtn });
      if (r.kind === "point") setFix({ lat: r.lat, lon: r.lon, manual: true, picked: true } as Fix);
    } catch {
      showToast(t("desk.f.mapFailed"));
    }
    mapBtn.disabled = false;
  });

  const chip = (key: string, label: string) => {
    const input = h("input", { type: "checkbox", value: key, class: "visually-hidden" });
    input.addEventListener("change", () => (input.checked ? picked.add(key) : picked.delete(key)));
    return h("label", { class: "chip" }, input, h("span", { class: "chip-face" }, label));
  };

  async function loadPeople(): Promise<void> {
    try {
      const [teams, members] = await Promise.all([
        api.get<{ items: { id: string; name: string; size?: number }[] }>("/api/v1/teams?limit=100"),
        api.get<{ items: { id: string; display_name: string; username: string }[] }>("/api/v1/members?limit=200"),
      ]);
      teamsRow.replaceChildren(...teams.items.map((tm) => chip(`team:${tm.id}`, tm.size != null ? `${tm.name}（${tm.size}）` : tm.name)));
      membersRow.replaceChildren(...members.items.map((m) => chip(`member:${m.id}`, m.display_name || m.username)));
    } catch (err) {
      teamsRow.textContent = errorText(err);
    }
  }

  const step = (d: number) => () => {
    headcount = Math.min(1000, Math.max(1, headcount + d));
    countOut.textContent = String(headcount);
  };

  const form = h(
    "form",
    { class: "screen-body", novalidate: true },
    screenHead("new-title-h", t("desk.new")),
    h("div", { class: "field" }, h("label", { for: "new-title", class: "field-label" }, t("desk.f.title")), titleIn),
    h("div", { class: "field" }, h("span", { class: "field-label" }, t("desk.f.location")), locText, h("div", { class: "action-row" }, gps, mapBtn)),
    h("fieldset", { class: "chips" }, h("legend", {}, t("desk.f.teams")), teamsRow),
    h("details", { class: "members-box" }, h("summary", {}, t("desk.f.members")), membersRow),
    h(
      "div",
      { class: "field" },
      h("span", { class: "field-label", id: "hc-label" }, t("desk.f.headcount")),
      h(
        "div",
        { class: "stepper", role: "group", "aria-labelledby": "hc-label" },
        h("button", { type: "button", class: "btn btn-secondary", "aria-label": t("desk.f.less"), onclick: step(-1) }, "−"),
        countOut,
        h("button", { type: "button", class: "btn btn-secondary", "aria-label": t("desk.f.more"), onclick: step(1) }, "+"),
      ),
    ),
    h("div", { class: "field" }, h("label", { for: "new-muster", class: "field-label" }, t("order.muster")), musterIn),
    h("div", { class: "field" }, h("label", { for: "new-bring", class: "field-label" }, t("order.bring")), bringIn),
    h("div", { class: "field" }, h("label", { for: "new-desc", class: "field-label" }, t("desk.f.desc")), descIn),
    error,
    submit,
  );

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const fail = (msg: string) => {
      error.textContent = msg;
      error.hidden = false;
    };
    error.hidden = true;
    if (!titleIn.value.trim()) return fail(t("desk.f.needTitle"));
    if (!fix) return fail(t("desk.f.needLocation"));
    const team_ids = [...picked].filter((k) => k.startsWith("team:")).map((k) => k.slice(5));
    const member_ids = [...picked].filter((k) => k.startsWith("member:")).map((k) => k.slice(7));
    if (!team_ids.length && !member_ids.length) return fail(t("desk.f.needPeople"));
    const body: Record<string, unknown> = { title: titleIn.value.trim(), location: pointOf(fix), headcount, team_ids, member_ids };
    if (descIn.value.trim()) body.description = descIn.value.trim();
    if (musterIn.value.trim()) body.muster_point = musterIn.value.trim();
    if (bringIn.value.trim()) body.bring = bringIn.value.trim();
    submit.disabled = true;
    try {
      const o = await api.post<Order>("/api/v1/dispatches", body);
      showToast(t("desk.f.sent"));
      navigate(`/desk/${o.id}`, true);
    } catch (err) {
      fail(errorText(err));
      submit.disabled = false;
    }
  });

  void loadPeople();
  return h("section", { class: "screen screen-wide", "aria-labelledby": "new-title-h" }, form);
}
