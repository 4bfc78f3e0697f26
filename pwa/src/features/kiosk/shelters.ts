// 避难所: the shelters this user runs (a manager's own; the desk's, its region's), each with its
// state in words and colour and how many are inside. Read from the phone's copy (pulled with the
// sync feed, topped up from GET /api/v1/shelters), so it opens with no signal.
import { api, type User } from "../../api";
import { h, whileAttached } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { isOnline, onNetworkChange } from "../../shared/network";
import { t, type MessageKey } from "../../i18n";
import type { LocalRecord } from "../../data/db";
import { listOps } from "../../data/outbox";
import { getRecord, listRecords, putRecord } from "../../data/stores";
import { onDataChanged } from "../../data/events";
import { requestFlush } from "../../data/flush";
import { countInside } from "./model";
import { canRegister } from "./manage-model";

/** Roles that check people in and out of shelters (core/permissions.py: shelters.checkin). */
export const KIOSK_ROLES = new Set(["shelter_manager", "duty_officer", "admin"]);

/** A manager sees the shelters they run; the desk sees every shelter of its region. */
export function runs(user: User, shelter: LocalRecord): boolean {
  if (user.role !== "shelter_manager") return true;
  return Array.isArray(shelter.manager_ids) && shelter.manager_ids.map(String).includes(user.id);
}

export type ShelterState = "open" | "full" | "closed";
export const shelterState = (s: LocalRecord): ShelterState => (s.status === "open" || s.status === "full" ? s.status : "closed");

/** The state as a word beside its colour (never the colour alone). */
export function stateTag(s: LocalRecord): HTMLElement {
  const state = shelterState(s);
  return h("span", { class: `shelter-state shelter-${state}`, "data-state": state }, t(`kiosk.state.${state}` as MessageKey));
}

/** navigator.onLine false is a sure "no network"; true is only a maybe, which isOnline() corrects. */
export const reachable = () => isOnline() && navigator.onLine !== false;

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** Keeps the server's shelters the phone has not pulled yet (a first login, before the feed). */
async function topUp(): Promise<void> {
  const page = await api.get<{ items: LocalRecord[] }>("/api/v1/shelters?limit=200");
  for (const s of page.items ?? []) {
    if (typeof s.id === "string" && !(await getRecord("shelters", s.id))) await putRecord("shelters", { ...s, _status: "synced" });
  }
}

export function renderShelters(user: User): HTMLElement {
  const list = h("ul", { class: "cards", id: "shelter-list" });
  const empty = h("p", { class: "notice", hidden: true });
  const offline = h("p", { class: "notice notice-warn", hidden: true }, t("kiosk.list.offline"));

  async function refresh(): Promise<void> {
    offline.hidden = reachable();
    try {
      const [all, ops] = await Promise.all([listRecords("shelters"), listOps()]);
      const mine = all.filter((s) => runs(user, s));
      const rank = { open: 0, full: 1, closed: 2 } as const;
      mine.sort((a, b) => rank[shelterState(a)] - rank[shelterState(b)] || String(a.name).localeCompare(String(b.name), "zh-CN"));
      list.replaceChildren(
        ...mine.map((s) => {
          const capacity = num(s.capacity);
          const count = countInside(num(s.occupancy), capacity, ops, s.id);
          return h(
            "li",
            {},
            h(
              "button",
              { type: "button", class: "card card-btn shelter-card", "data-shelter": s.id, onclick: () => navigate(`/shelters/${s.id}`) },
              h("span", { class: "card-top" }, h("strong", { class: "card-title" }, String(s.name ?? "")), stateTag(s)),
              h("span", { class: "card-text" }, t("kiosk.list.inside", { n: count.inside, capacity })),
              count.pendingIn || count.pendingOut || count.pendingOutUnknown ? h("span", { class: "card-meta" }, t("kiosk.list.unsent")) : null,
            ),
          );
        }),
      );
      empty.hidden = mine.length > 0;
      empty.textContent = reachable() ? t("kiosk.list.none") : t("kiosk.list.noneOffline");
    } catch {
      empty.hidden = false;
      empty.textContent = t("report.error.storage");
    }
  }

  const section = h(
    "section",
    { class: "screen screen-shelters", "aria-labelledby": "shelters-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("shelters-title", t("kiosk.list.title")),
      canRegister(user) ? h("button", { type: "button", class: "btn btn-secondary btn-block", id: "shelter-new", onclick: () => navigate("/shelters/new") }, t("shelterf.newButton")) : null,
      offline,
      empty,
      list,
    ),
  );
  void refresh();
  if (reachable()) void topUp().then(refresh, () => undefined);
  void requestFlush();
  whileAttached<void>(section, onDataChanged, () => void refresh());
  whileAttached<boolean>(section, onNetworkChange, () => void refresh());
  return section;
}
