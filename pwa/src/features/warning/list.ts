// /warnings (预警信息, from home): the area's warnings in force first, highest level first, then the
// recent ones (lifted, expired), each one tap from its full text; from the phone's copy, offline too.
import "./warning.css";
import { h, whileAttached } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { isOnline, onNetworkChange } from "../../shared/network";
import { formatDateTime, t } from "../../i18n";
import type { User } from "../../api";
import { onDataChanged } from "../../data/events";
import { forList, mustAck, nextChange, type Standing, type Warning } from "./model";
import { fetchActive, fetchRecent, listWarnings, updatedAt } from "./store";
import { kindWord, levelChip, standingWord } from "./words";

function card(user: User, w: Warning, s: Standing): HTMLElement {
  const until = typeof w.expires_at === "string" ? t("warning.list.until", { time: formatDateTime(w.expires_at) }) : null;
  return h(
    "li",
    {},
    h(
      "button",
      { type: "button", class: `card card-btn warn-card standing-${s}`, "data-warning": w.id, "data-standing": s, onclick: () => navigate(`/warnings/${w.id}`) },
      h("span", { class: "card-top" }, levelChip(w), h("span", { class: "warn-kind" }, kindWord(w.kind)), h("span", { class: `warn-standing standing-${s}` }, standingWord(s))),
      h("span", { class: "card-title" }, String(w.title ?? "")),
      s === "active" || s === "upcoming" ? (until ? h("span", { class: "card-meta" }, until) : null) : w.issued_at ? h("span", { class: "card-meta" }, formatDateTime(String(w.issued_at))) : null,
      (s === "active" || s === "upcoming") && !w.acked && mustAck(w, user.role, user.id, user.region_id) ? h("span", { class: "warn-ack-needed" }, t("warning.banner.ackNeeded")) : null,
    ),
  );
}

export function renderWarnings(user: User): HTMLElement {
  const current = h("ul", { class: "cards", id: "warnings-current" });
  const recent = h("ul", { class: "cards", id: "warnings-recent" });
  const empty = h("p", { class: "hint", id: "warnings-empty", hidden: true }, t("warning.list.empty"));
  const noRecent = h("p", { class: "hint", hidden: true }, t("warning.list.noRecent"));
  const offline = h("p", { class: "notice", id: "warnings-offline", hidden: true });
  let timer: ReturnType<typeof setTimeout> | null = null;

  async function refresh(): Promise<void> {
    const [all, at] = await Promise.all([listWarnings(), updatedAt()]);
    const now = new Date();
    const lists = forList(all, now);
    current.replaceChildren(...lists.current.map((w) => card(user, w, w.onset_at && Date.parse(String(w.onset_at)) > now.getTime() ? "upcoming" : "active")));
    recent.replaceChildren(...lists.recent.slice(0, 30).map(({ w, s }) => card(user, w, s)));
    empty.hidden = lists.current.length > 0;
    noRecent.hidden = lists.recent.length > 0;
    offline.hidden = isOnline();
    offline.textContent = at ? t("warning.list.offlineAt", { time: formatDateTime(at) }) : t("warning.list.offlineNever");
    if (timer) clearTimeout(timer);
    const next = nextChange(all, now);
    if (next && section.isConnected) timer = setTimeout(() => void refresh(), Math.min(next.getTime() - Date.now() + 250, 60_000));
  }

  const section = h(
    "section",
    { class: "screen", "aria-labelledby": "warnings-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("warnings-title", t("warning.list.title")),
      offline,
      h("h2", { class: "section-title" }, t("warning.list.current")),
      empty,
      current,
      h("h2", { class: "section-title" }, t("warning.list.recent")),
      noRecent,
      recent,
    ),
  );
  void refresh();
  void Promise.all([fetchActive(), fetchRecent()]);
  whileAttached<void>(section, onDataChanged, () => void refresh());
  whileAttached<boolean>(section, onNetworkChange, () => void refresh());
  return section;
}
