// Small parts that several screens share: the screen header with a back button, and the badge
// that says where a record stands (saved on this phone, sending, sent, refused and why).
import { h } from "./dom";
import { goBack } from "./router";
import { t, type MessageKey } from "../i18n";
import type { OpState } from "../data/db";
import type { Problem } from "../data/problem";
import { problemSentence } from "../i18n/problem";

export function screenHead(id: string, title: string): HTMLElement {
  return h(
    "div",
    { class: "screen-head" },
    h("button", { type: "button", class: "back-btn", onclick: () => goBack() }, h("span", { "aria-hidden": "true" }, "‹ "), t("common.back")),
    h("h1", { id, tabindex: "-1" }, title),
  );
}

export function stateBadge(state: OpState): HTMLElement {
  return h("span", { class: `state state-${state}`, "data-state": state }, t(`state.${state}` as MessageKey));
}

export function opLabel(type: string): string {
  const key = `op.${type}`;
  return tryKey(key) ?? t("op.unknown", { type });
}

function tryKey(key: string): string | null {
  const text = t(key as MessageKey);
  return text === key ? null : text;
}

/** A refusal as one line in the user's words (kept for older callers: it is problemSentence). */
export function problemText(p: Problem | undefined): string {
  return p ? problemSentence(p) : "";
}
