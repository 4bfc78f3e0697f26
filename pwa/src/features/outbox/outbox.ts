// The outbox screen: every action waiting on this phone or refused by the server, in the order it
// will be sent, each with its state and reason, and the user's ways out: fix, send again, discard.
import { refusalView } from "../../shared/refusal";
import { h, whileAttached } from "../../shared/dom";
import { showToast } from "../../shared/toast";
import { navigate } from "../../shared/router";
import { isOnline, onNetworkChange } from "../../shared/network";
import { opLabel, screenHead, stateBadge } from "../../shared/ui";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { getMeta, type OutboxOp } from "../../data/db";
import { discard, listOps, requeue } from "../../data/outbox";
import { OP_STORE } from "../../data/stores";
import { onDataChanged } from "../../data/events";
import { authLost } from "../../data/sync";
import { requestFlush } from "../../data/flush";

export interface OutboxOptions {
  onRelogin: () => void;
}

function summary(op: OutboxOp): string {
  const d = op.data;
  if (op.type === "report.create") {
    const cat = typeof d.category === "string" ? t(`cat.${d.category}` as MessageKey) : "";
    return [cat, String(d.description ?? "")].filter(Boolean).join("：");
  }
  if (op.type === "disaster.report") return `${t(`dz.rk.${String(d.kind)}` as MessageKey)} · ${t("dz.affectedN", { n: String(d.affected ?? 0) })} · ${formatDateTime(op.at)}`;
  if (op.type.startsWith("shelter.") && typeof op.kept?.name === "string") return `${op.kept.name} · ${formatDateTime(op.at)}`;
  return formatDateTime(op.at);
}

export function renderOutbox({ onRelogin }: OutboxOptions): HTMLElement {
  const pendingList = h("ul", { class: "cards" });
  const sentList = h("ul", { class: "cards" });
  const sentHead = h("h2", { hidden: true }, t("outbox.recent"));
  const empty = h("p", { class: "notice", hidden: true }, t("outbox.empty"));
  const offline = h("p", { class: "notice notice-warn", hidden: isOnline() }, t("outbox.offline"));
  const authBox = h("div", { class: "notice notice-warn relogin", hidden: true });
  const sendNow = h("button", { type: "button", class: "btn btn-primary btn-block" }, t("outbox.sendNow"));

  function item(op: OutboxOp, me: string | undefined): HTMLElement {
    const actions: HTMLElement[] = [];
    // A refused shelter check-in no longer holds the name it carried: it can only be discarded.
    if (op.state === "refused" && !op.scrubbed) {
      const fix = () => {
        if (op.type === "report.create") return navigate(`/report?fix=${encodeURIComponent(op.op_id)}`);
        // A refused situation report is fixed on its form (a reason to add, figures to check).
        if (op.type === "disaster.report") return navigate(`/disasters/${encodeURIComponent(String(op.data.event_id))}`);
        void requeue(op.op_id).then(() => {
          showToast(t("outbox.requeued"));
          void requestFlush();
        });
      };
      actions.push(h("button", { type: "button", class: "btn btn-secondary", onclick: fix }, op.type === "report.create" || op.type === "disaster.report" ? t("outbox.fix") : t("outbox.retry")));
    }
    if (op.state === "refused" || op.state === "waiting") {
      actions.push(
        h("button", {
          type: "button",
          class: "btn btn-secondary btn-danger",
          onclick: async () => {
            if (!confirm(t("outbox.confirmDiscard", { what: opLabel(op.type) }))) return;
            await discard(op.op_id, OP_STORE[op.type]);
            showToast(t("outbox.discarded"));
          },
        }, t("outbox.discard")),
      );
    }
    return h(
      "li",
      { class: `card card-${op.state}`, "data-op": op.op_id },
      h("div", { class: "card-top" }, h("strong", { class: "card-title" }, opLabel(op.type)), stateBadge(op.state)),
      h("p", { class: "card-text" }, summary(op)),
      h("p", { class: "card-meta" }, t("outbox.savedAt", { time: formatDateTime(op.at) })),
      op.state === "refused" ? refusalView(op.error) : null,
      op.user_id && me && op.user_id !== me ? h("p", { class: "hint" }, t("outbox.otherUser")) : null,
      actions.length ? h("div", { class: "card-actions" }, ...actions) : null,
    );
  }

  async function refresh(): Promise<void> {
    try {
      const [ops, me, lost] = await Promise.all([listOps(), getMeta<string>("user_id"), authLost()]);
      const open = ops.filter((op) => op.state !== "sent");
      const sent = ops.filter((op) => op.state === "sent").slice(-5).reverse();
      pendingList.replaceChildren(...open.map((op) => item(op, me)));
      sentList.replaceChildren(...sent.map((op) => item(op, me)));
      sentHead.hidden = sent.length === 0;
      empty.hidden = open.length > 0;
      const waiting = open.filter((op) => op.state !== "refused").length;
      authBox.hidden = !(lost && waiting > 0);
      authBox.replaceChildren(
        h("p", {}, t("login.reloginToSend", { n: waiting })),
        h("button", { type: "button", class: "btn btn-primary btn-block", onclick: onRelogin }, t("outbox.relogin")),
      );
      actions.hidden = waiting === 0;
    } catch {
      empty.hidden = false;
    }
  }

  sendNow.addEventListener("click", async () => {
    sendNow.disabled = true;
    sendNow.textContent = t("outbox.sendingNow");
    const r = await requestFlush();
    sendNow.disabled = false;
    sendNow.textContent = t("outbox.sendNow");
    if (!r) return;
    if (r.stopped === "offline" || r.stopped === "server") showToast(t("outbox.failed"));
    else if (r.stopped === null) showToast(t("outbox.result", { sent: r.sent + r.duplicate, refused: r.refused }));
  });

  const actions = h("div", { class: "screen-actions", hidden: true }, sendNow);
  const section = h(
    "section",
    { class: "screen", "aria-labelledby": "outbox-title" },
    h("div", { class: "screen-body" }, screenHead("outbox-title", t("outbox.title")), authBox, offline, empty, pendingList, sentHead, sentList),
    actions,
  );
  void refresh();
  whileAttached<void>(section, onDataChanged, () => void refresh());
  whileAttached(section, onNetworkChange, (online: boolean) => (offline.hidden = online));
  return section;
}
