// "Report a hazard": choices over typing, the camera one tap away, GPS filled in (or, when there is
// none, a point picked on the map or typed in), and a draft saved to the phone as the user goes, so a phone call or a
// killed app loses nothing. Submitting puts a report.create op in the outbox: it is "saved" at once.
import { problemSentence } from "../../i18n/problem";
import { h } from "../../shared/dom";
import { showToast } from "../../shared/toast";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { fixText, failureText, GeoError, lastFix, locate, validPoint, type Fix } from "../../shared/geo";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { getMeta, isoWithOffset, uuid, type Draft, type LocalRecord } from "../../data/db";
import { deleteBlob, enqueue, getBlob, getOp, requeue, saveBlob } from "../../data/outbox";
import { deleteDraft, getDraft, saveDraft } from "../../data/stores";
import { requestFlush } from "../../data/flush";
import { shrinkPhoto } from "./photo";
import { cachedMe } from "../auth/session";
import { pickOnMap } from "../../shared/picker";

export const CATEGORIES = ["flood", "geological", "forest_fire", "earthquake", "epidemic", "road_traffic", "production_safety", "other"] as const;
export const SEVERITIES = ["red", "orange", "yellow", "blue"] as const;
const MAX_PHOTOS = 4;
const MAX_DESCRIPTION = 2000;

interface ReportDraft extends Draft {
  id: string;
  category: string | null;
  description: string;
  severity: string | null;
  people: number | null;
  media_ids: string[];
  location: Fix | null;
}

// The draft being edited, in memory too: a re-render (language switch) must not wait for, or race
// with, the debounced write to IndexedDB.
const live = new Map<string, ReportDraft>();

function emptyDraft(key: string): ReportDraft {
  return { key, saved_at: "", id: uuid(), category: null, description: "", severity: null, people: null, media_ids: [], location: null };
}

/** The fields of `now` that differ from `before` (the user changed them), media_ids aside. */
function touchedSince(before: ReportDraft, now: ReportDraft): Partial<ReportDraft> {
  const out: Partial<ReportDraft> = {};
  for (const k of ["category", "severity", "description", "people", "location"] as const) {
    if (JSON.stringify(before[k]) !== JSON.stringify(now[k])) (out as Record<string, unknown>)[k] = now[k];
  }
  return out;
}

