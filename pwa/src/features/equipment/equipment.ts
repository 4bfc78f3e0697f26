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
import { formatDateTime, hasKey, t, type MessageKey } from "../../i18n";
import { dayWords } from "../teams/readiness-model";
import { problemSentence } from "../../i18n/problem";
import { api, ApiError, type User } from "../../api";
import { getMeta, setMeta, uuid, type OutboxOp } from "../../data/db";
import { deleteDraft, getDraft, saveDraft } from "../../data/stores";
import { errorSlot, markField } from "../../shared/form-errors";
import { whileAttached } from "../../shared/dom";
import { onNetworkChange } from "../../shared/network";
import { fetchKits, keptKits, offlineNow, refusalWords } from "./form";
import { enqueue, listOps, requeue } from "../../data/outbox";
import { onDataChanged } from "../../data/events";
import { requestFlush } from "../../data/flush";
import {
  CHECKOUT_OP,
  RETURN_CONDITIONS,
  RETURN_OP,
  checkMaintenance,
  checkoutBlocked,
  checkoutData,
  filterItems,
  groupByKit,
  maintenanceBlocked,
  maintenanceBody,
  readKits,
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
  type Kit,
  type ListFilter,
  type Order,
} from "./model";

export const EQUIPMENT_ROLES = new Set(["captain", "member"]);
const LIST_KEY = "equipment_list"; // the same key as form.ts's LIST_KEY
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

/** The category in the reader's language (the server's label is Chinese only). */
const categoryWords = (item: Item): string => (hasKey(`eq.cat.${item.category}`) ? t(`eq.cat.${item.category}` as MessageKey) : item.categoryLabel);

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
  const manages = user.role === "captain";
  const list = h("div", { class: "eq-list", id: "eq-list" });
  const status = h("p", { class: "hint", id: "eq-status", "aria-live": "polite" }, t("desk.loading"));
  const filters = h("div", { class: "eq-filters" });
  const tools = h("div", { class: "eq-tools" });
  const root = h("div", { class: "screen-body eq" }, screenHead("eq-title", t("eq.title")), status, tools, filters, list);
  let items: Item[] = [];
  let kits: Kit[] = [];
  let fetchedAt = "";
  let filter: ListFilter = "all";
  let filterKey: string | null = null;

  // The chips are rebuilt only when what they offer changes, so a repaint never drops a tap.
  function paintFilters(today: string): void {
    const late = items.filter((i) => daysOverdue(i, today) > 0).length;
    const loose = items.some((i) => !i.kitId || !kits.some((k) => k.id === i.kitId));
    const key = `${late}|${loose}|${kits.map((k) => k.id).join(",")}`;
    if (key === filterKey) return;
    filterKey = key;
    const options: { value: ListFilter; label: string }[] = [
      { value: "all", label: t("eq.filter.all") },
      { value: "overdue", label: t("eq.filter.overdue", { n: late }) },
      ...kits.map((k) => ({ value: `kit:${k.id}` as ListFilter, label: k.name })),
      ...(kits.length && loose ? [{ value: "kit:none" as ListFilter, label: t("eq.filter.noKit") }] : []),
    ];
    if (!options.some((o) => o.value === filter)) filter = "all";
    const group = chipGroup("eq-filter", t("eq.filter.legend"), options, filter);
    group.el.addEventListener("change", () => {
      filter = (group.value() as ListFilter | null) ?? "all";
      void paint();
    });
    group.el.id = "eq-filter";
    filters.replaceChildren(group.el);
  }

  function card(item: Item, ops: OutboxOp[], today: string): HTMLElement {
    return h(
      "li",
      {},
      h(
        "a",
        { class: "card eq-card", href: `/equipment/${item.id}`, "data-item": item.id, onclick: (e: Event) => (e.preventDefault(), navigate(`/equipment/${item.id}`)) },
        h("span", { class: "eq-name" }, item.name, item.quantity > 1 ? ` ×${item.quantity}` : ""),
        h("span", { class: "eq-sub" }, [categoryWords(item), item.standard].filter(Boolean).join(" · ")),
        h("span", { class: "eq-marks" }, ...marks(item, ops, today, fetchedAt)),
      ),
    );
  }

  async function paint(): Promise<void> {
    const ops = await listOps().catch(() => [] as OutboxOp[]);
    const today = chinaToday();
    paintFilters(today);
    if (!items.length) {
      list.replaceChildren(h("p", { class: "hint" }, t("eq.empty")));
      return;
    }
    const shown = filterItems(items, filter, today, kits);
    if (!shown.length) {
      list.replaceChildren(h("p", { class: "hint", id: "eq-none-shown" }, t(filter === "overdue" ? "eq.noneOverdue" : "eq.noneHere")));
      return;
    }
    // With kits, the items under their kit's name; without, one list.
    const groups = kits.length ? groupByKit(shown, kits) : [{ kit: null, items: shown }];
    list.replaceChildren(
      ...groups.map((g) =>
        h(
          "section",
          { class: "eq-group", "data-kit": g.kit?.id ?? "none" },
          kits.length ? h("h2", { class: "eq-group-name" }, g.kit ? g.kit.name : t("eq.filter.noKit"), ` (${g.items.length})`) : null,
          h("ul", { class: "cards" }, ...sortItems(g.items, today, ops).map((item) => card(item, ops, today))),
        ),
      ),
    );
  }

  if (!team) {
    status.className = "notice";
    status.textContent = t("eq.noTeam");
    return root;
  }
  if (manages) tools.replaceChildren(...captainTools(user, team, (kit) => {
    kits = [...kits.filter((k) => k.id !== kit.id), kit];
    void paint();
  }));
  void Promise.all([fetchKept(LIST_KEY, user, `/api/v1/teams/${team}/equipment?limit=200`), fetchKits(user, team)]).then(([r, k]) => {
    items = readItems(r.body);
    kits = k;
    fetchedAt = new Date(r.savedAt).toISOString();
    statusLine(status, r);
    void paint();
  });
  const stop = onDataChanged(() => root.isConnected ? void paint() : stop());
  return root;
}

