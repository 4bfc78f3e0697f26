// The short form each step of a report's life opens: the risk colour as four big buttons each
// with its word, the reason where one is required, the person and deadline of an assignment, the
// after-photos (each with the time and GPS point the phone had when it was taken). A form only
// checks what the phone can see; the server decides, and its refusal comes back in words.
import { h } from "../../shared/dom";
import { errorSlot, markField } from "../../shared/form-errors";
import { confirmStep } from "../../shared/confirm";
import { failureText, GeoError, lastFix, locate, type Fix } from "../../shared/geo";
import { isOnline } from "../../shared/network";
import { t, type MessageKey } from "../../i18n";
import { api } from "../../api";
import { isoWithOffset, uuid } from "../../data/db";
import { deleteBlob, getBlob, saveBlob } from "../../data/outbox";
import { shrinkPhoto } from "./photo";
// The four risk colours (server/reports/models.py SEVERITIES), worst first.
export const SEVERITIES = ["red", "orange", "yellow", "blue"] as const;
import type { StepKind } from "./steps";

export const REJECTIONS = ["duplicate", "false", "not_ours"] as const;
const MAX_PHOTOS = 4;
/** A GPS point older than this is not this photo's point. */
const FIX_FRESH_MS = 30 * 60_000;
const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export interface StepSubmission {
  /** The step's body as STEP_BODIES takes it (without id and report_id). */
  body: Record<string, unknown>;
  media_ids: string[];
  /** What the timeline shows of the step while the server has not answered (a person's name). */
  kept: Record<string, unknown>;
}

/** What an open form holds, kept on the phone as the person goes: a call or a killed app loses nothing. */
export interface StepFormState {
  /** Text, select and date fields by id. */
  values: Record<string, string>;
  /** The radio chosen in each group, by group name. */
  choices: Record<string, string>;
  photos: { media_id: string; taken_at: string; location: { lat: number; lon: number; accuracy?: number } }[];
}

export interface StepFormOptions {
  kind: StepKind;
  /** A form left half-way: filled in again as it was. */
  restore?: StepFormState;
  /** Called on each change with what the form now holds. */
  onChange?(state: StepFormState): void;
  /** Puts the step in the outbox; the form stays busy until it is there. */
  submit(s: StepSubmission): Promise<void>;
  cancel(): void;
}

interface Person {
  id: string;
  display_name: string;
  role: string;
  region_name?: string | null;
}

// The desk's people, asked once per page: the assignment form opens offline from this copy.
let people: Person[] | null = null;

async function loadPeople(): Promise<Person[] | null> {
  if (people) return people;
  if (!isOnline()) return null;
  try {
    const page = await api.get<{ items: Person[] }>("/api/v1/users?active=true&limit=200");
    people = page.items.filter((p) => p && typeof p.id === "string");
    return people;
  } catch {
    return null;
  }
}

