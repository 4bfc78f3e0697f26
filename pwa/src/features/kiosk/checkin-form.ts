// 登记入住 at the kiosk (/shelters/<id>/checkin): a name, a phone if they have one, the household
// size on a stepper, needs as toggle chips; kept as a draft while typing (a call or a killed app
// loses nothing), and sent as one shelter.checkin op under an id made once per draft.
import { h } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { once } from "../../shared/guard";
import { showToast } from "../../shared/toast";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { t, type MessageKey } from "../../i18n";
import { uuid } from "../../data/db";
import { enqueue } from "../../data/outbox";
import { deleteDraft, getDraft, getRecord, saveDraft } from "../../data/stores";
import { requestFlush } from "../../data/flush";
import { maskName } from "../../data/personal";
import { checkinData, draftKey, draftProblems, emptyDraft, isBlankDraft, MAX_HOUSEHOLD, MAX_NAME, NEEDS, restoreDraft, type CheckinDraft } from "./model";

// The draft being edited, in memory too: a re-render (language switch) must not race the write.
const live = new Map<string, CheckinDraft>();

export function renderKioskCheckin(shelterId: string): HTMLElement {
  const key = draftKey(shelterId);
  let draft = live.get(key) ?? emptyDraft(shelterId, uuid());
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let submitted = false;

  const save = (now = false) => {
    if (submitted) return;
    live.set(key, draft);
    if (saveTimer) clearTimeout(saveTimer);
    const write = () => void (isBlankDraft(draft) ? deleteDraft(key) : saveDraft(draft)).catch(() => undefined);
    if (now) write();
    else saveTimer = setTimeout(write, 250);
  };

  const restored = h("p", { class: "notice", hidden: true }, t("kiosk.form.restored"));
  const shelterName = h("p", { class: "region" });
  const name = h("input", { id: "kiosk-name", type: "text", autocomplete: "off", maxlength: MAX_NAME, enterkeyhint: "next" });
  const nameError = errorSlot("err-kiosk-name");
  const phone = h("input", { id: "kiosk-phone", type: "tel", inputmode: "tel", autocomplete: "off", maxlength: 20, enterkeyhint: "done" });
  const phoneError = errorSlot("err-kiosk-phone");
  const size = h("output", { class: "stepper-n", id: "kiosk-size", "aria-live": "polite" });
  const less = h("button", { type: "button", class: "btn btn-secondary", id: "kiosk-size-less", "aria-label": t("kiosk.form.sizeLess") }, "−");
  const more = h("button", { type: "button", class: "btn btn-secondary", id: "kiosk-size-more", "aria-label": t("kiosk.form.sizeMore") }, "+");
  const chips = NEEDS.map((need) =>
    h("button", { type: "button", class: "toggle-chip", "data-need": need, "aria-pressed": "false" }, t(`kiosk.need.${need}` as MessageKey)),
  );
  const storageError = h("p", { class: "form-error", role: "alert" });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block btn-huge", id: "kiosk-submit" }, t("kiosk.form.submit"));

  function fill(): void {
    name.value = draft.name;
    phone.value = draft.phone;
    size.textContent = String(draft.household_size);
    less.disabled = draft.household_size <= 1;
    more.disabled = draft.household_size >= MAX_HOUSEHOLD;
    for (const chip of chips) chip.setAttribute("aria-pressed", String(draft.needs.includes(chip.dataset.need as CheckinDraft["needs"][number])));
  }

  function setSize(n: number): void {
    draft.household_size = Math.min(Math.max(n, 1), MAX_HOUSEHOLD);
    fill();
    save();
  }

  name.addEventListener("input", () => {
    draft.name = name.value;
    if (name.value.trim()) markField(name, nameError, null);
    save();
  });
  phone.addEventListener("input", () => {
    draft.phone = phone.value;
    markField(phone, phoneError, null);
    save();
  });
  less.addEventListener("click", () => setSize(draft.household_size - 1));
  more.addEventListener("click", () => setSize(draft.household_size + 1));
  for (const chip of chips) {
    chip.addEventListener("click", () => {
      const need = chip.dataset.need as CheckinDraft["needs"][number];
      draft.needs = draft.needs.includes(need) ? draft.needs.filter((n) => n !== need) : NEEDS.filter((n) => n === need || draft.needs.includes(n));
      fill();
      save();
    });
  }

  /** Shows every field's problem; the first one comes into view. Returns true when all is well. */
  function check(): boolean {
    const problems = draftProblems(draft);
    markField(name, nameError, problems.includes("name") ? t("kiosk.form.error.name") : null);
    markField(phone, phoneError, problems.includes("phone") ? t("kiosk.form.error.phone") : null);
    if (problems[0] === "name") revealField(name.closest(".field"), name);
    else if (problems[0] === "phone") revealField(phone.closest(".field"), phone);
    return problems.length === 0;
  }

  async function send(): Promise<void> {
    storageError.textContent = "";
    if (!check()) return;
    if (saveTimer) clearTimeout(saveTimer);
    const data = checkinData(draft, shelterId);
    try {
      await enqueue({ type: "shelter.checkin", data, entity_id: draft.id, kept: { name: maskName(data.name) } });
    } catch {
      storageError.textContent = t("report.error.storage");
      return;
    }
    // Queued: this draft is done, and no late write may bring it back.
    submitted = true;
    live.delete(key);
    await deleteDraft(key).catch(() => undefined);
    showToast(t("kiosk.savedIn", { n: draft.household_size }));
    void requestFlush();
    navigate(`/shelters/${shelterId}`, true);
  }

  const form = h(
    "form",
    {
      class: "screen screen-kiosk-checkin",
      novalidate: true,
      "aria-labelledby": "kiosk-checkin-title",
      onsubmit: (e: Event) => {
        e.preventDefault();
        void once([submit], send);
      },
    },
    h(
      "div",
      { class: "screen-body" },
      screenHead("kiosk-checkin-title", t("kiosk.form.title")),
      shelterName,
      restored,
      h("div", { class: "field" }, h("label", { for: "kiosk-name" }, t("kiosk.form.name")), name, nameError),
      h("div", { class: "field" }, h("label", { for: "kiosk-phone" }, t("kiosk.form.phone")), h("p", { class: "hint", id: "kiosk-phone-hint" }, t("kiosk.form.phoneHint")), phone, phoneError),
      h("div", { class: "field" }, h("span", { class: "field-label", id: "kiosk-size-label" }, t("kiosk.form.size")), h("div", { class: "stepper", role: "group", "aria-labelledby": "kiosk-size-label" }, less, size, more)),
      h("div", { class: "field" }, h("span", { class: "field-label", id: "kiosk-needs-label" }, t("kiosk.form.needs")), h("div", { class: "chip-row", role: "group", "aria-labelledby": "kiosk-needs-label" }, ...chips)),
      storageError,
    ),
    h("div", { class: "screen-actions" }, submit),
  );
  phone.setAttribute("aria-describedby", "kiosk-phone-hint");

  fill();
  void (async () => {
    try {
      const rec = await getRecord("shelters", shelterId);
      if (rec?.name) shelterName.textContent = t("kiosk.form.at", { shelter: String(rec.name) });
      if (!live.has(key)) {
        const saved = await getDraft<CheckinDraft>(key);
        if (saved) {
          draft = restoreDraft(saved, shelterId, draft.id);
          restored.hidden = isBlankDraft(draft);
          fill();
        }
      }
    } catch {
      /* no IndexedDB: the form still works until submit, which says so */
    }
  })();

  // Leaving the app half-way (a call, the home button): write the draft now, not in 250 ms.
  const onHide = () => {
    if (!form.isConnected) return document.removeEventListener("visibilitychange", onHide);
    if (document.visibilityState === "hidden") save(true);
  };
  document.addEventListener("visibilitychange", onHide);
  return form;
}
