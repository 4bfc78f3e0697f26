// 本队装备: /equipment, the team's items with their condition in words and 逾期 marks, and
// /equipment/<id>, one item with 领用 (out to one of the team's open orders) and 归还 (with its
// condition and a damage note) for the captain. Both steps go through the outbox, so they work
// at a scene with no signal; the last list the server sent is kept on this phone and shown, with
// its time, when it cannot be reached.
import "./equipment.css";
import { append, h } from "../../shared/dom";
import { screenHead, stateBadge } from "../../shared/ui";
import { refusalView } from "../../shared/refusal";
import { confirmStep } from "../../shared/confirm";
import { once } from "../../shared/guard";
import { navigate } from "../../shared/router";
import { showToast } from "../../shared/toast";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { dayWords } from "../teams/readiness-model";
import { problemSentence } from "../../i18n/problem";
import { api, ApiError, type User } from "../../api";
import { getMeta, setMeta, uuid, type OutboxOp } from "../../data/db";
import { enqueue, listOps, requeue } from "../../data/outbox";
import { onDataChanged } from "../../data/events";
import { requestFlush } from "../../data/flush";
import {
  CHECKOUT_OP,
  RETURN_CONDITIONS,
  RETURN_OP,
  checkoutBlocked,
  checkoutData,
  chinaToday,
  conditionKey,
  conditionTone,
  daysOverdue,
  effective,
  noteRequired,
  pendingOp,
  readItem,
  readItems,
  readOrders,
  returnBlocked,
  returnData,
  sortItems,
  whereIs,
  type Condition,
  type Item,
  type Order,
} from "./model";

export const EQUIPMENT_ROLES = new Set(["captain", "member"]);
const LIST_KEY = "equipment_list";
const ORDERS_KEY = "equipment_orders";

interface Kept {
  user_id: string;
  saved_at: number;
  body: unknown;
}

const teamOf = (u: User): string | null => (u as { team_id?: string | null }).team_id ?? null;

async function kept(key: string, user: User): Promise<Kept | undefined> {
  const k = await getMeta<Kept>(key).catch(() => undefined);
  return k && k.user_id === user.id ? k : undefined;
}

async function fetchKept(key: string, user: User, path: string): Promise<{ body: unknown; savedAt: number; fresh: boolean; error?: ApiError }> {
  try {
    const body = await api.get<unknown>(path);
    void setMeta(key, { user_id: user.id, saved_at: Date.now(), body } satisfies Kept).catch(() => undefined);
    return { body, savedAt: Date.now(), fresh: true };
  } catch (err) {
    const k = await kept(key, user);
    return { body: k?.body ?? null, savedAt: k?.saved_at ?? 0, fresh: false, error: err instanceof ApiError ? err : undefined };
  }
}

function conditionBadge(c: Condition): HTMLElement {
  return h("span", { class: `tone tone-${conditionTone(c)} eq-badge`, "data-condition": c }, t(conditionKey(c)));
}

function marks(item: Item, ops: OutboxOp[], today: string, fetchedAt: string): HTMLElement[] {
  const out: HTMLElement[] = [conditionBadge(effective(item, ops, fetchedAt).condition)];
  const late = daysOverdue(item, today);
  if (late) out.push(h("span", { class: "tone tone-bad eq-badge", "data-overdue": String(late) }, t("eq.overdue", { n: late })));
  const where = whereIs(item, ops, fetchedAt);
  if (where.out) out.push(h("span", { class: "tone tone-warn eq-badge", "data-out": "true" }, t("eq.out")));
  if (where.pending) out.push(stateBadge(where.pending.state));
  return out;
}

function statusLine(el: HTMLElement, r: { fresh: boolean; savedAt: number; error?: ApiError }): void {
  if (r.fresh) {
    el.className = "hint";
    el.dataset.state = "fresh";
    el.textContent = t("eq.asOf", { time: formatDateTime(new Date(r.savedAt).toISOString()) });
  } else if (r.error) {
    el.className = "notice notice-error";
    el.dataset.state = "refused";
    el.textContent = problemSentence(r.error.problem);
  } else {
    el.className = "notice";
    el.dataset.state = "kept";
    el.textContent = r.savedAt ? t("eq.kept", { time: formatDateTime(new Date(r.savedAt).toISOString()) }) : t("eq.nothingKept");
  }
}

