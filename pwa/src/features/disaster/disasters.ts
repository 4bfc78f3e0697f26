// 灾情报告: the open disaster events of one's area. An information officer taps one to file the
// village's figures; the desk taps one to see its villages and sums.
import "./disaster.css";
import { h } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import type { User } from "../../api";
import { loadClosedEvents, loadEvents, type DisasterEvent } from "./data";

export const DISASTER_ROLES = new Set(["info_officer", "duty_officer", "admin"]);
export const DISASTER_DESK = new Set(["duty_officer", "admin"]);

export function kindLabel(kind: string): string {
  return t(`dz.kind.${kind}` as MessageKey);
}

function card(ev: DisasterEvent): HTMLElement {
  const overdue = Date.now() >= new Date(ev.initial_due_at).getTime();
  if (ev.status === "closed")
    return h(
      "li",
      {},
      h(
        "button",
        { type: "button", class: "card card-btn dz-closed-card", onclick: () => navigate(`/disasters/${encodeURIComponent(ev.id)}`) },
        h("strong", { class: "card-title" }, `${kindLabel(ev.kind)} · ${ev.name}`),
        h("span", { class: "card-meta" }, t("dz.openedAt", { time: formatDateTime(ev.opened_at) })),
        h("span", { class: "card-meta" }, t("dzl.closedAt", { time: formatDateTime(ev.closed_at ?? "") })),
      ),
    );
  return h(
    "li",
    {},
    h(
      "button",
      { type: "button", class: "card card-btn", onclick: () => navigate(`/disasters/${encodeURIComponent(ev.id)}`) },
      h("strong", { class: "card-title" }, `${kindLabel(ev.kind)} · ${ev.name}`),
      h("span", { class: "card-meta" }, t("dz.openedAt", { time: formatDateTime(ev.opened_at) })),
      h("span", { class: "card-meta" }, t(overdue ? "dz.dueWas" : "dz.dueBy", { time: formatDateTime(ev.initial_due_at) })),
    ),
  );
}

export function renderDisasters(user: User): HTMLElement {
  const list = h("ul", { class: "cards", "aria-labelledby": "dz-title" });
  const status = h("p", { class: "notice", role: "status", hidden: true });
  const desk = DISASTER_DESK.has(user.role);
  const openBtn = desk ? h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "dz-open", onclick: () => navigate("/disasters/new") }, t("dzo.title")) : null;
  const closedHead = h("h2", { id: "dz-closed-title", hidden: true }, t("dzl.closed"));
  const closedList = h("ul", { class: "cards", id: "dz-closed", "aria-labelledby": "dz-closed-title" });
  const section = h(
    "section",
    { class: "screen", "aria-labelledby": "dz-title" },
    h("div", { class: "screen-body" }, screenHead("dz-title", t("dz.title")), h("p", { class: "hint" }, t(desk ? "dz.deskHint" : "dz.officerHint")), openBtn, desk ? h("h2", {}, t("dzl.open")) : null, status, list, closedHead, closedList),
  );
  if (desk)
    void loadClosedEvents()
      .then((got) => {
        const items = got.value?.items ?? [];
        closedList.replaceChildren(...items.map(card));
        closedHead.hidden = !items.length;
      })
      .catch(() => undefined); // the open ones are what matters; the closed wait for a signal
  void (async () => {
    try {
      const got = await loadEvents();
      const items = got.value?.items ?? [];
      list.replaceChildren(...items.map(card));
      if (got.cachedAt) {
        status.textContent = t("dz.cached", { time: formatDateTime(got.cachedAt) });
        status.hidden = false;
      } else if (got.offline) {
        status.textContent = t("dz.offlineNoCopy");
        status.hidden = false;
      } else if (!items.length) {
        status.textContent = t("dz.none");
        status.hidden = false;
      }
    } catch {
      status.textContent = t("dz.loadFailed");
      status.hidden = false;
    }
  })();
  return section;
}
