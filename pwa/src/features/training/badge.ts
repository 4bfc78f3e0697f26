// /badge: the member's own badge (队员证), the QR the captain scans at a training's roll. Drawn by
// the server once and kept on this phone, so it shows in a field with no signal.
import "./training.css";
import { h } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { formatDateTime, t } from "../../i18n";
import type { User } from "../../api";
import { problemSentence } from "../../i18n/problem";
import { loadBadge } from "./store";

export const BADGE_ROLES = new Set(["captain", "member"]);

export function renderBadge(user: User): HTMLElement {
  const status = h("p", { class: "hint", id: "badge-status", "aria-live": "polite" }, t("desk.loading"));
  const card = h("div", { class: "tr-badge", id: "badge-card" });
  void (async () => {
    const got = await loadBadge(user.id);
    if (got.source === "none") {
      status.className = got.error ? "notice notice-error" : "notice notice-warn";
      status.textContent = got.error ? problemSentence(got.error.problem) : t("training.offlineNone");
      return;
    }
    const b = got.body;
    // The data URI is the server's drawing of the code (an <img>, never markup put into the page).
    card.replaceChildren(
      h("p", { class: "tr-badge-name" }, b.display_name),
      h("img", { class: "tr-badge-qr", id: "badge-qr", src: b.qr, alt: t("training.badge.alt", { name: b.display_name }), width: 260, height: 260 }),
      h("p", { class: "hint" }, t("training.badge.hint")),
    );
    card.dataset.code = b.code;
    status.className = got.source === "kept" ? "notice notice-warn" : "hint";
    status.dataset.state = got.source;
    status.textContent = got.source === "kept" ? t("training.badge.kept", { time: formatDateTime(new Date(got.savedAt).toISOString()) }) : "";
  })();
  return h(
    "section",
    { class: "screen", "aria-labelledby": "badge-title" },
    h("div", { class: "screen-body" }, screenHead("badge-title", t("training.badge.title")), status, card),
  );
}