export function renderEquipment(user: User): HTMLElement {
  const team = teamOf(user);
  const list = h("ul", { class: "cards eq-list", id: "eq-list" });
  const status = h("p", { class: "hint", id: "eq-status", "aria-live": "polite" }, t("desk.loading"));
  const root = h("div", { class: "screen-body eq" }, screenHead("eq-title", t("eq.title")), status, list);
  let items: Item[] = [];
  let fetchedAt = "";

  async function paint(): Promise<void> {
    const ops = await listOps().catch(() => [] as OutboxOp[]);
    const today = chinaToday();
    if (!items.length) {
      list.replaceChildren(h("li", { class: "hint" }, t("eq.empty")));
      return;
    }
    list.replaceChildren(
      ...sortItems(items, today, ops).map((item) =>
        h(
          "li",
          {},
          h(
            "a",
            { class: "card eq-card", href: `/equipment/${item.id}`, "data-item": item.id, onclick: (e: Event) => (e.preventDefault(), navigate(`/equipment/${item.id}`)) },
            h("span", { class: "eq-name" }, item.name, item.quantity > 1 ? ` ×${item.quantity}` : ""),
            h("span", { class: "eq-sub" }, [item.categoryLabel, item.standard].filter(Boolean).join(" · ")),
            h("span", { class: "eq-marks" }, ...marks(item, ops, today, fetchedAt)),
          ),
        ),
      ),
    );
  }

  if (!team) {
    status.className = "notice";
    status.textContent = t("eq.noTeam");
    return root;
  }
  void fetchKept(LIST_KEY, user, `/api/v1/teams/${team}/equipment?limit=200`).then((r) => {
    items = readItems(r.body);
    fetchedAt = new Date(r.savedAt).toISOString();
    statusLine(status, r);
    void paint();
  });
  const stop = onDataChanged(() => root.isConnected ? void paint() : stop());
  return root;
}

function chipGroup(name: string, legend: string, options: { value: string; label: string }[], checked?: string): { el: HTMLElement; value: () => string | null } {
  const inputs = options.map((o) => h("input", { type: "radio", name, value: o.value, class: "visually-hidden", checked: o.value === checked }) as HTMLInputElement);
  const el = h(
    "fieldset",
    { class: "chips" },
    h("legend", {}, legend),
    h("div", { class: "chip-row" }, ...options.map((o, i) => h("label", { class: "chip" }, inputs[i], h("span", { class: "chip-face" }, o.label)))),
  );
  return { el, value: () => inputs.find((i) => i.checked)?.value ?? null };
}

const BLOCKED: Record<string, MessageKey> = {
  out: "eq.blocked.out",
  in: "eq.blocked.in",
  unfit: "eq.blocked.unfit",
  pending: "eq.blocked.pending",
  "no-orders": "eq.blocked.noOrders",
};

