// The desk's 新增避难所 / 编辑避难所 form (/shelters/new, /shelters/<id>/edit): name, class, capacity,
// floor area, address, the point on the map (WGS-84), the region (new only: the desk's own or
// below), its managers and a contact phone. Every change is kept on the phone as a draft and read
// back when the form opens again; it goes only once the server answered. The server takes no
// client-made id for a shelter, so a create that got no answer is looked for before it is sent
// again (same name and region, made since). With no network it says so and sends nothing.
import { api, ApiError, OfflineError, type User } from "../../api";
import { h, whileAttached } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { fixText } from "../../shared/geo";
import { pickOnMap } from "../../shared/picker";
import { once } from "../../shared/guard";
import { showToast } from "../../shared/toast";
import { onNetworkChange } from "../../shared/network";
import { describeProblem } from "../../i18n/problem";
import { getLang, t, type MessageKey } from "../../i18n";
import { getMeta, setMeta, type LocalRecord } from "../../data/db";
import { deleteDraft, getDraft, getRecord, putRecord, saveDraft } from "../../data/stores";
import { savedAtText } from "../desk/draft";
import {
  checkShelterDraft,
  draftFromShelter,
  emptyShelterDraft,
  findMadeEarlier,
  placeShelterErrors,
  restoreShelterDraft,
  SHELTER_FIELDS,
  SHELTER_KINDS,
  shelterBody,
  shelterDraftHasContent,
  shelterDraftKey,
  surelyOffline,
  type ShelterDraft,
  type ShelterField,
} from "./manage-model";
import { reachable } from "./shelters";

export { canRegister } from "./manage-model";

interface Region {
  id: number;
  name: string;
  level?: string;
  parent_id?: number | null;
}
interface Manager {
  id: string;
  display_name: string;
  region_name?: string | null;
}
interface Lists {
  regions: Region[];
  managers: Manager[];
}

const SAVE_MS = 300;

