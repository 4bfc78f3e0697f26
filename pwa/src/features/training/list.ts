// /trainings: the captain's team's trainings and drills, planned ones first, the soonest first;
// each opens its roll. The last list is kept on this phone and shown, with its time, offline.
import "./training.css";
import { h } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { navigate } from "../../shared/router";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import type { User } from "../../api";
import { problemSentence } from "../../i18n/problem";
import { sortTrainings, type Training } from "./model";
import { loadTrainings } from "./store";

export const TRAINING_ROLES = new Set(["captain"]);

export function kindWord(kind: string): string {
  const key = `training.kind.${kind}` as MessageKey;
  const text = t(key);
  return text === key ? kind : text;
}

function card(item: Training): HTMLElement {
  const cancelled = item.status === "cancelled";
  return h(
    "li",
    { class: "card tr-card", "data-training": item.id, "data-status": item.status },
    h(
      "a",
      { href: `/trainings/${item.id}`, onclick: (e: Event) => { e.preventDefault(); navigate(`/trainings/${item.id}`); } },
      h("div", { class: "card-top" }, h("span", { class: "tr-kind" }, kindWord(item.kind)), cancelled ? h("span", { class: "tone tone-done" }, t("training.cancelled")) : null),
      h("span", { class: "card-title" }, item.title),
      h("span", { class: "card-meta" }, t("training.when", { time: formatDateTime(item.starts_at) })),
      h("span", { class: "card-meta" }, t("training.where", { place: item.place })),
    ),
  );
}

export function renderTrainings(user: User): HTMLElement {
  const teamId = String((user as User & { team_id?: string | null }).team_id ?? "");
  const status = h("p", { class: "hint", id: "tr-status", "aria-live": "polite" }, t("desk.loading"));
  const list = h("ul", { class: "cards", id: "tr-list" });
  // Planning is the captain's (the server lets the desk plan too, but the desk has no team list here).
  const plan = teamId
    ? h("button", { type: "button", class: "btn btn-primary btn-block", id: "tr-new", onclick: () => navigate("/trainings/new") }, t("training.plan.newButton"))
    : null;
  void (async () => {
    if (!teamId) {
      status.textContent = t("training.noTeam");
      return;
    }
    const got = await loadTrainings(teamId, user.id);
    if (got.source === "none") {
      status.className = got.error ? "notice notice-error" : "notice notice-warn";
      status.textContent = got.error ? problemSentence(got.error.problem) : t("training.offlineNone");
      return;
    }
    const items = sortTrainings(got.body.items ?? []);
    list.replaceChildren(...items.map(card));
    status.className = got.source === "kept" ? "notice notice-warn" : "hint";
    status.dataset.state = got.source;
    status.textContent = got.source === "kept" ? t("training.offlineAt", { time: formatDateTime(new Date(got.savedAt).toISOString()) }) : items.length ? "" : t("training.empty");
  })();
  return h(
    "section",
    { class: "screen", "aria-labelledby": "tr-title" },
    h("div", { class: "screen-body" }, screenHead("tr-title", t("training.title")), plan, status, list),
  );
}