/** 登记装备 and 新建装备组, for the captain. The kit's form is online only (no op type for it),
 * keeps what was typed as a draft, and goes once per tap. */
function captainTools(user: User, team: string, made: (kit: Kit) => void): HTMLElement[] {
  const register = h("a", { class: "btn btn-primary btn-block", id: "eq-register", href: "/equipment/new", onclick: (e: Event) => (e.preventDefault(), navigate("/equipment/new")) }, t("eq.register"));
  const open = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "eq-kit-open", "aria-expanded": "false", "aria-controls": "eq-kit-form" }, t("eq.kit.new"));
  const key = `equipment_kit:${user.id}`;
  const nameIn = h("input", { type: "text", id: "eq-kit-name", maxlength: "80", autocomplete: "off" }) as HTMLInputElement;
  const noteIn = h("textarea", { id: "eq-kit-note", rows: 2, maxlength: 500 }) as HTMLTextAreaElement;
  const nameErr = errorSlot("eq-kit-err-name");
  const errorBox = h("p", { class: "notice notice-error", id: "eq-kit-error", role: "alert", hidden: true });
  const netLine = h("p", { class: "notice notice-warn", id: "eq-kit-offline", hidden: true }, t("eq.kit.offline"));
  const save = h("button", { type: "submit", class: "btn btn-primary btn-block", id: "eq-kit-save" }, t("eq.kit.save")) as HTMLButtonElement;
  const form = h(
    "form",
    { class: "eq-form eq-kit-form", id: "eq-kit-form", novalidate: true, hidden: true },
    h("div", { class: "field" }, h("label", { for: "eq-kit-name" }, t("eq.kit.name")), h("p", { class: "hint" }, t("eq.kit.nameHint")), nameIn, nameErr),
    h("div", { class: "field" }, h("label", { for: "eq-kit-note" }, t("eq.kit.note")), noteIn),
    errorBox,
    netLine,
    save,
  );
  const net = () => {
    const off = offlineNow();
    netLine.hidden = !off;
    save.disabled = off || save.dataset.busy === "true";
  };
  let timer: ReturnType<typeof setTimeout> | null = null;
  // The kit's id, made on this phone at the first tap of 保存 and kept with the draft until the
  // server answers: a tap again after no answer (or after a reload) is the same kit, not a second.
  let kitId: string | null = null;
  const draftNow = () => ({ key, saved_at: "", name: nameIn.value, note: noteIn.value, kit_id: kitId ?? undefined });
  const keep = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const empty = !nameIn.value.trim() && !noteIn.value.trim() && !kitId;
      void (empty ? deleteDraft(key) : saveDraft(draftNow())).catch(() => undefined);
    }, 300);
  };
  nameIn.addEventListener("input", () => (markField(nameIn, nameErr, null), keep()));
  noteIn.addEventListener("input", keep);
  const show = (on: boolean) => {
    form.hidden = !on;
    open.setAttribute("aria-expanded", String(on));
    if (on) nameIn.focus();
  };
  open.addEventListener("click", () => show(form.hidden));
  void getDraft<{ key: string; saved_at: string; name?: string; note?: string; kit_id?: string }>(key)
    .then((d) => {
      if (!d) return;
      nameIn.value = d.name ?? "";
      noteIn.value = d.note ?? "";
      kitId = typeof d.kit_id === "string" ? d.kit_id : null;
      show(true);
    })
    .catch(() => undefined);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void once([save], async () => {
      errorBox.hidden = true;
      const name = nameIn.value.trim();
      if (!name) {
        markField(nameIn, nameErr, t("eq.kit.nameNeeded"));
        nameIn.focus();
        return;
      }
      if (offlineNow()) return;
      if (!kitId) {
        kitId = uuid();
        if (timer) clearTimeout(timer);
        await saveDraft(draftNow()).catch(() => undefined);
      }
      try {
        const kit = readKits({ items: [await api.post<unknown>(`/api/v1/teams/${team}/equipment-kits`, { id: kitId, name, note: noteIn.value.trim() })] })[0];
        if (timer) clearTimeout(timer);
        kitId = null;
        await deleteDraft(key).catch(() => undefined);
        nameIn.value = "";
        noteIn.value = "";
        show(false);
        showToast(t("eq.kit.made", { name }));
        if (kit) made(kit);
      } catch (err) {
        // A refusal of the form is final for this id (409: the id made a kit of another name, its
        // answer lost and the name changed since; 422: nothing made): the next tap is a new kit.
        // No answer, or a 5xx from a proxy (the kit may be made), keeps the id for the next tap.
        if (err instanceof ApiError && (err.status === 409 || err.status === 422)) {
          kitId = null;
          keep();
        }
        errorBox.textContent = err instanceof ApiError ? refusalWords(err) : t("eq.kit.noAnswer");
        errorBox.hidden = false;
      }
    }).then(net);
  });
  net();
  whileAttached<boolean>(form, onNetworkChange, net);
  return [h("div", { class: "eq-actions" }, register, open), form];
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
  let kits: Kit[] = [];
  let log: unknown[] = [];
  let fetchedAt = "";
  let watching: string | null = null;
  const head = h("div", {});
  const step = h("div", {});
  const care = h("div", {});
  const tail = h("div", {});
  let stepMode: string | null = null;
  let careMode: string | null = null;
  // The maintenance form's id, made once per intent: a send with no answer sent again is the same record.
  let careId = uuid();

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

  const careKey = `equipment_care:${user.id}:${itemId}`;
  function careSection(ops: OutboxOp[]): HTMLElement {
    const edit = h("a", { class: "btn btn-secondary btn-block", id: "eq-edit", href: `/equipment/${itemId}/edit`, onclick: (e: Event) => (e.preventDefault(), navigate(`/equipment/${itemId}/edit`)) }, t("eq.edit"));
    const blocked = item ? maintenanceBlocked(item, ops, fetchedAt) : "pending";
    if (blocked) return h("section", { class: "eq-step eq-care", "aria-labelledby": "eq-care-title" }, h("h3", { id: "eq-care-title" }, t("eq.m.title")), h("p", { class: "notice eq-why", "data-blocked": `m-${blocked}` }, t(`eq.m.blocked.${blocked}` as MessageKey)), edit);
    const today = chinaToday();
    const dateIn = h("input", { type: "date", id: "eq-m-date", max: today, value: today }) as HTMLInputElement;
    const noteIn = h("textarea", { id: "eq-m-note", rows: 3, maxlength: 500 }) as HTMLTextAreaElement;
    const error = errorSlot("eq-m-err");
    const result = h("p", { class: "notice", id: "eq-m-result", role: "status", hidden: true });
    const netLine = h("p", { class: "notice notice-warn", id: "eq-m-offline", hidden: true }, t("eq.m.offline"));
    const go = h("button", { type: "submit", class: "btn btn-primary btn-block", id: "eq-m-save" }, t("eq.m.save")) as HTMLButtonElement;
    const net = () => {
      const off = offlineNow();
      netLine.hidden = !off;
      go.disabled = off || go.dataset.busy === "true";
    };
    let timer: ReturnType<typeof setTimeout> | null = null;
    const keep = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const empty = !noteIn.value.trim() && dateIn.value === chinaToday();
        void (empty ? deleteDraft(careKey) : saveDraft({ key: careKey, saved_at: "", done_on: dateIn.value, note: noteIn.value, client_id: careId })).catch(() => undefined);
      }, 300);
    };
    dateIn.addEventListener("input", () => (markField(dateIn, error, null), keep()));
    dateIn.addEventListener("change", keep);
    noteIn.addEventListener("input", keep);
    void getDraft<{ key: string; saved_at: string; done_on?: string; note?: string; client_id?: string }>(careKey)
      .then((d) => {
        if (!d) return;
        if (d.done_on) dateIn.value = d.done_on;
        noteIn.value = d.note ?? "";
        if (d.client_id) careId = d.client_id;
      })
      .catch(() => undefined);
    const form = h(
      "form",
      { class: "eq-step eq-care eq-form", id: "eq-m-form", novalidate: true, "aria-labelledby": "eq-care-title" },
      h("h3", { id: "eq-care-title" }, t("eq.m.title")),
      h("div", { class: "field" }, h("label", { for: "eq-m-date" }, t("eq.m.date")), dateIn, error),
      h("div", { class: "field" }, h("label", { for: "eq-m-note" }, t("eq.m.note")), noteIn),
      result,
      netLine,
      go,
      edit,
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void once([go], async () => {
        result.hidden = true;
        const wrong = checkMaintenance(dateIn.value, noteIn.value, chinaToday());
        if (wrong) {
          markField(dateIn, error, t(`eq.m.err.${wrong}` as MessageKey));
          dateIn.focus();
          return;
        }
        if (offlineNow()) return;
        try {
          const answer = readItem(await api.post<unknown>(`/api/v1/equipment/${encodeURIComponent(itemId)}/maintenance`, maintenanceBody(dateIn.value, noteIn.value, careId)));
          careId = uuid();
          if (timer) clearTimeout(timer);
          await deleteDraft(careKey).catch(() => undefined);
          noteIn.value = "";
          dateIn.value = chinaToday();
          if (answer) item = answer;
          result.className = "notice";
          result.dataset.state = "done";
          result.textContent = answer?.nextDueOn ? t("eq.m.doneNext", { date: dayWords(answer.nextDueOn) }) : t("eq.m.done");
          result.hidden = false;
          showToast(t("eq.m.saved"));
          if (await fetchDetail()) void paint();
          else void paint();
        } catch (err) {
          result.className = "notice notice-error";
          result.dataset.state = "refused";
          result.textContent = err instanceof ApiError ? refusalWords(err) : t("eq.m.noAnswer");
          result.hidden = false;
        }
      }).then(net);
    });
    net();
    whileAttached<boolean>(form, onNetworkChange, net);
    return form;
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
      ["eq.f.category", categoryWords(item)],
      ["eq.f.kit", item.kitId ? (kits.find((k) => k.id === item?.kitId)?.name ?? t("eq.f.kitUnknown")) : t("eq.none")],
      ["eq.f.standard", item.standard ?? t("eq.none")],
      ["eq.f.serial", item.serial ?? t("eq.none")],
      ["eq.f.quantity", String(item.quantity)],
      ["eq.f.lastMaintained", item.lastMaintainedOn ? dayWords(item.lastMaintainedOn) : t("eq.none")],
      ["eq.f.nextDue", item.nextDueOn ? dayWords(item.nextDueOn) : t("eq.noInterval")],
      ["eq.f.where", where.out ? t("eq.outOn", { order: order?.title ?? t("eq.anOrder") }) : t("eq.in")],
    ];
    if (!body.contains(head)) body.replaceChildren(head, step, care, tail);
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
    // 保养 and 修改, in their own slot on the same rule: rebuilt only when what they offer changes.
    const cMode = manages ? `care:${maintenanceBlocked(item, ops, fetchedAt) ?? ""}` : "";
    if (cMode !== careMode) {
      careMode = cMode;
      care.replaceChildren(...(cMode ? [careSection(ops)] : []));
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
    if (team) kits = await keptKits(user);
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