export function renderItem(user: User, itemId: string): HTMLElement {
  const team = teamOf(user);
  const manages = user.role === "captain";
  const body = h("div", { class: "eq-item" }, h("p", { class: "hint" }, t("desk.loading")));
  const root = h("div", { class: "screen-body eq" }, screenHead("eq-item-title", t("eq.itemTitle")), body);
  let item: Item | null = null;
  let orders: Order[] = [];
  let log: unknown[] = [];
  let fetchedAt = "";
  let watching: string | null = null;
  const head = h("div", {});
  const step = h("div", {});
  const tail = h("div", {});
  let stepMode: string | null = null;

  async function queue(type: string, data: Record<string, unknown>, ops: OutboxOp[]): Promise<void> {
    const last = pendingOp(itemId, ops);
    if (!(last && last.state === "refused" && (await requeue(last.op_id, data)))) await enqueue({ type, data, entity_id: itemId });
    showToast(t("eq.saved"));
    void requestFlush();
  }

  function checkoutSection(ops: OutboxOp[]): HTMLElement {
    const blocked = item ? checkoutBlocked(item, ops, orders, fetchedAt) : "pending";
    const pick = chipGroup("eq-order", t("eq.order"), orders.map((o) => ({ value: o.id, label: o.title })), orders.length === 1 ? orders[0].id : undefined);
    const error = h("p", { class: "field-error", role: "alert" });
    const go = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "eq-checkout" }, t("eq.checkout"));
    go.addEventListener("click", () =>
      void once([go], async () => {
        const order = pick.value();
        if (!item) return;
        if (!order) {
          error.textContent = t("eq.pickOrder");
          return;
        }
        await queue(CHECKOUT_OP, checkoutData(item, order, uuid()), await listOps());
      }),
    );
    // Blocked: the reason in words, and no button that looks tappable and is not.
    if (blocked) return h("section", { class: "eq-step" }, h("p", { class: "notice eq-why", "data-blocked": blocked }, t(BLOCKED[blocked])));
    return h("section", { class: "eq-step" }, pick.el, error, go);
  }

  function returnSection(ops: OutboxOp[]): HTMLElement {
    const blocked = item ? returnBlocked(item, ops, fetchedAt) : "pending";
    const cond = chipGroup("eq-cond", t("eq.returnCondition"), RETURN_CONDITIONS.map((c) => ({ value: c, label: t(conditionKey(c)) })), "good");
    const note = h("textarea", { id: "eq-note", class: "input", rows: 3, maxlength: 500 }) as HTMLTextAreaElement;
    const error = h("p", { class: "field-error", role: "alert" });
    const back = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "eq-return" }, t("eq.return"));
    back.addEventListener("click", () =>
      void once([back], async () => {
        const c = (cond.value() ?? "good") as Condition;
        if (!item) return;
        if (noteRequired(c) && !note.value.trim()) {
          error.textContent = t("eq.noteNeeded");
          note.focus();
          return;
        }
        // Damage and loss go on the item's record for good: asked first.
        if (noteRequired(c) && !(await confirmStep({ title: t("eq.confirmTitle", { cond: t(conditionKey(c)) }), body: note.value.trim(), confirm: t("eq.return"), danger: true }))) return;
        await queue(RETURN_OP, returnData(item, c, note.value, uuid()), await listOps());
      }),
    );
    if (blocked) return h("section", { class: "eq-step" }, h("p", { class: "notice eq-why", "data-blocked": blocked }, t(BLOCKED[blocked])));
    return h("section", { class: "eq-step" }, cond.el, h("label", { class: "field-label", for: "eq-note" }, t("eq.note")), note, error, back);
  }

  async function paint(): Promise<void> {
    if (!item) return;
    const ops = await listOps().catch(() => [] as OutboxOp[]);
    const today = chinaToday();
    const where = whereIs(item, ops, fetchedAt);
    const pending = pendingOp(item.id, ops);
    // A step of ours just reached the server: its word on the item (and the log) comes next.
    const open = pending && pending.state !== "sent" ? pending.op_id : null;
    if (watching && !open) void fetchDetail().then((ok) => ok && void paint());
    watching = open;
    const order = orders.find((o) => o.id === where.dispatchId);
    const facts: [MessageKey, string][] = [
      ["eq.f.category", item.categoryLabel],
      ["eq.f.standard", item.standard ?? t("eq.none")],
      ["eq.f.serial", item.serial ?? t("eq.none")],
      ["eq.f.quantity", String(item.quantity)],
      ["eq.f.lastMaintained", item.lastMaintainedOn ? dayWords(item.lastMaintainedOn) : t("eq.none")],
      ["eq.f.nextDue", item.nextDueOn ? dayWords(item.nextDueOn) : t("eq.noInterval")],
      ["eq.f.where", where.out ? t("eq.outOn", { order: order?.title ?? t("eq.anOrder") }) : t("eq.in")],
    ];
    if (!body.contains(head)) body.replaceChildren(head, step, tail);
    head.replaceChildren();
    append(head, [
      h("h2", { class: "eq-name" }, item.name),
      h("p", { class: "eq-marks" }, ...marks(item, ops, today, fetchedAt)),
      pending?.state === "refused" ? refusalView(pending.error) : null,
      h("dl", { class: "eq-facts" }, ...facts.flatMap(([k, v]) => [h("dt", {}, t(k)), h("dd", {}, v)])),
    ]);
    // The step under the captain's thumb is rebuilt only when what it offers changes: a repaint
    // (a sync, the detail arriving) must not drop the condition they just tapped, the note they
    // are typing, or the keyboard with it.
    const mode = !manages
      ? ""
      : where.out
        ? `return:${returnBlocked(item, ops, fetchedAt) ?? ""}`
        : `checkout:${checkoutBlocked(item, ops, orders, fetchedAt) ?? ""}:${orders.map((o) => o.id).join(",")}`;
    if (mode !== stepMode) {
      stepMode = mode;
      step.replaceChildren(...(mode ? [where.out ? returnSection(ops) : checkoutSection(ops)] : []));
    }
    tail.replaceChildren();
    append(tail, [log.length ? h("h3", {}, t("eq.log")) : null, log.length ? h("ul", { class: "eq-log" }, ...log.map(logLine)) : null]);
  }

  async function fetchDetail(): Promise<boolean> {
    try {
      const fresh = await api.get<{ events?: unknown[] }>(`/api/v1/equipment/${encodeURIComponent(itemId)}`);
      item = readItem(fresh) ?? item;
      log = Array.isArray(fresh.events) ? fresh.events : [];
      fetchedAt = new Date().toISOString();
      return true;
    } catch {
      return false; // offline: the kept list's copy, and no log
    }
  }

  void (async () => {
    const list = await kept(LIST_KEY, user);
    item = readItems(list?.body).find((i) => i.id === itemId) ?? null;
    fetchedAt = list ? new Date(list.saved_at).toISOString() : "";
    if (manages && team) orders = readOrders((await fetchKept(ORDERS_KEY, user, `/api/v1/teams/${team}/equipment/orders`)).body);
    await fetchDetail();
    if (!item) body.replaceChildren(h("p", { class: "notice" }, t("eq.notKept")));
    else void paint();
  })();
  const stop = onDataChanged(() => (root.isConnected ? void paint() : stop()));
  return root;
}

function logLine(raw: unknown): HTMLElement {
  const e = (raw ?? {}) as Record<string, unknown>;
  const kind = typeof e.kind === "string" ? e.kind : "condition";
  const parts = [formatDateTime(String(e.at ?? "")), t(`eq.kind.${kind}` as MessageKey)];
  if (typeof e.dispatch_title === "string") parts.push(e.dispatch_title);
  if (typeof e.condition_after === "string" && kind !== "checkout") parts.push(t(conditionKey(e.condition_after as Condition)));
  if (typeof e.note === "string" && e.note) parts.push(e.note);
  if (typeof e.by_name === "string") parts.push(e.by_name);
  return h("li", {}, parts.join(" · "));
}