export function renderShelterForm(user: User, shelterId: string | null): HTMLElement {
  const key = shelterDraftKey(user.id, shelterId);
  const listsKey = `shelter_form_lists:${user.id}`;
  let draft: ShelterDraft = emptyShelterDraft(key, shelterId ?? "");
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let finished = false;
  let lists: Lists = { regions: [], managers: [] };

  const restoredNote = h("p", { class: "notice", id: "shelterf-restored", hidden: true });
  const savedLine = h("p", { class: "draft-line", id: "shelterf-draft", "aria-live": "polite" });
  const netLine = h("p", { class: "notice notice-warn", id: "shelterf-offline", hidden: true }, t("shelterf.offline"));
  const errorBox = h("p", { class: "notice notice-error", id: "shelterf-error", role: "alert", hidden: true });
  const missing = h("p", { class: "notice notice-warn", id: "shelterf-missing", hidden: true });

  const writeNow = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    if (finished) return;
    const at = new Date().toISOString();
    saveDraft({ ...draft, manager_ids: [...draft.manager_ids], saved_at: at }).then(
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

  // Fields, each with its error under it -----------------------------------------------------------
  const slots = Object.fromEntries(SHELTER_FIELDS.map((f) => [f, errorSlot(`shelterf-err-${f}`)])) as Record<ShelterField, HTMLElement>;
  const controls: Partial<Record<ShelterField, HTMLElement | HTMLElement[]>> = {};
  const wraps: Partial<Record<ShelterField, HTMLElement>> = {};
  const label = (f: ShelterField) => t(`shelterf.f.${f}` as MessageKey);
  const setError = (f: ShelterField, message: string | null) => {
    const c = controls[f];
    if (c) markField(c, slots[f], message);
    else slots[f].textContent = message ?? "";
  };
  const clearErrors = () => SHELTER_FIELDS.forEach((f) => setError(f, null));

  const field = (f: ShelterField, control: HTMLElement, hint?: string) => {
    const id = (Array.isArray(control) ? null : control.id) || `shelterf-${f}`;
    const wrap = h("div", { class: "field", "data-field": f }, h("label", { for: id }, label(f)), hint ? h("p", { class: "hint" }, hint) : null, control, slots[f]);
    wraps[f] = wrap;
    return wrap;
  };
  const text = (f: "name" | "capacity" | "floor_area_m2" | "address" | "contact_phone", max: number, extra: Record<string, string> = {}) => {
    const el = h("input", { type: "text", id: `shelterf-${f}`, maxlength: String(max), autocomplete: "off", ...extra });
    el.addEventListener("input", () => {
      draft[f] = el.value;
      setError(f, null);
      changed();
    });
    controls[f] = el;
    return el;
  };
  const nameIn = text("name", 120);
  const capacityIn = text("capacity", 7, { inputmode: "numeric" });
  const areaIn = text("floor_area_m2", 12, { inputmode: "decimal" });
  const addressIn = text("address", 200);
  const phoneIn = text("contact_phone", 20, { inputmode: "tel", type: "tel" });

  const kindInputs = SHELTER_KINDS.map((k) => {
    const input = h("input", { type: "radio", name: "shelterf-kind", value: k, class: "visually-hidden" });
    input.addEventListener("change", () => {
      if (!input.checked) return;
      draft.kind = k;
      setError("kind", null);
      changed();
    });
    return { k, input };
  });
  controls.kind = kindInputs.map((x) => x.input);
  const kindRow = h(
    "div",
    { class: "chip-row", id: "shelterf-kind", role: "radiogroup", "aria-label": label("kind") },
    ...kindInputs.map(({ k, input }) => h("label", { class: "chip" }, input, h("span", { class: "chip-face" }, t(`shelterf.kind.${k}` as MessageKey)))),
  );

  const pointLine = h("p", { class: "hint", id: "shelterf-point" });
  const mapBtn = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "shelterf-map" }, t("map.open"));
  controls.location = mapBtn;
  mapBtn.addEventListener("click", () =>
    void once([mapBtn], async () => {
      try {
        const region = lists.regions.find((r) => String(r.id) === draft.region_id);
        const r = await pickOnMap({
          current: draft.location,
          user: { region_id: draft.region_id || String(user.region_id ?? ""), region_name: region?.name ?? user.region_name ?? null },
          opener: mapBtn,
        });
        if (r.kind === "point") {
          draft.location = { lat: r.lat, lon: r.lon, manual: true, picked: true };
          setError("location", null);
          showPoint();
          changed();
        }
      } catch {
        showToast(t("desk.f.mapFailed"));
      }
    }),
  );
  const showPoint = () => (pointLine.textContent = draft.location ? fixText(draft.location) : t("shelterf.noPoint"));

  const regionSel = h("select", { id: "shelterf-region_id" });
  regionSel.addEventListener("change", () => {
    draft.region_id = regionSel.value;
    setError("region_id", null);
    changed();
  });
  controls.region_id = regionSel;
  const regionFixed = h("p", { class: "hint", id: "shelterf-region-fixed" });

  const managersRow = h("div", { class: "chip-row", id: "shelterf-managers" });
  const managersNote = h("p", { class: "hint", id: "shelterf-managers-note" });
  function renderManagers(): void {
    const inputs: HTMLInputElement[] = [];
    managersRow.replaceChildren(
      ...lists.managers.map((m) => {
        const input = h("input", { type: "checkbox", value: m.id, class: "visually-hidden" });
        input.checked = draft.manager_ids.includes(m.id);
        input.addEventListener("change", () => {
          draft.manager_ids = input.checked ? [...new Set([...draft.manager_ids, m.id])] : draft.manager_ids.filter((x) => x !== m.id);
          setError("manager_ids", null);
          changed();
        });
        inputs.push(input);
        return h("label", { class: "chip" }, input, h("span", { class: "chip-face" }, m.region_name ? `${m.display_name}（${m.region_name}）` : m.display_name));
      }),
    );
    controls.manager_ids = inputs;
    managersNote.hidden = lists.managers.length > 0;
    managersNote.textContent = t(reachable() ? "shelterf.noManagers" : "shelterf.managersOffline");
  }
  function renderRegions(): void {
    regionSel.replaceChildren(
      h("option", { value: "" }, t("shelterf.pickRegion")),
      ...lists.regions.map((r) => {
        const depth = r.level === "village" ? "　　" : r.level === "township" ? "　" : "";
        const o = h("option", { value: String(r.id) }, `${depth}${r.name}`);
        o.selected = String(r.id) === draft.region_id;
        return o;
      }),
    );
    if (draft.region_id && !lists.regions.some((r) => String(r.id) === draft.region_id)) {
      regionSel.append(h("option", { value: draft.region_id, selected: true }, t("shelterf.regionKept", { id: draft.region_id })));
    }
    const region = lists.regions.find((r) => String(r.id) === draft.region_id);
    regionFixed.textContent = t("shelterf.regionFixed", { region: region?.name ?? (draft.region_id || "?") });
  }

  function fill(): void {
    nameIn.value = draft.name;
    capacityIn.value = draft.capacity;
    areaIn.value = draft.floor_area_m2;
    addressIn.value = draft.address;
    phoneIn.value = draft.contact_phone;
    for (const { k, input } of kindInputs) input.checked = draft.kind === k;
    showPoint();
    renderRegions();
    renderManagers();
  }

  async function loadLists(): Promise<void> {
    const kept = await getMeta<Lists>(listsKey).catch(() => undefined);
    if (kept) lists = kept;
    if (reachable()) {
      try {
        const [regions, managers] = await Promise.all([
          api.get<{ items: Region[] }>("/api/v1/regions"),
          api.get<{ items: Manager[] }>("/api/v1/users?role=shelter_manager&active=true&limit=200"),
        ]);
        lists = { regions: regions.items ?? [], managers: managers.items ?? [] };
        await setMeta(listsKey, lists).catch(() => undefined);
      } catch {
        /* the kept lists (or none) stay; the form still takes everything typed */
      }
    }
    if (!draft.region_id && !shelterId && lists.regions.length === 1) draft.region_id = String(lists.regions[0].id);
    renderRegions();
    renderManagers();
  }

  // Sending ---------------------------------------------------------------------------------------
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block", id: "shelterf-submit" }, t(shelterId ? "shelterf.saveEdit" : "shelterf.create"));
  const discard = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "shelterf-discard" }, t("shelterf.discard"));

  const showFieldErrors = (fields: [ShelterField, string][]) => {
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
    const local = checkShelterDraft(draft);
    const localFields = SHELTER_FIELDS.filter((f) => local[f]);
    if (localFields.length) {
      showFieldErrors(localFields.map((f) => [f, local[f] === "required" ? t("shelterf.required", { field: label(f) }) : t(`shelterf.err.${f}` as MessageKey)]));
      return;
    }
    if (surelyOffline()) {
      netLine.hidden = false;
      return;
    }
    try {
      let made: LocalRecord | null = null;
      if (!shelterId && draft.sent_at) {
        // The last send got no answer: it may have made the shelter. Look before making another.
        const page = await api.get<{ items: LocalRecord[] }>("/api/v1/shelters?limit=200");
        made = findMadeEarlier(page.items ?? [], draft);
      }
      if (!made) {
        if (!shelterId) {
          draft.sent_at = new Date().toISOString();
          await saveDraft({ ...draft, manager_ids: [...draft.manager_ids] }).catch(() => undefined);
        }
        made = shelterId
          ? await api.request<LocalRecord>("PATCH", `/api/v1/shelters/${encodeURIComponent(shelterId)}`, shelterBody(draft))
          : await api.post<LocalRecord>("/api/v1/shelters", shelterBody(draft));
      }
      finished = true;
      if (saveTimer) clearTimeout(saveTimer);
      await putRecord("shelters", { ...made, _status: "synced" });
      await deleteDraft(key).catch(() => undefined);
      showToast(t(shelterId ? "shelterf.saved" : "shelterf.created", { name: String(made.name ?? "") }));
      navigate(`/shelters/${made.id}`, true);
    } catch (err) {
      if (err instanceof OfflineError) {
        errorBox.textContent = t(shelterId ? "shelterf.noAnswerEdit" : "shelterf.noAnswer");
      } else if (err instanceof ApiError) {
        // Refused: nothing was made, so the next send is a fresh one.
        draft.sent_at = null;
        changed();
        const placed = placeShelterErrors(err.errors);
        showFieldErrors(placed.fields.map((f) => [f, t(`shelterf.err.${f}` as MessageKey)]));
        errorBox.textContent = describeProblem(err.problem).message;
      } else {
        errorBox.textContent = t("report.error.storage");
      }
      errorBox.hidden = false;
    }
  }

  const form = h(
    "form",
    { class: "shelter-form", id: "shelter-form", novalidate: true },
    field("name", nameIn),
    h("div", { class: "field", "data-field": "kind" }, h("p", { class: "field-label" }, label("kind")), kindRow, slots.kind),
    field("capacity", capacityIn, t("shelterf.capacityHint")),
    field("floor_area_m2", areaIn),
    field("address", addressIn),
    h("div", { class: "field", "data-field": "location" }, h("p", { class: "field-label" }, label("location")), pointLine, mapBtn, slots.location),
    shelterId
      ? h("div", { class: "field", "data-field": "region_id" }, h("p", { class: "field-label" }, label("region_id")), regionFixed, slots.region_id)
      : field("region_id", regionSel),
    h("div", { class: "field", "data-field": "manager_ids" }, h("p", { class: "field-label" }, label("manager_ids")), managersNote, managersRow, slots.manager_ids),
    field("contact_phone", phoneIn),
    errorBox,
    netLine,
    savedLine,
    h("div", { class: "form-actions" }, submit, discard),
  );
  wraps.kind = form.querySelector<HTMLElement>('[data-field="kind"]') ?? undefined;
  wraps.location = form.querySelector<HTMLElement>('[data-field="location"]') ?? undefined;
  wraps.manager_ids = form.querySelector<HTMLElement>('[data-field="manager_ids"]') ?? undefined;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void once([submit], send);
  });
  discard.addEventListener("click", () =>
    void once([discard], async () => {
      if (saveTimer) clearTimeout(saveTimer);
      await deleteDraft(key).catch(() => undefined);
      const rec = shelterId ? await getRecord("shelters", shelterId).catch(() => undefined) : undefined;
      draft = rec ? draftFromShelter(rec, key) : emptyShelterDraft(key);
      restoredNote.hidden = true;
      savedLine.textContent = "";
      clearErrors();
      fill();
    }),
  );

  const section = h(
    "section",
    { class: "screen screen-shelter-form", "aria-labelledby": "shelterf-title" },
    h("div", { class: "screen-body" }, screenHead("shelterf-title", t(shelterId ? "shelterf.editTitle" : "shelterf.newTitle")), missing, restoredNote, form),
  );

  async function start(): Promise<void> {
    const raw = await getDraft(key).catch(() => undefined);
    if (raw) {
      draft = restoreShelterDraft(raw, key, shelterId ?? "");
      if (shelterDraftHasContent(draft)) {
        restoredNote.hidden = false;
        restoredNote.textContent = t("shelterf.restored", { time: savedAtText(draft.saved_at, getLang()) });
      }
    } else if (shelterId) {
      const rec = await getRecord("shelters", shelterId).catch(() => undefined);
      if (rec) draft = draftFromShelter(rec, key);
      else {
        missing.hidden = false;
        missing.textContent = t(reachable() ? "kiosk.missing" : "kiosk.missingOffline");
        submit.disabled = true;
      }
    }
    fill();
    await loadLists();
  }
  const net = () => (netLine.hidden = !surelyOffline());
  net();
  void start();
  whileAttached<boolean>(section, onNetworkChange, () => {
    net();
    renderManagers();
  });
  return section;
}
