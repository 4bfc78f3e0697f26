// 登记装备 / 修改装备 (/equipment/new, /equipment/<id>/edit): the captain registers an item of his
// team (name, category, the standard it meets, kit, number and count, condition, maintenance
// interval and the last maintenance) or changes one. Every keystroke is kept on the phone as a
// draft and read back when the form opens again. There is no op type for it, so it goes only
// online: with no signal the button is shut and says why, and the draft stays. A new item carries
// an id made once on the phone, so a send that got no answer can be sent again without making two.
import "./equipment.css";
import { api, ApiError, OfflineError, type User } from "../../api";
import { h, whileAttached } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { once } from "../../shared/guard";
import { confirmStep } from "../../shared/confirm";
import { showToast } from "../../shared/toast";
import { onNetworkChange } from "../../shared/network";
import { describeProblem } from "../../i18n/problem";
import { problemSlug } from "../../data/problem";
import { getLang, t, type MessageKey } from "../../i18n";
import { getMeta, setMeta, uuid } from "../../data/db";
import { deleteDraft, getDraft, saveDraft } from "../../data/stores";
import { savedAtText } from "../desk/draft";
import {
  CATEGORIES,
  CONDITIONS,
  NEW_CONDITIONS,
  checkItemDraft,
  chinaToday,
  conditionKey,
  conditionNeedsConfirm,
  createBody,
  draftFromItem,
  emptyItemDraft,
  itemDraftHasContent,
  itemDraftKey,
  patchBody,
  placeItemErrors,
  readItem,
  readItems,
  readKits,
  restoreItemDraft,
  type Condition,
  type FieldProblem,
  type Item,
  type ItemDraft,
  type ItemField,
  type Kit,
} from "./model";

const SAVE_MS = 300;
export const LIST_KEY = "equipment_list";
export const KITS_KEY = "equipment_kits";

interface Kept {
  user_id: string;
  saved_at: number;
  body: unknown;
}

const teamOf = (u: User): string | null => (u as { team_id?: string | null }).team_id ?? null;
/** Surely offline: the browser says so. (A request that got no answer while the browser says
 * online does not shut the button: with nothing else asking, it would stay shut for good; a try
 * either gets through or says there was no answer, and the draft stays.) */
export const offlineNow = (): boolean => typeof navigator !== "undefined" && navigator.onLine === false;

export async function keptKits(user: User): Promise<Kit[]> {
  const k = await getMeta<Kept>(KITS_KEY).catch(() => undefined);
  return k && k.user_id === user.id ? readKits(k.body) : [];
}

export async function fetchKits(user: User, team: string): Promise<Kit[]> {
  try {
    const body = await api.get<unknown>(`/api/v1/teams/${team}/equipment-kits`);
    void setMeta(KITS_KEY, { user_id: user.id, saved_at: Date.now(), body } satisfies Kept).catch(() => undefined);
    return readKits(body);
  } catch {
    return keptKits(user);
  }
}

export function fieldProblemText(f: ItemField, p: FieldProblem): string {
  return t(`eqf.err.${p}` as MessageKey, { field: t(`eqf.f.${f}` as MessageKey) });
}