/** Opens the form: the saved draft, or (with fixOpId) a refused report to edit and send again. */
export function renderReport(fixOpId?: string): HTMLElement {
  const key = fixOpId ? `fix:${fixOpId}` : "report";
  let draft = emptyDraft(key);
  const blank = { ...draft };
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const thumbs = new Map<string, string>();

  // A replaced copy of this screen (after a language switch) must not write over the live one.
  let shown = false;
  const gone = () => shown && !form.isConnected;
  const scheduleSave = () => {
    if (gone()) return;
    live.set(key, draft);
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void saveDraft(draft).catch(() => undefined), 250);
  };
  const saveNow = () => {
    if (gone()) return;
    live.set(key, draft);
    if (saveTimer) clearTimeout(saveTimer);
    void saveDraft(draft).catch(() => undefined);
  };

  const notice = h("p", { class: "notice", hidden: true });
  const errorBox = h("p", { class: "form-error", role: "alert", id: "report-error" });

  // Category and severity: radio buttons shaped as chips (real controls, so readers and tests find them).
  const chipGroup = (name: string, legend: string, options: { value: string; label: string; swatch?: string }[]) => {
    const inputs: HTMLInputElement[] = [];
    const chips = options.map((o) => {
      const input = h("input", { type: "radio", name, value: o.value, class: "visually-hidden" });
      input.addEventListener("change", () => {
        if (name === "category") {
          draft.category = o.value;
          showProblem(null);
        }
        else draft.severity = o.value === "none" ? null : o.value;
        scheduleSave();
      });
      inputs.push(input);
      return h(
        "label",
        { class: "chip" },
        input,
        h("span", { class: "chip-face" }, o.swatch ? h("span", { class: `swatch sev-${o.swatch}`, "aria-hidden": "true" }) : null, o.label),
      );
    });
    const set = (value: string | null) => inputs.forEach((i) => (i.checked = i.value === (value ?? "none")));
    const slot = errorSlot(`err-${name}`);
    return { el: h("fieldset", { class: "chips" }, h("legend", {}, legend), h("div", { class: "chip-row" }, ...chips), slot), set, inputs, slot };
  };
  const category = chipGroup("category", t("report.category"), CATEGORIES.map((c) => ({ value: c, label: t(`cat.${c}` as MessageKey) })));
  const severity = chipGroup("severity", t("report.severity"), [
    ...SEVERITIES.map((s) => ({ value: s, label: t(`sev.${s}` as MessageKey), swatch: s })),
    { value: "none", label: t("sev.none") },
  ]);

  const description = h("textarea", { id: "report-description", rows: 4, maxlength: MAX_DESCRIPTION, placeholder: t("report.descriptionHint") });
  const descCount = h("span", { class: "hint", "aria-live": "off" });
  const descError = errorSlot("err-description");
  description.addEventListener("input", () => {
    if (description.value.trim()) showProblem(null);
    draft.description = description.value;
    descCount.textContent = t("report.descriptionCount", { n: description.value.length });
    scheduleSave();
  });

  const people = h("input", { id: "report-people", type: "number", inputmode: "numeric", min: 0, step: 1, class: "stepper-value" });
  const setPeople = (n: number | null) => {
    draft.people = n === null || !Number.isFinite(n) ? null : Math.max(0, Math.floor(n));
    people.value = draft.people === null ? "" : String(draft.people);
    scheduleSave();
  };
  people.addEventListener("input", () => setPeople(people.value === "" ? null : Number(people.value)));
  const stepper = h(
    "div",
    { class: "stepper" },
    h("button", { type: "button", class: "step-btn", "aria-label": t("report.peopleLess"), onclick: () => setPeople(Math.max(0, (draft.people ?? 0) - 1)) }, "−"),
    people,
    h("button", { type: "button", class: "step-btn", "aria-label": t("report.peopleMore"), onclick: () => setPeople((draft.people ?? 0) + 1) }, "+"),
  );

  // Photos: the camera directly where the phone offers it; shrunk, then kept in IndexedDB.
  const fileInput = h("input", { id: "report-photo", type: "file", accept: "image/*", capture: "environment", class: "visually-hidden" });
  const photoStatus = h("p", { class: "hint", "aria-live": "polite" });
  const photoList = h("ul", { class: "photos" });
  const renderPhotos = () => {
    photoList.replaceChildren(
      ...draft.media_ids.map((id, i) =>
        h(
          "li",
          { class: "photo" },
          h("img", { src: thumbs.get(id) ?? "", alt: `${t("report.photos")} ${i + 1}` }),
          h("button", { type: "button", class: "photo-remove", "aria-label": t("report.removePhoto", { n: i + 1 }), onclick: () => void removePhoto(id) }, "×"),
        ),
      ),
    );
    addPhoto.hidden = draft.media_ids.length >= MAX_PHOTOS;
  };
  const addThumb = async (id: string) => {
    const rec = await getBlob(id);
    if (rec) thumbs.set(id, URL.createObjectURL(new Blob([rec.bytes], { type: rec.type })));
  };
  const removePhoto = async (id: string) => {
    draft.media_ids = draft.media_ids.filter((m) => m !== id);
    saveNow();
    // A photo already in a sent or queued op stays; only a draft's own photo is deleted.
    if (!fixOpId) await deleteBlob(id).catch(() => undefined);
    renderPhotos();
  };
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files?.[0];
    fileInput.value = "";
    if (!file) return;
    if (draft.media_ids.length >= MAX_PHOTOS) return void (photoStatus.textContent = t("report.photoLimit", { n: MAX_PHOTOS }));
    photoStatus.textContent = t("report.photoProcessing");
    try {
      const shrunk = await shrinkPhoto(file);
      const rec = await saveBlob(shrunk.bytes, shrunk.type, { width: shrunk.width, height: shrunk.height });
      draft.media_ids = [...draft.media_ids, rec.id];
      saveNow();
      await addThumb(rec.id);
      photoStatus.textContent = "";
      renderPhotos();
    } catch {
      photoStatus.textContent = t("report.photoFailed");
    }
  });
  const addPhoto = h("label", { for: "report-photo", class: "btn btn-secondary btn-block photo-add" }, t("report.addPhoto"));

  // Location: GPS first; when it fails, a point picked on the map, typed in, or the last good fix.
  const locText = h("p", { class: "loc-text", id: "report-location", "aria-live": "polite" });
  const retryGps = h("button", { type: "button", class: "btn btn-secondary", onclick: () => void findMe() }, t("geo.retry"));
  const latIn = h("input", { id: "report-lat", type: "text", inputmode: "decimal", autocomplete: "off" });
  const lonIn = h("input", { id: "report-lon", type: "text", inputmode: "decimal", autocomplete: "off" });
  const manualError = h("p", { class: "form-error", role: "alert" });
  const useLast = h("button", { type: "button", class: "btn btn-secondary btn-block", hidden: true });
  const manual = h(
    "details",
    { class: "manual" },
    h("summary", {}, t("report.manual")),
    h("p", { class: "hint" }, t("report.manualHint")),
    h("div", { class: "latlon" },
      h("div", { class: "field" }, h("label", { for: "report-lat" }, t("report.lat")), latIn),
      h("div", { class: "field" }, h("label", { for: "report-lon" }, t("report.lon")), lonIn)),
    manualError,
    h("button", { type: "button", class: "btn btn-secondary btn-block", onclick: () => useManual() }, t("report.useManual")),
    useLast,
  );
  const setLocation = (fix: Fix | null) => {
    draft.location = fix;
    if (fix) showProblem(null);
    locText.textContent = fix ? fixText(fix) : "";
    scheduleSave();
  };
  // Bumped by each point the user chose; a GPS answer that arrives after one must not replace it.
  let choices = 0;
  const choose = (fix: Fix) => {
    choices += 1;
    setLocation(fix);
  };

  // The map picker (Leaflet) loads only when asked for, so the form itself stays light.
  const pickButton = h("button", { type: "button", class: "btn btn-secondary btn-block", onclick: () => void openPicker() }, t("map.open"));
  const pickIdle = () => {
    pickButton.disabled = false;
    pickButton.textContent = t("map.open");
  };
  async function openPicker(): Promise<void> {
    if (pickButton.disabled) return;
    pickButton.disabled = true;
    pickButton.textContent = t("map.opening");
    try {
      const result = await pickOnMap({ current: draft.location, user: cachedMe()?.user, opener: pickButton, onOpen: pickIdle });
      if (result.kind === "point") {
        choose({ lat: result.lat, lon: result.lon, manual: true, picked: true });
        latIn.value = String(result.lat);
        lonIn.value = String(result.lon);
        manualError.textContent = "";
        manual.open = false;
      } else if (result.kind === "manual") {
        manual.open = true;
        latIn.focus();
      }
    } catch {
      manualError.textContent = t("map.openFailed"); // the typed entry is the way left
      manual.open = true;
    } finally {
      pickIdle();
    }
  }
  const useManual = () => {
    const lat = Number(latIn.value.trim().replace("，", "."));
    const lon = Number(lonIn.value.trim().replace("，", "."));
    if (!latIn.value.trim() || !lonIn.value.trim() || !validPoint(lat, lon)) {
      manualError.textContent = t("report.manualInvalid");
      return;
    }
    manualError.textContent = "";
    choose({ lat, lon, manual: true });
    manual.open = false;
  };
  async function findMe(): Promise<void> {
    locText.textContent = t("geo.locating");
    const before = choices;
    try {
      const fix = await locate();
      if (choices === before) setLocation(fix);
      else if (draft.location) locText.textContent = fixText(draft.location);
    } catch (err) {
      const reason = failureText(err instanceof GeoError ? err.reason : "unavailable");
      if (draft.location) locText.textContent = fixText(draft.location);
      else locText.textContent = t("report.locationFailed", { reason });
      manual.open = !draft.location;
      const last = await lastFix();
      if (last) {
        useLast.hidden = false;
        useLast.textContent = t("report.useLast", { time: formatDateTime(last.at ?? Date.now()) });
        useLast.onclick = () => {
          choose({ ...last, manual: true });
          manual.open = false;
        };
      }
    }
  }

  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("report.submit"));
  const clear = h("button", { type: "button", class: "btn btn-secondary btn-block" }, t("report.clear"));
  clear.addEventListener("click", async () => {
    if (!confirm(t("report.confirmClear"))) return;
    for (const id of draft.media_ids) if (!fixOpId) await deleteBlob(id).catch(() => undefined);
    live.delete(key);
    await deleteDraft(key).catch(() => undefined);
    draft = emptyDraft(key);
    fill();
    void findMe();
  });

  async function onSubmit(e: Event): Promise<void> {
    e.preventDefault();
    if (submit.disabled) return;
    const problem: MessageKey | null = !draft.category
      ? "report.error.category"
      : !draft.description.trim()
        ? "report.error.description"
        : !draft.location
          ? "report.error.location"
          : null;
    errorBox.textContent = "";
    showProblem(problem, true);
    if (problem) return;
    submit.disabled = true;
    submit.textContent = t("report.saving");
    if (saveTimer) clearTimeout(saveTimer); // a late draft save must not bring the draft back
    const loc = draft.location!;
    const data: Record<string, unknown> = {
      id: draft.id,
      category: draft.category,
      description: draft.description.trim(),
      location: loc.accuracy !== undefined && !loc.manual ? { lat: loc.lat, lon: loc.lon, accuracy: loc.accuracy } : { lat: loc.lat, lon: loc.lon },
    };
    if (draft.severity) data.severity = draft.severity;
    if (draft.people !== null) data.people_at_risk = draft.people;
    if (draft.media_ids.length) data.media_ids = [...draft.media_ids];
    const record: LocalRecord = {
      ...data,
      id: draft.id,
      status: "reported",
      reported_at: isoWithOffset(),
      reporter_id: (await getMeta<string>("user_id").catch(() => undefined)) ?? null,
      _status: "created",
    };
    try {
      if (fixOpId) await requeue(fixOpId, data, [...draft.media_ids], { store: "reports", value: record });
      else await enqueue({ type: "report.create", data, media_ids: [...draft.media_ids], entity_id: draft.id, record: { store: "reports", value: record } });
      live.delete(key);
      await deleteDraft(key);
    } catch {
      errorBox.textContent = t("report.error.storage");
      submit.disabled = false;
      submit.textContent = t("report.submit");
      return;
    }
    showToast(t("report.saved"));
    void requestFlush();
    navigate("/reports", true);
  }

  const locError = errorSlot("err-location");
  const locField = h("div", { class: "field", id: "report-location-field" }, h("span", { class: "field-label" }, t("report.location")), locText, locError, retryGps, pickButton, manual);

  /** One problem at a time, under its field; on a tap of 上报 the field comes into view. */
  function showProblem(problem: MessageKey | null, reveal = false): void {
    markField(category.inputs, category.slot, problem === "report.error.category" ? t(problem) : null);
    markField(description, descError, problem === "report.error.description" ? t(problem) : null);
    markField([retryGps, pickButton], locError, problem === "report.error.location" ? t(problem) : null);
    if (!problem || !reveal) return;
    if (problem === "report.error.category") revealField(category.el, category.inputs[0] ?? null);
    else if (problem === "report.error.description") revealField(description.closest(".field"), description);
    else {
      manual.open = true;
      revealField(locField, pickButton);
    }
  }

  const fixReason = h("p", { class: "notice notice-warn", hidden: true });
  function fill(): void {
    category.set(draft.category);
    severity.set(draft.severity);
    // Only where it differs: the same text written again would move the caret of someone typing.
    if (description.value !== draft.description) description.value = draft.description;
    descCount.textContent = t("report.descriptionCount", { n: draft.description.length });
    const peopleText = draft.people === null ? "" : String(draft.people);
    if (people.value !== peopleText) people.value = peopleText;
    locText.textContent = draft.location ? fixText(draft.location) : "";
    if (draft.location?.manual) {
      latIn.value = String(draft.location.lat);
      lonIn.value = String(draft.location.lon);
    }
    renderPhotos();
  }

  const form = h(
    "form",
    { class: "screen screen-report", novalidate: true, "aria-labelledby": "report-title", onsubmit: (e: Event) => void onSubmit(e) },
    h(
      "div",
      { class: "screen-body" },
      screenHead("report-title", fixOpId ? t("report.fixTitle") : t("report.title")),
      fixReason,
      notice,
      category.el,
      h("div", { class: "field" }, h("label", { for: "report-description" }, t("report.description")), description, descCount, descError),
      severity.el,
      h("div", { class: "field" }, h("label", { for: "report-people" }, t("report.people")), stepper),
      h("div", { class: "field" }, h("span", { class: "field-label" }, t("report.photos")), photoList, fileInput, addPhoto, photoStatus),
      locField,
      errorBox,
      clear,
    ),
    h("div", { class: "screen-actions" }, submit),
  );

  // Load what this phone kept, then locate if there is no point yet.
  void (async () => {
    try {
      const inMemory = live.get(key);
      const saved = inMemory ?? (await getDraft<ReportDraft>(key));
      if (saved) {
        // What was typed or tapped while the phone was still reading its copy (on a cheap phone
        // IndexedDB can take a while to open) is newer than that copy: it wins, field by field,
        // and a photo taken meanwhile joins the kept ones.
        const early = touchedSince(blank, draft);
        const taken = draft.media_ids;
        draft = { ...emptyDraft(key), ...saved, ...early };
        draft.media_ids = [...new Set([...saved.media_ids, ...taken])];
        // The phone may already have kept the early part alone: keep the whole again.
        if (Object.keys(early).length || taken.length) saveNow();
        if (!fixOpId && !inMemory && (saved.description || saved.category || saved.media_ids.length)) {
          notice.textContent = t("report.draftRestored");
          notice.hidden = false;
        }
      } else if (fixOpId) {
        const op = await getOp(fixOpId);
        if (op) {
          const d = op.data as Record<string, unknown>;
          const loc = d.location as Fix | undefined;
          draft = {
            ...draft,
            id: String(d.id ?? draft.id),
            category: (d.category as string) ?? null,
            description: String(d.description ?? ""),
            severity: (d.severity as string) ?? null,
            people: typeof d.people_at_risk === "number" ? d.people_at_risk : null,
            media_ids: [...op.media_ids],
            location: loc ? { lat: loc.lat, lon: loc.lon, accuracy: loc.accuracy } : null,
          };
        }
      }
      if (fixOpId) {
        const op = await getOp(fixOpId);
        if (op?.error) {
          fixReason.textContent = t("report.fixReason", { reason: problemSentence(op.error) });
          fixReason.hidden = false;
        }
      }
      for (const id of draft.media_ids) await addThumb(id);
    } catch {
      /* no IndexedDB: the form still works until submit, which says so */
    }
    fill();
    if (!draft.location) void findMe();
  })();

  // Leaving the app half-way (call, home button): write the draft now, not in 250 ms.
  const onHide = () => {
    if (!form.isConnected) return document.removeEventListener("visibilitychange", onHide);
    if (document.visibilityState === "hidden") saveNow();
  };
  document.addEventListener("visibilitychange", onHide);
  requestAnimationFrame(() => (shown = form.isConnected));
  return form;
}