/** A datetime-local value for now + days at 18:00, in the phone's own clock. */
function defaultDeadline(days = 3): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T18:00`;
}

function textArea(id: string, label: MessageKey, required = false): { el: HTMLElement; input: HTMLTextAreaElement; slot: HTMLElement } {
  const input = h("textarea", { id, rows: 3, maxlength: required ? 1000 : 2000 });
  const slot = errorSlot(`err-${id}`);
  const el = h("div", { class: "field" }, h("label", { for: id }, t(label)), input, slot);
  return { el, input, slot };
}

function radios(name: string, legend: string, options: { value: string; label: string; swatch?: string }[], cls = "") {
  const inputs = options.map((o) => h("input", { type: "radio", name, value: o.value, class: "visually-hidden" }));
  const slot = errorSlot(`err-${name}`);
  const el = h(
    "fieldset",
    { class: `chips ${cls}` },
    h("legend", {}, legend),
    h(
      "div",
      { class: "chip-row" },
      ...options.map((o, i) =>
        h("label", { class: "chip" }, inputs[i], h("span", { class: "chip-face" }, o.swatch ? h("span", { class: `swatch sev-${o.swatch}`, "aria-hidden": "true" }) : null, o.label)),
      ),
    ),
    slot,
  );
  const value = () => inputs.find((i) => i.checked)?.value ?? null;
  // A choice made answers the message that asked for it.
  inputs.forEach((i) => i.addEventListener("change", () => markField(inputs, slot, null)));
  return { el, inputs, slot, value };
}

interface StepPhoto {
  media_id: string;
  taken_at: string;
  location: { lat: number; lon: number; accuracy?: number };
  url: string;
}

/** The point for a photo just taken: a fresh GPS fix, or the last one if it is recent enough. */
async function photoPoint(): Promise<Fix> {
  try {
    return await locate(15_000);
  } catch (err) {
    const last = await lastFix();
    if (last?.at && !last.manual && Date.now() - Date.parse(last.at) < FIX_FRESH_MS) return last;
    throw err;
  }
}

export function renderStepForm(opts: StepFormOptions): HTMLElement {
  const { kind } = opts;
  const errorBox = h("p", { class: "form-error", role: "alert" });
  const parts: HTMLElement[] = [];
  // Each kind fills these: what the form holds, and the first thing wrong with it (marked on its field).
  let collect: () => StepSubmission | null = () => ({ body: {}, media_ids: [], kept: {} });
  let cleanup = () => {};
  let photosNow: () => StepFormState["photos"] = () => [];
  let restorePhotos: (list: StepFormState["photos"]) => Promise<void> = async () => {};

  const comment = textArea(`step-comment-${kind}`, "life.comment");

  if (kind === "verify") {
    const sev = radios("step-severity", t("life.severity"), SEVERITIES.map((s) => ({ value: s, label: t(`sev.${s}` as MessageKey), swatch: s })), "sev-pick");
    parts.push(sev.el, comment.el);
    collect = () => {
      const severity = sev.value();
      markField(sev.inputs, sev.slot, severity ? null : t("life.error.severity"));
      if (!severity) return null;
      return { body: { severity, comment: comment.input.value.trim() || null }, media_ids: [], kept: {} };
    };
  } else if (kind === "reject") {
    const why = radios("step-rejection", t("life.rejection"), REJECTIONS.map((r) => ({ value: r, label: t(`tl.rejection.${r}` as MessageKey) })));
    const reason = textArea("step-reason", "life.reason", true);
    const dup = h("input", { id: "step-duplicate", type: "text", autocomplete: "off", inputmode: "text" });
    const dupSlot = errorSlot("err-step-duplicate");
    const dupField = h("div", { class: "field", hidden: true }, h("label", { for: "step-duplicate" }, t("life.duplicateOf")), h("p", { class: "hint" }, t("life.duplicateHint")), dup, dupSlot);
    why.inputs.forEach((i) => i.addEventListener("change", () => (dupField.hidden = why.value() !== "duplicate")));
    parts.push(why.el, reason.el, dupField);
    collect = () => {
      const rejection = why.value();
      const text = reason.input.value.trim();
      const dupText = why.value() === "duplicate" ? dup.value.trim() : "";
      const dupId = dupText ? (UUID_RE.exec(dupText)?.[0].toLowerCase() ?? null) : null;
      markField(why.inputs, why.slot, rejection ? null : t("life.error.rejection"));
      markField(reason.input, reason.slot, text ? null : t("life.error.reason"));
      markField(dup, dupSlot, dupText && !dupId ? t("life.error.duplicate") : null);
      if (!rejection || !text || (dupText && !dupId)) return null;
      const body: Record<string, unknown> = { rejection, reason: text, comment: comment.input.value.trim() || null };
      if (dupId) body.duplicate_of = dupId;
      return { body, media_ids: [], kept: {} };
    };
  } else if (kind === "assign") {
    const unit = h("input", { id: "step-unit", type: "text", maxlength: 100, autocomplete: "organization" });
    const unitSlot = errorSlot("err-step-unit");
    const person = h("select", { id: "step-person" }, h("option", { value: "" }, t("life.personNone")));
    const personHint = h("p", { class: "hint", id: "step-person-hint" }, t("life.personLoading"));
    const due = h("input", { id: "step-deadline", type: "datetime-local", value: defaultDeadline() });
    const dueSlot = errorSlot("err-step-deadline");
    parts.push(
      h("div", { class: "field" }, h("label", { for: "step-unit" }, t("life.unit")), unit, unitSlot),
      h("div", { class: "field" }, h("label", { for: "step-person" }, t("life.person")), person, personHint),
      h("div", { class: "field" }, h("label", { for: "step-deadline" }, t("life.deadline")), due, dueSlot),
      comment.el,
    );
    void loadPeople().then((list) => {
      if (!list) return void (personHint.textContent = t("life.personOffline"));
      personHint.textContent = "";
      for (const p of list) {
        const role = t(`role.${p.role}` as MessageKey);
        const label = [p.display_name, role === `role.${p.role}` ? p.role : role, p.region_name].filter(Boolean).join(" · ");
        person.append(h("option", { value: p.id }, label));
      }
      const kept = opts.restore?.values["step-person"];
      if (kept && !person.value) person.value = kept;
    });
    collect = () => {
      const unitText = unit.value.trim();
      const who = person.value;
      const when = due.value ? new Date(due.value) : null;
      const late = !when || Number.isNaN(when.getTime()) || when.getTime() <= Date.now();
      markField(unit, unitSlot, unitText || who ? null : t("life.error.someone"));
      markField(due, dueSlot, late ? t("life.error.deadline") : null);
      if ((!unitText && !who) || late) return null;
      const name = people?.find((p) => p.id === who)?.display_name ?? null;
      return {
        body: { responsible_unit: unitText || null, assignee_id: who || null, deadline_at: isoWithOffset(when!), comment: comment.input.value.trim() || null },
        media_ids: [],
        kept: { assignee_name: name },
      };
    };
  } else if (kind === "rectify") {
    const photos: StepPhoto[] = [];
    const fileInput = h("input", { id: "step-photo", type: "file", accept: "image/*", capture: "environment", class: "visually-hidden" });
    const list = h("ul", { class: "photos", id: "step-photos" });
    const status = h("p", { class: "hint", "aria-live": "polite", id: "step-photo-status" });
    const slot = errorSlot("err-step-photo");
    const add = h("label", { for: "step-photo", class: "btn btn-secondary btn-block photo-add" }, t("life.addPhoto"));
    const draw = () => {
      list.replaceChildren(
        ...photos.map((p, i) =>
          h(
            "li",
            { class: "photo" },
            h("img", { src: p.url, alt: t("life.photoAlt", { n: i + 1 }) }),
            h("button", { type: "button", class: "photo-remove", "aria-label": t("report.removePhoto", { n: i + 1 }), onclick: () => remove(i) }, "×"),
          ),
        ),
      );
      add.hidden = photos.length >= MAX_PHOTOS;
    };
    const remove = (i: number) => {
      const [p] = photos.splice(i, 1);
      if (p) {
        URL.revokeObjectURL(p.url);
        void deleteBlob(p.media_id).catch(() => undefined);
      }
      draw();
      changed();
    };
    photosNow = () => photos.map(({ media_id, taken_at, location }) => ({ media_id, taken_at, location }));
    restorePhotos = async (list) => {
      for (const p of list) {
        const blob = await getBlob(p.media_id).catch(() => undefined);
        if (blob) photos.push({ ...p, url: URL.createObjectURL(new Blob([blob.bytes], { type: blob.type })) });
      }
      draw();
    };
    fileInput.addEventListener("change", async () => {
      const file = fileInput.files?.[0];
      fileInput.value = "";
      if (!file || photos.length >= MAX_PHOTOS) return;
      // The time and place are the moment the photo reached the app (the camera just took it).
      const takenAt = isoWithOffset();
      status.textContent = t("life.photoLocating");
      let fix: Fix;
      try {
        fix = await photoPoint();
      } catch (err) {
        status.textContent = t("life.photoNoGps", { reason: failureText(err instanceof GeoError ? err.reason : "unavailable") });
        return;
      }
      try {
        const shrunk = await shrinkPhoto(file);
        const rec = await saveBlob(shrunk.bytes, shrunk.type, { width: shrunk.width, height: shrunk.height });
        const location = fix.accuracy !== undefined ? { lat: fix.lat, lon: fix.lon, accuracy: fix.accuracy } : { lat: fix.lat, lon: fix.lon };
        photos.push({ media_id: rec.id, taken_at: takenAt, location, url: URL.createObjectURL(new Blob([shrunk.bytes], { type: shrunk.type })) });
        status.textContent = t("life.photoPoint", { lat: fix.lat.toFixed(5), lon: fix.lon.toFixed(5) });
        markField(fileInput, slot, null);
        draw();
        changed();
      } catch {
        status.textContent = t("report.photoFailed");
      }
    });
    parts.push(h("div", { class: "field" }, h("span", { class: "field-label" }, t("life.afterPhotos")), h("p", { class: "hint" }, t("life.afterPhotosHint")), list, fileInput, add, status, slot), comment.el);
    collect = () => {
      markField(fileInput, slot, photos.length ? null : t("life.error.photo"));
      if (!photos.length) return null;
      return {
        body: { photos: photos.map(({ media_id, taken_at, location }) => ({ media_id, taken_at, location })), comment: comment.input.value.trim() || null },
        media_ids: photos.map((p) => p.media_id),
        kept: {},
      };
    };
    // A form closed without sending leaves no photo behind on the phone.
    cleanup = () => {
      for (const p of photos.splice(0)) {
        URL.revokeObjectURL(p.url);
        void deleteBlob(p.media_id).catch(() => undefined);
      }
    };
  } else if (kind === "reopen") {
    const reason = textArea("step-reason", "life.reason", true);
    parts.push(reason.el);
    collect = () => {
      const text = reason.input.value.trim();
      markField(reason.input, reason.slot, text ? null : t("life.error.reason"));
      return text ? { body: { reason: text }, media_ids: [], kept: {} } : null;
    };
  } else {
    // start, close: a comment, nothing more.
    parts.push(comment.el);
    collect = () => ({ body: { comment: comment.input.value.trim() || null }, media_ids: [], kept: {} });
  }

  const send = h("button", { type: "submit", class: "btn btn-primary btn-block", id: "step-send" }, t(`life.send.${kind}` as MessageKey));
  const cancel = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "step-cancel" }, t("confirm.cancel"));
  let busy = false;
  let done = false;
  cancel.addEventListener("click", () => {
    if (busy) return;
    cleanup();
    opts.cancel();
  });

  async function onSubmit(e: Event): Promise<void> {
    e.preventDefault();
    if (busy) return; // one step per intent: a second tap while this one is saved does nothing
    errorBox.textContent = "";
    const s = collect();
    if (!s) return;
    busy = true;
    send.disabled = cancel.disabled = true;
    try {
      // Closing (销号) cannot be undone from the phone: ask first.
      if (kind === "close" && !(await confirmStep({ title: t("life.confirmClose"), body: t("life.confirmCloseBody"), confirm: t("life.send.close") }))) return;
      await opts.submit(s);
      done = true;
    } catch {
      errorBox.textContent = t("report.error.storage");
    } finally {
      busy = false;
      if (!done) send.disabled = cancel.disabled = false;
    }
  }

  const form = h(
    "form",
    { class: "step-form", id: `step-form-${kind}`, "data-kind": kind, novalidate: true, "aria-labelledby": "step-form-title", onsubmit: (e: Event) => void onSubmit(e) },
    h("h2", { id: "step-form-title" }, t(`life.title.${kind}` as MessageKey)),
    ...parts,
    errorBox,
    h("div", { class: "step-form-actions" }, send, cancel),
  );

  function snapshot(): StepFormState {
    const values: Record<string, string> = {};
    const choices: Record<string, string> = {};
    for (const el of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>("input, textarea, select")) {
      if (el instanceof HTMLInputElement && el.type === "file") continue;
      if (el instanceof HTMLInputElement && el.type === "radio") {
        if (el.checked) choices[el.name] = el.value;
      } else if (el.id) values[el.id] = el.value;
    }
    return { values, choices, photos: photosNow() };
  }
  function changed(): void {
    if (!done) opts.onChange?.(snapshot());
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  const kept = opts.restore;
  if (kept) {
    for (const [id, value] of Object.entries(kept.values)) {
      const el = form.querySelector<HTMLInputElement>(`[id="${CSS.escape(id)}"]`);
      if (el && el.type !== "file") el.value = value;
    }
    for (const [name, value] of Object.entries(kept.choices)) {
      const el = [...form.querySelectorAll<HTMLInputElement>("input[type=radio]")].find((i) => i.name === name && i.value === value);
      if (el) {
        el.checked = true;
        el.dispatchEvent(new Event("change")); // shows what the choice opens (a duplicate's id)
      }
    }
    void restorePhotos(kept.photos ?? []);
  }
  return form;
}

/** A step id made once when a form opens: the same step sent twice is written once. */
export function newStepId(): string {
  return uuid();
}
