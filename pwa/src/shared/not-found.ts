// What a screen shows for an id that does not exist or is not the user's: a plain sentence and a
// way back, instead of "not on this phone yet" above an empty box.
import { h } from "./dom";
import { navigate } from "./router";
import { t, type MessageKey } from "../i18n";
import { ApiError } from "../api/client";
import { problemSlug } from "../data/problem";

export function notFoundView(message: MessageKey, back: MessageKey, backPath: string): HTMLElement {
  return h(
    "div",
    { class: "notice not-found", id: "not-found", role: "alert" },
    h("p", { class: "big-state" }, t(message)),
    h("button", { type: "button", class: "btn btn-secondary", onclick: () => navigate(backPath) }, t(back)),
  );
}

/** The server says this record is not there for this user (it answers 404 for another region's too). */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 404 || problemSlug(err) === "not-found");
}