export function renderItemForm(user: User, itemId: string | null): HTMLElement {
  const team = teamOf(user);
  const key = itemDraftKey(user.id, itemId);
  let draft: ItemDraft = emptyItemDraft(key, uuid());
  let before: Item | null = null;
  let kits: Kit[] = [];
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let finished = false;

  const restoredNote = h("p", { class: "notice", id: "eqf-restored", hidden: true });
  const loading = h("p", { class: "hint", id: "eqf-loading", "aria-live": "polite" }, t("desk.loading"));
  const missing = h("p", { class: "notice notice-warn", id: "eqf-missing", hidden: true });
  const savedLine = h("p", { class: "draft-line", id: "eqf-draft", "aria-live": "polite" });
  const netLine = h("p", { class: "notice notice-warn", id: "eqf-offline", hidden: true }, t(itemId ? "eqf.offlineEdit" : "eqf.offline"));
  const errorBox = h("p", { class: "notice notice-error", id: "eqf-error", role: "alert", hidden: true });

  const writeNow = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    if (finished) return;
    // An untouched new form is no draft; an edit's draft is kept once anything was typed.
    if (!itemId && !itemDraftHasContent(draft)) return void deleteDraft(key).catch(() => undefined);
    const at = new Date().toISOString();
    saveDraft({ ...draft }).then(
      () => {
        if (finished) return void deleteDraft(key).catch(() => undefined);
        draft.saved_at = at;
        savedLine.textContent = t("deskf.savedAt", { time: savedAtText(at, getLang()) });
      },
      () => (savedLine.textContent = t("deskf.notSaved")),
    );
  };
  const changed = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(writeNow, SAVE_MS);
  };

  // Fields ----------------------------------------------------------------------------------------
  const FIELDS: ItemField[] = ["name", "category", "standard", "kit_id", "serial", "quantity", "condition", "maintenance_interval_days", "last_maintained_on", "note"];
  const slots = Object.fromEntries(FIELDS.map((f) => [f, errorSlot(`eqf-err-${f}`)])) as Record<ItemField, HTMLElement>;
  const controls: Partial<Record<ItemField, HTMLElement | HTMLElement[]>> = {};
  const wraps: Partial<Record<ItemField, HTMLElement>> = {};
  const label = (f: ItemField) => t(`eqf.f.${f}` as MessageKey);
  const setError = (f: ItemField, message: string | null) => {
    const c = controls[f];
    if (c) markField(c, slots[f], message);
    else slots[f].textContent = message ?? "";
  };
  const clearErrors = () => FIELDS.forEach((f) => setError(f, null));
  const wrap = (f: ItemField, control: HTMLElement, hint?: string, labelled = true) => {
    const el = h(
      "div",
      { class: "field", "data-field": f },
      labelled ? h("label", { for: control.id }, label(f)) : h("p", { class: "field-label" }, label(f)),
      hint ? h("p", { class: "hint", id: `eqf-hint-${f}` }, hint) : null,
      control,
      slots[f],
    );
    wraps[f] = el;
    return el;
  };

  type TextKey = "name" | "standard" | "serial" | "quantity" | "interval_days" | "last_maintained_on" | "note";
  const text = (f: ItemField, k: TextKey, el: HTMLInputElement | HTMLTextAreaElement) => {
    el.addEventListener("input", () => {
      draft[k] = el.value;
      setError(f, null);
      if (k === "note") setError("note", null);
      changed();
    });
    controls[f] = el;
    return el;
  };
  const nameIn = text("name", "name", h("input", { type: "text", id: "eqf-name", maxlength: "80", autocomplete: "off" }) as HTMLInputElement);
  const standardIn = text("standard", "standard", h("input", { type: "text", id: "eqf-standard", maxlength: "80", autocomplete: "off" }) as HTMLInputElement);
  const serialIn = text("serial", "serial", h("input", { type: "text", id: "eqf-serial", maxlength: "60", autocomplete: "off" }) as HTMLInputElement);
  const quantityIn = text("quantity", "quantity", h("input", { type: "text", id: "eqf-quantity", inputmode: "numeric", maxlength: "6", autocomplete: "off" }) as HTMLInputElement);
  const intervalIn = text("maintenance_interval_days", "interval_days", h("input", { type: "text", id: "eqf-interval", inputmode: "numeric", maxlength: "4", autocomplete: "off" }) as HTMLInputElement);
  const lastIn = text("last_maintained_on", "last_maintained_on", h("input", { type: "date", id: "eqf-last", max: chinaToday() }) as HTMLInputElement);
  lastIn.addEventListener("change", () => {
    draft.last_maintained_on = lastIn.value;
    changed();
  });
  const noteIn = text("note", "note", h("textarea", { id: "eqf-note", rows: 3, maxlength: 500 }) as HTMLTextAreaElement);

  const categorySel = h("select", { id: "eqf-category" }) as HTMLSelectElement;
  categorySel.append(h("option", { value: "" }, t("eqf.pickCategory")), ...CATEGORIES.map((c) => h("option", { value: c }, t(`eq.cat.${c}` as MessageKey))));
  categorySel.addEventListener("change", () => {
    draft.category = categorySel.value;
    setError("category", null);
    changed();
  });
  controls.category = categorySel;

  const kitSel = h("select", { id: "eqf-kit" }) as HTMLSelectElement;
  kitSel.addEventListener("change", () => {
    draft.kit_id = kitSel.value;
    setError("kit_id", null);
    changed();
  });
  controls.kit_id = kitSel;
  const kitNote = h("p", { class: "hint", id: "eqf-kit-note" });
  function renderKits(): void {
    kitSel.replaceChildren(h("option", { value: "" }, t("eqf.noKit")), ...kits.map((k) => h("option", { value: k.id }, k.name)));
    if (draft.kit_id && !kits.some((k) => k.id === draft.kit_id)) kitSel.append(h("option", { value: draft.kit_id }, t("eqf.kitKept")));
    kitSel.value = draft.kit_id;
    kitNote.textContent = kits.length ? "" : t("eqf.noKits");
  }

  const conditions: readonly Condition[] = itemId ? CONDITIONS : NEW_CONDITIONS;
  const condInputs = conditions.map((c) => {
    const input = h("input", { type: "radio", name: "eqf-condition", value: c, class: "visually-hidden" }) as HTMLInputElement;
    input.addEventListener("change", () => {
      if (!input.checked) return;
      draft.condition = c;
      setError("condition", null);
      showNote();
      changed();
    });
    return { c, input };
  });
  controls.condition = condInputs.map((x) => x.input);
  const condRow = h(
    "div",
    { class: "chip-row", id: "eqf-condition", role: "radiogroup", "aria-label": label("condition") },
    ...condInputs.map(({ c, input }) => h("label", { class: "chip" }, input, h("span", { class: "chip-face" }, t(conditionKey(c))))),
  );
  const condWrap = h("div", { class: "field", "data-field": "condition" }, h("p", { class: "field-label" }, label("condition")), condRow, slots.condition);
  wraps.condition = condWrap;
  const noteWrap = wrap("note", noteIn, t("eqf.noteHint"));
  // The note is asked for only when an edit changes the condition.
  const showNote = () => (noteWrap.hidden = !before || draft.condition === before.condition);

  function fill(): void {
    nameIn.value = draft.name;
    categorySel.value = draft.category;
    standardIn.value = draft.standard;
    serialIn.value = draft.serial;
    quantityIn.value = draft.quantity;
    intervalIn.value = draft.interval_days;
    lastIn.value = draft.last_maintained_on;
    noteIn.value = draft.note;
    for (const { c, input } of condInputs) input.checked = draft.condition === c;
    renderKits();
    showNote();
  }

  // Sending ---------------------------------------------------------------------------------------
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block", id: "eqf-submit" }, t(itemId ? "eqf.save" : "eqf.create")) as HTMLButtonElement;
  const discard = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "eqf-discard" }, t("eqf.discard")) as HTMLButtonElement;
  let blockedByMissing = false;
  const net = () => {
    const off = offlineNow();
    netLine.hidden = !off;
    submit.disabled = off || blockedByMissing || submit.dataset.busy === "true";
    if (off) submit.setAttribute("aria-describedby", "eqf-offline");
    else submit.removeAttribute("aria-describedby");
  };

  const showFieldErrors = (fields: [ItemField, string][]) => {
    for (const [f, message] of fields) setError(f, message);
    const first = fields[0]?.[0];
    if (first) {
      const c = controls[first];
      revealField(wraps[first] ?? null, Array.isArray(c) ? (c[0] ?? null) : (c ?? null));
    }
  };

  async function send(): Promise<void> {
    errorBox.hidden = true;
    clearErrors();
    const local = checkItemDraft(draft, chinaToday(), before);
    const bad = FIELDS.filter((f) => local[f]);
    if (bad.length) return showFieldErrors(bad.map((f) => [f, fieldProblemText(f, local[f] as FieldProblem)]));
    if (offlineNow()) return net();
    if (!team) return;
    let body: Record<string, unknown>;
    if (before) {
      body = patchBody(draft, before);
      if (!Object.keys(body).length) {
        showToast(t("eqf.unchanged"));
        finished = true;
        await deleteDraft(key).catch(() => undefined);
        return navigate(`/equipment/${before.id}`, true);
      }
      // 损坏, 遗失 and 报废 go on the item's record: asked first.
      if (conditionNeedsConfirm(before.condition, draft.condition)) {
        const ok = await confirmStep({ title: t("eqf.confirmCondition", { cond: t(conditionKey(draft.condition)) }), body: draft.note.trim() || undefined, confirm: t("eqf.save"), danger: true });
        if (!ok) return;
      }
    } else body = createBody(draft);
    writeNow();
    try {
      const answer = before
        ? await api.request<unknown>("PATCH", `/api/v1/equipment/${encodeURIComponent(before.id)}`, body)
        : await api.post<unknown>(`/api/v1/teams/${team}/equipment`, body);
      const made = readItem(answer);
      finished = true;
      if (saveTimer) clearTimeout(saveTimer);
      await deleteDraft(key).catch(() => undefined);
      showToast(t(before ? "eqf.saved" : "eqf.created", { name: made?.name ?? draft.name.trim() }));
      navigate(before ? `/equipment/${before.id}` : "/equipment", true);
    } catch (err) {
      if (err instanceof OfflineError) errorBox.textContent = t(before ? "eqf.noAnswerEdit" : "eqf.noAnswer");
      else if (err instanceof ApiError) {
        const placed = placeItemErrors(err.errors);
        showFieldErrors(placed.map((f) => [f, t("eqf.err.server", { field: label(f) })]));
        errorBox.textContent = refusalWords(err);
      } else errorBox.textContent = t("report.error.storage");
      errorBox.hidden = false;
    }
  }

  const form = h(
    "form",
    { class: "eq-form", id: "eq-form", novalidate: true, hidden: true },
    wrap("name", nameIn, t("eqf.nameHint")),
    wrap("category", categorySel),
    wrap("standard", standardIn, t("eqf.standardHint")),
    h("div", { class: "field", "data-field": "kit_id" }, h("label", { for: "eqf-kit" }, label("kit_id")), kitNote, kitSel, slots.kit_id),
    wrap("serial", serialIn, t("eqf.serialHint")),
    wrap("quantity", quantityIn),
    condWrap,
    noteWrap,
    wrap("maintenance_interval_days", intervalIn, t("eqf.intervalHint")),
    wrap("last_maintained_on", lastIn, t("eqf.lastHint")),
    errorBox,
    netLine,
    savedLine,
    h("div", { class: "form-actions" }, submit, discard),
  );
  wraps.kit_id = form.querySelector<HTMLElement>('[data-field="kit_id"]') ?? undefined;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void once([submit], send).then(net);
  });
  discard.addEventListener("click", () =>
    void once([discard], async () => {
      if (!(await confirmStep({ title: t("eqf.discardTitle"), confirm: t("eqf.discard"), danger: true }))) return;
      if (saveTimer) clearTimeout(saveTimer);
      await deleteDraft(key).catch(() => undefined);
      draft = before ? draftFromItem(before, key) : emptyItemDraft(key, uuid());
      restoredNote.hidden = true;
      savedLine.textContent = "";
      errorBox.hidden = true;
      clearErrors();
      fill();
    }),
  );

  const section = h(
    "section",
    { class: "screen screen-eq-form", "aria-labelledby": "eqf-title" },
    h("div", { class: "screen-body eq" }, screenHead("eqf-title", t(itemId ? "eqf.editTitle" : "eqf.newTitle")), loading, missing, restoredNote, form),
  );

  // The form shows once the item (to change it) and any kept draft are read: typing into it before
  // then would be overwritten by what arrives.
  const shown = () => {
    form.hidden = false;
    loading.hidden = true;
  };

  async function start(): Promise<void> {
    if (!team) {
      missing.hidden = false;
      missing.textContent = t("eq.noTeam");
      blockedByMissing = true;
      net();
      return;
    }
    if (itemId) {
      try {
        before = readItem(await api.get<unknown>(`/api/v1/equipment/${encodeURIComponent(itemId)}`));
      } catch {
        const k = await getMeta<Kept>(LIST_KEY).catch(() => undefined);
        before = k && k.user_id === user.id ? (readItems(k.body).find((i) => i.id === itemId) ?? null) : null;
      }
      if (!before) {
        missing.hidden = false;
        missing.textContent = t("eq.notKept");
        blockedByMissing = true;
        net();
        return;
      }
      draft = draftFromItem(before, key);
    }
    const raw = await getDraft(key).catch(() => undefined);
    if (raw) {
      draft = restoreItemDraft(raw, key, draft.client_id);
      if (itemDraftHasContent(draft) || itemId) {
        restoredNote.hidden = false;
        restoredNote.textContent = t("eqf.restored", { time: savedAtText(draft.saved_at, getLang()) });
      }
    }
    kits = await keptKits(user);
    fill();
    shown();
    kits = await fetchKits(user, team);
    renderKits();
  }
  net();
  void start().finally(shown);
  whileAttached<boolean>(section, onNetworkChange, net);
  return section;
}

/** A refusal of an equipment change in words that fit it (the shared words for these types speak
 * of checking out, which is not what was tried here). */
export function refusalWords(err: ApiError): string {
  const slug = problemSlug(err.problem);
  if (slug === "equipment-checked-out") return t("eqf.p.checkedOut");
  if (slug === "equipment-out-of-service") return t("eqf.p.outOfService");
  return describeProblem(err.problem).message;
}
