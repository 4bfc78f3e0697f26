// 我的任务: the member's dispatch orders, read from the phone's copy (works offline), and one order
// with big one-tap answers at the bottom. Every answer is an outbox op shown at once (optimistic)
// until the server's answer replaces it.
import { refusalOf, refusalView } from "../../shared/refusal";
import { h, whileAttached } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { showToast } from "../../shared/toast";
import { armLater, once } from "../../shared/guard";
import { confirmStep } from "../../shared/confirm";
import { startOrderBadge } from "../../shared/order-badge";
import { screenHead, stateBadge } from "../../shared/ui";
import { isOnline } from "../../shared/network";
import { lastFix } from "../../shared/geo";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { api } from "../../api";
import { lookUpOrder } from "./order-lookup";
import type { LocalRecord, OpState } from "../../data/db";
import { listOps } from "../../data/outbox";
import { onDataChanged } from "../../data/events";
import { requestFlush } from "../../data/flush";
import { act, checkinDue, getOrder, listOrders, myLine, nextStep, storeFetched, type Action, type TargetLine } from "../../data/dispatch";
import { pushPanel } from "./push";

const DISPATCH_OPS = new Set(["dispatch.respond", "dispatch.status", "dispatch.ping"]);

/** Where the member's last action on this order stands (saved here, sending, sent, refused). */
async function opStates(): Promise<Map<string, OpState>> {
  const map = new Map<string, OpState>();
  for (const op of await listOps()) if (DISPATCH_OPS.has(op.type) && op.entity_id) map.set(op.entity_id, op.state);
  return map;
}

function stateOf(order: LocalRecord, ops: Map<string, OpState>): OpState | null {
  if (order._status !== "synced") return ops.get(order.id) ?? "waiting";
  const s = ops.get(order.id);
  return s === "refused" ? "refused" : s === "sent" ? "sent" : null;
}

export function lineText(line: TargetLine): string {
  if (line.response === "declined") return t("order.line.declined");
  if (line.response === "pending") return t("order.line.pending");
  const base = t(`order.status.${line.status}` as MessageKey);
  return line.eta_minutes != null && (line.status === "accepted" || line.status === "en_route") ? `${base} · ${t("order.eta", { n: line.eta_minutes })}` : base;
}

/** Fetch the member's orders when online (the pull feed also brings them). */
async function fetchOrders(): Promise<void> {
  if (!isOnline()) return;
  try {
    const page = await api.get<{ items?: Record<string, unknown>[] }>("/api/v1/dispatches?limit=50");
    await storeFetched(page.items ?? []);
  } catch {
    // Offline or refused: the phone's copy stands.
  }
}

export function renderOrders(): HTMLElement {
  const list = h("ul", { class: "cards", id: "orders-list" });
  const empty = h("p", { class: "hint", hidden: true }, t("orders.empty"));

  async function refresh(): Promise<void> {
    const [orders, ops] = await Promise.all([listOrders(), opStates()]);
    list.replaceChildren(
      ...orders.map((o) => {
        const line = myLine(o);
        const s = stateOf(o, ops);
        return h(
          "li",
          {},
          h(
            "button",
            { type: "button", class: "card card-btn", "data-order": o.id, onclick: () => navigate(`/orders/${o.id}`) },
            h("span", { class: "card-top" }, h("span", { class: "card-title" }, String(o.title ?? "")), s ? stateBadge(s) : null),
            h("span", { class: `line-state line-${line.response === "declined" ? "declined" : line.status}` }, lineText(line)),
            o.muster_point ? h("span", { class: "card-meta" }, t("order.muster") + "：" + String(o.muster_point)) : null,
            o.created_at ? h("span", { class: "card-meta" }, formatDateTime(String(o.created_at))) : null,
          ),
        );
      }),
    );
    empty.hidden = orders.length > 0;
  }

  const section = h(
    "section",
    { class: "screen", "aria-labelledby": "orders-title" },
    h("div", { class: "screen-body" }, screenHead("orders-title", t("orders.title")), pushPanel(), empty, list, h("p", { class: "hint" }, t("orders.smsFallback"))),
  );
  void refresh();
  startOrderBadge(); // fetched orders change the count on the icon too
  void fetchOrders().then(() => requestFlush());
  whileAttached<void>(section, onDataChanged, () => void refresh());
  return section;
}

const ETAS = [10, 20, 30, 60];

async function here(): Promise<{ lat: number; lon: number; accuracy?: number } | null> {
  const fix = await Promise.race([lastFix(), new Promise<undefined>((r) => setTimeout(() => r(undefined), 500))]);
  if (!fix) return null;
  return fix.accuracy !== undefined ? { lat: fix.lat, lon: fix.lon, accuracy: fix.accuracy } : { lat: fix.lat, lon: fix.lon };
}

export function renderOrder(id: string): HTMLElement {
  let order: LocalRecord | undefined;
  let eta: number | undefined;
  let busy = false;
  let lastStep = "";

  const title = h("h2", { class: "order-title" });
  const stateText = h("p", { class: "big-state", id: "order-state", "aria-live": "polite" });
  const badgeSlot = h("span", { id: "order-op-state" });
  const details = h("dl", { class: "order-details" });
  const checkinBox = h("div", { class: "notice notice-warn", hidden: true, id: "order-checkin" });
  const actions = h("div", { class: "screen-actions order-actions" });
  const missing = h("p", { class: "notice", hidden: true }, t("order.missing"));

  /** The step buttons now on screen: all of them go inert while one step is on its way. */
  const stepButtons = () => [...actions.querySelectorAll<HTMLButtonElement>("button.order-step")];

  async function doAction(action: Action, done: MessageKey): Promise<void> {
    if (!order || busy) return;
    await once(stepButtons(), async () => {
      // Completing takes the member off the desk's accountability list: it asks first.
      if (action.kind === "status" && action.status === "completed") {
        const yes = await confirmStep({ title: t("order.confirmComplete.title"), body: t("order.confirmComplete.body"), confirm: t("order.confirmComplete.yes"), cancel: t("order.confirmComplete.no") });
        if (!yes) return;
      }
      const current = order;
      if (!current) return;
      busy = true;
      try {
        const loc = action.kind === "status" || action.kind === "ping" ? await here() : null;
        await act(current, action, loc);
        showToast(t(done));
      } catch {
        showToast(t("report.error.storage"));
      }
      busy = false;
      await refresh();
    });
    void requestFlush();
  }

  function row(label: MessageKey, value: unknown): Node[] {
    if (value === null || value === undefined || value === "") return [];
    return [h("dt", {}, t(label)), h("dd", {}, String(value))];
  }

  function answerButtons(): HTMLElement[] {
    const chips = ETAS.map((n) => {
      const input = h("input", { type: "radio", name: "eta", value: String(n), class: "visually-hidden", checked: eta === n });
      input.addEventListener("change", () => (eta = n));
      return h("label", { class: "chip" }, input, h("span", { class: "chip-face" }, t("order.etaChip", { n })));
    });
    const reason = h("input", { type: "text", id: "decline-reason", maxlength: "200", placeholder: t("order.declineReasonHint") });
    const declineBox = h(
      "div",
      { class: "field decline-box", hidden: true },
      h("label", { for: "decline-reason", class: "field-label" }, t("order.declineReason")),
      reason,
      h("button", { type: "button", class: "btn btn-secondary btn-danger btn-block order-step", id: "decline-confirm", onclick: () => void doAction({ kind: "decline", reason: reason.value.trim() || undefined }, "order.done.declined") }, t("order.declineConfirm")),
    );
    return [
      h("fieldset", { class: "chips" }, h("legend", {}, t("order.etaLegend")), h("div", { class: "chip-row" }, ...chips)),
      h("div", { class: "action-row" },
        h("button", { type: "button", class: "btn btn-primary btn-huge order-step", id: "order-accept", onclick: () => void doAction({ kind: "accept", eta_minutes: eta }, "order.done.accepted") }, t("order.accept")),
        h("button", { type: "button", class: "btn btn-secondary btn-huge btn-danger", id: "order-decline", onclick: () => { declineBox.hidden = !declineBox.hidden; if (!declineBox.hidden) reason.focus(); } }, t("order.decline")),
      ),
      declineBox,
    ];
  }

  async function refresh(): Promise<void> {
    order = await getOrder(id);
    if (!order) {
      missing.hidden = false;
      actions.replaceChildren();
      return;
    }
    missing.hidden = true;
    const line = myLine(order);
    const ops = await opStates();
    const s = stateOf(order, ops);
    title.textContent = String(order.title ?? "");
    stateText.textContent = lineText(line);
    badgeSlot.replaceChildren(s ? stateBadge(s) : "", s === "refused" ? refusalView(await refusalOf(order.id)) : "");
    const loc = order.location as { lat: number; lon: number } | null;
    details.replaceChildren(
      ...row("order.what", order.description),
      ...(loc ? row("order.where", `${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)}`) : []),
      ...row("order.muster", order.muster_point),
      ...row("order.bring", order.bring),
      ...row("order.notes", order.notes),
      ...row("order.headcount", order.headcount),
      ...row("order.sentAt", order.created_at ? formatDateTime(String(order.created_at)) : null),
    );
    const step = nextStep(line);
    checkinBox.hidden = step !== "ping";
    if (step === "ping") {
      const when = checkinDue(order, line);
      const due = when ? formatDateTime(when.toISOString()) : "—";
      checkinBox.textContent = line.checkin_overdue ? t("order.checkinOverdue", { time: due }) : t("order.checkinDue", { time: due });
    }
    const big = (bid: string, label: MessageKey, action: Action, done: MessageKey, cls = "btn-primary") =>
      h("button", { type: "button", class: `btn ${cls} btn-block btn-huge order-step`, id: bid, onclick: () => void doAction(action, done) }, t(label));
    // Rebuild the buttons only when the step changes (keeps an open decline box and the ETA chip).
    if (step === lastStep) return;
    lastStep = step;
    switch (step) {
      case "answer":
        actions.replaceChildren(...answerButtons());
        break;
      case "en_route":
        actions.replaceChildren(big("order-en-route", "order.enRoute", { kind: "status", status: "en_route" }, "order.done.enRoute"));
        break;
      case "on_scene":
        actions.replaceChildren(big("order-on-scene", "order.onScene", { kind: "status", status: "on_scene" }, "order.done.onScene"));
        break;
      case "ping":
        // 报平安 takes the place of 到达 under the thumb; 完成任务 sits above it and asks first.
        actions.replaceChildren(
          big("order-complete", "order.complete", { kind: "status", status: "completed" }, "order.done.completed", "btn-secondary"),
          big("order-ping", "order.ping", { kind: "ping" }, "order.done.ping"),
        );
        break;
      default:
        actions.replaceChildren(h("p", { class: "big-state" }, step === "declined" ? t("order.line.declined") : t("order.status.completed")));
    }
    // A new step's buttons are not live under the thumb that tapped the last one, nor, on a
    // screen just opened, under the thumb that opened it (a double tap on the order's card).
    for (const b of stepButtons()) armLater(b);
  }

  const section = h(
    "section",
    { class: "screen", "aria-labelledby": "order-head" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("order-head", t("order.head")),
      missing,
      title,
      h("div", { class: "state-box" }, stateText, badgeSlot),
      checkinBox,
      details,
    ),
    actions,
  );
  void refresh().then(() => (order ? undefined : lookUpOrder(id, missing, fetchOrders)));
  whileAttached<void>(section, onDataChanged, () => {
    if (!busy) void refresh();
  });
  return section;
}
