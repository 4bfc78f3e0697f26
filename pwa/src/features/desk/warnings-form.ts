// /desk/warnings/new and /desk/warnings/<id>/update: the form that issues a warning (kind and level
// as big buttons with words, title, message, what to do, China-time onset and expiry, the area as
// townships/villages or a polygon drawn on the map). Kept on this phone as it is typed; issuing asks
// first (it cannot be taken back) and sends once. Online only: a warning is issued from a desk.
import "./warnings.css";
import { h } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { confirmStep } from "../../shared/confirm";
import { ARM_MS, once } from "../../shared/guard";
import { isOnline, onNetworkChange } from "../../shared/network";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { showToast } from "../../shared/toast";
import { api, ApiError, OfflineError } from "../../api";
import { problemSlug } from "../../data/problem";
import { problemSentence } from "../../i18n/problem";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { mapConfig, regionCentre } from "../../shared/picker";
import {
  checkWarning,
  chinaInput,
  discardWarningDraft,
  emptyWarningDraft,
  fieldOf,
  fromChinaInput,
  loadWarningDraft,
  storeWarningDraft,
  warningBody,
  warningDraftKey,
  WARNING_KINDS,
  WARNING_LEVELS,
  type WarningDraft,
  type WarningField,
  type WarningItem,
} from "./warnings-model";

interface Region {
  id: number;
  parent_id: number | null;
  name: string;
  level: string;
}

interface Me {
  id: string;
  region_id?: string | null;
}

export const kindWord = (k: string) => (WARNING_KINDS.includes(k as never) ? t(`wd.k.${k}` as MessageKey) : k);
export const levelWord = (l: string) => (WARNING_LEVELS.includes(l as never) ? t(`wd.l.${l}` as MessageKey) : l);

/** The level as a coloured badge that always carries its word. */
export function levelBadge(level: string): HTMLElement {
  return h("span", { class: `wl-badge wl-${WARNING_LEVELS.includes(level as never) ? level : "none"}`, "data-level": level }, levelWord(level));
}

/** "3 个地区" or "地图上画的范围（5 个点）": what the confirm step names as the area. */
export function areaWords(d: WarningDraft): string {
  if (d.area === "polygon") return t("wd.areaPolygonN", { n: d.polygon.length });
  const names = d.region_ids.map((id) => d.region_names[String(id)]).filter(Boolean);
  const n = t("wd.areaRegionsN", { n: d.region_ids.length });
  // The names too while they fit in a sentence: "2 个地区（临城镇、古田村）".
  return names.length === d.region_ids.length && names.length <= 6 ? `${n}（${names.join("、")}）` : n;
}

/** A stored warning as a draft of its update (same fields, today's form). */
function draftFrom(w: WarningItem, key: string): WarningDraft {
  const d = emptyWarningDraft(key);
  d.kind = (WARNING_KINDS.find((k) => k === w.kind) ?? "") as WarningDraft["kind"];
  d.level = (WARNING_LEVELS.find((l) => l === w.level) ?? "") as WarningDraft["level"];
  d.title = w.title ?? "";
  d.body = w.body ?? "";
  d.instructions = w.instructions ?? "";
  if (w.onset_at) d.onset = chinaInput(new Date(w.onset_at));
  if (w.expires_at) d.expires = chinaInput(new Date(w.expires_at));
  if (w.polygon && w.polygon.length >= 3) {
    d.area = "polygon";
    d.polygon = w.polygon.map((p) => [p[0], p[1]]);
  } else {
    d.area = "regions";
    d.region_ids = [...(w.region_ids ?? [])];
    d.region_names = Object.fromEntries((w.regions ?? []).map((r) => [String(r.id), r.name]));
  }
  return d;
}

export function renderWarningForm(me: Me, updateOf?: string): HTMLElement {
  const key = updateOf ? `${warningDraftKey(me.id)}:update:${updateOf}` : warningDraftKey(me.id);
  let d = emptyWarningDraft(key);
  let reason = "";
  let regions: Region[] = [];
  const errs: Partial<Record<WarningField, HTMLElement>> = {};
  const slot = (f: WarningField) => (errs[f] = errorSlot(`wd-${f}-err`));

  // Kind and level: radio buttons under big faces with words.
  const radios = <T extends string>(name: string, values: readonly T[], word: (v: T) => string, cls: (v: T) => string, onPick: (v: T) => void) =>
    values.map((v) => {
      const input = h("input", { type: "radio", name, value: v, class: "visually-hidden", id: `${name}-${v}` });
      input.addEventListener("change", () => input.checked && onPick(v));
      return { v, input, label: h("label", { class: `chip ${cls(v)}`, for: input.id }, input, h("span", { class: "chip-face" }, word(v))) };
    });
  const kinds = radios("wd-kind", WARNING_KINDS, kindWord, () => "", (v) => change(() => (d.kind = v), "kind"));
  const levels = radios("wd-level", WARNING_LEVELS, levelWord, (v) => `wl-chip wl-${v}`, (v) => change(() => (d.level = v), "level"));
  const kindBox = h("fieldset", { class: "chips", id: "wd-kind" }, h("legend", {}, t("wd.f.kind")), h("div", { class: "chip-row" }, ...kinds.map((k) => k.label)), slot("kind"));
  const levelBox = h("fieldset", { class: "chips", id: "wd-level" }, h("legend", {}, t("wd.f.level")), h("div", { class: "chip-row wl-levels" }, ...levels.map((k) => k.label)), slot("level"));

  const titleIn = h("input", { type: "text", id: "wd-title", maxlength: 120, autocomplete: "off" });
  const bodyIn = h("textarea", { id: "wd-body", rows: 5, maxlength: 4000 });
  const instrIn = h("textarea", { id: "wd-instructions", rows: 3, maxlength: 2000 });
  const onsetIn = h("input", { type: "datetime-local", id: "wd-onset" });
  const expiresIn = h("input", { type: "datetime-local", id: "wd-expires" });
  const onsetWords = h("p", { class: "hint", "aria-live": "polite" });
  const expiresWords = h("p", { class: "hint", "aria-live": "polite" });
  const reasonIn = h("textarea", { id: "wd-reason", rows: 2, maxlength: 500 });
  const text: [HTMLInputElement | HTMLTextAreaElement, WarningField, (v: string) => void][] = [
    [titleIn, "title", (v) => (d.title = v)],
    [bodyIn, "body", (v) => (d.body = v)],
    [instrIn, "instructions", (v) => (d.instructions = v)],
    [onsetIn, "onset", (v) => (d.onset = v)],
    [expiresIn, "expires", (v) => (d.expires = v)],
  ];
  for (const [el, field, set] of text) el.addEventListener("input", () => change(() => set(el.value), field));
  reasonIn.addEventListener("input", () => {
    reason = reasonIn.value;
    if (errs.reason) markField(reasonIn, errs.reason, null);
  });

  // The area: regions or a polygon.
  const areaRegions = h("input", { type: "radio", name: "wd-area", value: "regions", id: "wd-area-regions", class: "visually-hidden" });
  const areaPolygon = h("input", { type: "radio", name: "wd-area", value: "polygon", id: "wd-area-polygon", class: "visually-hidden" });
  areaRegions.addEventListener("change", () => areaRegions.checked && change(() => (d.area = "regions"), "area"));
  areaPolygon.addEventListener("change", () => areaPolygon.checked && change(() => (d.area = "polygon"), "area"));
  const regionList = h("div", { class: "wd-regions", id: "wd-regions", role: "group", tabindex: "-1", "aria-label": t("wd.f.areaRegions") }, h("p", { class: "hint" }, t("wd.loading")));
  const chosenLine = h("p", { class: "hint", id: "wd-chosen", "aria-live": "polite" });
  const boxes = new Map<number, HTMLInputElement>();
  const polyLine = h("p", { class: "hint", id: "wd-polygon-n", "aria-live": "polite" });
  const drawBtn = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "wd-draw" }, t("wd.draw"));
  const regionPart = h("div", { class: "wd-area-part" }, regionList, chosenLine);
  const polygonPart = h("div", { class: "wd-area-part" }, polyLine, drawBtn);
  const areaBox = h(
    "fieldset",
    { class: "chips", id: "wd-area" },
    h("legend", {}, t("wd.f.area")),
    h(
      "div",
      { class: "chip-row" },
      h("label", { class: "chip", for: areaRegions.id }, areaRegions, h("span", { class: "chip-face" }, t("wd.f.areaRegions"))),
      h("label", { class: "chip", for: areaPolygon.id }, areaPolygon, h("span", { class: "chip-face" }, t("wd.f.areaPolygon"))),
    ),
    regionPart,
    polygonPart,
    slot("area"),
  );

  const kept = h("p", { class: "hint", id: "wd-kept", "aria-live": "polite" });
  const status = h("p", { class: "notice", role: "status", id: "wd-status", hidden: true });
  const offlineWhy = h("p", { class: "hint", id: "wd-offline" });
  const issueBtn = h("button", { type: "submit", class: "btn btn-primary btn-block btn-huge", id: "wd-issue" }, updateOf ? t("wd.updateConfirm") : t("wd.issue"));
  const draftBtn = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "wd-save-draft", hidden: Boolean(updateOf) }, t("wd.saveDraft"));
  const discardBtn = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "wd-discard" }, t("wd.discard"));
  const buttons = [issueBtn, draftBtn, discardBtn];

  function paintRegions(): void {
    // A ticked township covers its villages: they show ticked and cannot be ticked alone.
    const towns = new Set(regions.filter((r) => r.level === "township" && d.region_ids.includes(r.id)).map((r) => r.id));
    for (const r of regions) {
      const box = boxes.get(r.id);
      if (!box) continue;
      const covered = r.parent_id !== null && towns.has(r.parent_id);
      box.disabled = covered;
      box.checked = covered || d.region_ids.includes(r.id);
    }
    chosenLine.textContent = t("wd.regionsChosen", { n: d.region_ids.length });
  }

  function paint(): void {
    for (const k of kinds) k.input.checked = d.kind === k.v;
    for (const l of levels) l.input.checked = d.level === l.v;
    titleIn.value = d.title;
    bodyIn.value = d.body;
    instrIn.value = d.instructions;
    onsetIn.value = d.onset;
    expiresIn.value = d.expires;
    reasonIn.value = reason;
    areaRegions.checked = d.area === "regions";
    areaPolygon.checked = d.area === "polygon";
    regionPart.hidden = d.area !== "regions";
    polygonPart.hidden = d.area !== "polygon";
    polyLine.textContent = d.polygon.length ? t("wd.polygonN", { n: d.polygon.length }) : t("wd.polygonNone");
    drawBtn.textContent = d.polygon.length ? t("wd.redraw") : t("wd.draw");
    paintTimes();
    paintRegions();
  }

  function paintTimes(): void {
    const o = fromChinaInput(d.onset);
    const e = fromChinaInput(d.expires);
    onsetWords.textContent = o ? formatDateTime(o) : "";
    expiresWords.textContent = e ? formatDateTime(e) : "";
  }

  // Every change is kept on this phone at once: the app may be killed half-way.
  // data-state says whether the last change is on the phone yet ("saving" until it is).
  let saving: Promise<unknown> = Promise.resolve();
  let unsaved = 0;
  function keep(): void {
    const snapshot = { ...d };
    unsaved += 1;
    kept.dataset.state = "saving";
    saving = saving
      .then(() => storeWarningDraft(snapshot))
      .then((at) => (kept.textContent = t("wd.draftKept", { time: formatDateTime(at) })))
      .catch(() => undefined)
      .finally(() => {
        unsaved -= 1;
        if (!unsaved) kept.dataset.state = "saved";
      });
  }

  // Set by the first change: the draft restored below must not overwrite what was typed meanwhile
  // (on a loaded phone IndexedDB can answer after the first taps).
  let touched = false;
  function change(fn: () => void, field: WarningField): void {
    touched = true;
    fn();
    if (errs[field]) markField(controlsOf(field), errs[field]!, null);
    if (field === "area") paint();
    if (field === "onset" || field === "expires") paintTimes();
    keep();
  }

  function controlsOf(f: WarningField): HTMLElement[] {
    switch (f) {
      case "kind":
        return kinds.map((k) => k.input);
      case "level":
        return levels.map((l) => l.input);
      case "title":
        return [titleIn];
      case "body":
        return [bodyIn];
      case "instructions":
        return [instrIn];
      case "onset":
        return [onsetIn];
      case "expires":
        return [expiresIn];
      case "reason":
        return [reasonIn];
      default:
        return [regionList];
    }
  }

  function regionBox(r: Region): HTMLElement {
    const box = h("input", { type: "checkbox", value: String(r.id), id: `wd-r-${r.id}` });
    boxes.set(r.id, box);
    box.addEventListener("change", () =>
      change(() => {
        const ids = new Set(d.region_ids);
        if (box.checked) ids.add(r.id);
        else ids.delete(r.id);
        // Ticking a township takes its villages in: they are not sent twice.
        if (box.checked && r.level === "township") for (const v of regions) if (v.parent_id === r.id) ids.delete(v.id);
        d.region_ids = [...ids];
        d.region_names = { ...d.region_names, [String(r.id)]: r.name };
        paintRegions();
      }, "area"),
    );
    return h("label", { class: `wd-region wd-${r.level}`, for: box.id }, box, h("span", {}, r.level === "township" ? t("wd.wholeTownship", { name: r.name }) : r.name));
  }

  let loading = false;
  async function loadRegions(): Promise<void> {
    if (loading || regions.length) return;
    loading = true;
    try {
      const { items } = await api.get<{ items: Region[] }>("/api/v1/regions");
      regions = items.filter((r) => r.level === "township" || r.level === "village");
      const towns = regions.filter((r) => r.level === "township");
      const villagesOf = (id: number) => regions.filter((r) => r.level === "village" && r.parent_id === id);
      regionList.replaceChildren(
        ...(towns.length ? towns.map((town) => h("div", { class: "wd-town" }, regionBox(town), h("div", { class: "wd-villages" }, ...villagesOf(town.id).map(regionBox)))) : regions.map(regionBox)),
      );
      paintRegions();
    } catch (err) {
      regionList.replaceChildren(h("p", { class: "notice" }, err instanceof OfflineError || !(err instanceof ApiError) ? t("wd.regionsOffline") : problemSentence(err.problem)));
    } finally {
      loading = false;
    }
  }

  drawBtn.addEventListener("click", () => {
    void once([drawBtn], async () => {
      const [{ drawPolygon }, config, centre] = await Promise.all([import("./warnings-map"), mapConfig(), regionCentre(me.region_id)]);
      const got = await drawPolygon({ config, centre, polygon: d.polygon, opener: drawBtn });
      if (got) change(() => (d.polygon = got), "area");
    });
  });

  function paintNetwork(): void {
    const online = isOnline();
    for (const b of [issueBtn, draftBtn]) if (b.dataset.busy !== "true") b.disabled = !online;
    offlineWhy.textContent = online ? "" : t("wd.offline");
    if (online) void loadRegions();
  }

  function check(): boolean {
    const problems = checkWarning(d, { reason, needReason: Boolean(updateOf) });
    const fields = Object.keys(errs) as WarningField[];
    for (const f of fields) markField(controlsOf(f), errs[f]!, problems[f] ? t(problems[f]!) : null);
    const first = fields.find((f) => problems[f]);
    if (first) {
      const boxOf: Partial<Record<WarningField, HTMLElement>> = { kind: kindBox, level: levelBox, area: areaBox };
      revealField(boxOf[first] ?? controlsOf(first)[0], controlsOf(first)[0]);
      status.textContent = t("wd.fixFirst");
      status.hidden = false;
    }
    return !first;
  }

  function showRefusal(err: ApiError): void {
    const errors = err.errors ?? {};
    const keys = Object.keys(errors);
    if (problemSlug(err) === "validation" && keys.length) {
      for (const k of keys) {
        const f = fieldOf(k);
        if (f && errs[f]) markField(controlsOf(f), errs[f]!, t("wd.err.server"));
      }
      status.textContent = t("wd.fixFirst");
    } else {
      status.textContent = problemSentence(err.problem);
    }
    status.hidden = false;
  }

  async function send(asDraft: boolean): Promise<void> {
    status.hidden = true;
    if (!check() || !isOnline()) return;
    if (!asDraft) {
      const yes = await confirmStep({
        title: updateOf ? t("wd.updateAsk") : t("wd.issueAsk", { level: levelWord(d.level) }),
        body: updateOf ? t("wd.updateAskBody", { area: areaWords(d) }) : t("wd.issueAskBody", { title: d.title.trim(), area: areaWords(d) }),
        confirm: updateOf ? t("wd.updateConfirm") : t("wd.issueConfirm"),
        danger: true,
      });
      if (!yes) return;
    }
    // The second tap of a double tap on the confirm button lands on the form under it: the form
    // takes no taps until the answer is in (and a moment after), so it cannot tick a village.
    form.inert = true;
    try {
      const path = updateOf ? `/api/v1/warnings/${encodeURIComponent(updateOf)}/update` : "/api/v1/warnings";
      const w = await api.post<WarningItem>(path, warningBody(d, updateOf ? { reason } : { draft: asDraft }));
      await saving;
      await discardWarningDraft(key).catch(() => undefined);
      // With two-person approval on the server answers a draft whatever was asked: say so there.
      showToast(w.state === "draft" ? (asDraft ? t("wd.savedDraft") : t("wd.pendingNote")) : updateOf ? t("wd.updated") : t("wd.sent"));
      navigate(`/desk/warnings/${encodeURIComponent(w.id)}`, true);
    } catch (err) {
      if (err instanceof ApiError) showRefusal(err);
      else {
        status.textContent = t("wd.noAnswer");
        status.hidden = false;
      }
    } finally {
      setTimeout(() => (form.inert = false), ARM_MS);
    }
  }

  const form = h(
    "form",
    { class: "wd-form", id: "wd-form", novalidate: true },
    kindBox,
    levelBox,
    h("div", { class: "field" }, h("label", { for: titleIn.id }, t("wd.f.title")), titleIn, slot("title")),
    h("div", { class: "field" }, h("label", { for: bodyIn.id }, t("wd.f.body")), bodyIn, slot("body")),
    h("div", { class: "field" }, h("label", { for: instrIn.id }, t("wd.f.instructions")), instrIn, slot("instructions")),
    h("div", { class: "field" }, h("label", { for: onsetIn.id }, t("wd.f.onset")), onsetIn, onsetWords, slot("onset")),
    h("div", { class: "field" }, h("label", { for: expiresIn.id }, t("wd.f.expires")), expiresIn, expiresWords, slot("expires")),
    areaBox,
    updateOf ? h("div", { class: "field" }, h("label", { for: reasonIn.id }, t("wd.f.reasonUpdate")), reasonIn, slot("reason")) : null,
    kept,
    status,
    h("div", { class: "form-actions" }, offlineWhy, issueBtn, draftBtn, discardBtn),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void once(buttons, () => send(false)).then(paintNetwork);
  });
  draftBtn.addEventListener("click", () => void once(buttons, () => send(true)).then(paintNetwork));
  discardBtn.addEventListener("click", () =>
    void once(buttons, async () => {
      if (!(await confirmStep({ title: t("wd.discardAsk"), confirm: t("wd.discardConfirm"), danger: true }))) return;
      await discardWarningDraft(key).catch(() => undefined);
      d = emptyWarningDraft(key);
      reason = "";
      kept.textContent = "";
      paint();
    }).then(paintNetwork),
  );

  const section = h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "wd-form-title" },
    h("div", { class: "screen-body" }, screenHead("wd-form-title", updateOf ? t("wd.updateTitle") : t("wd.newTitle")), form),
  );
  paint();
  // The draft kept on this phone first; an update with none starts from the message it updates.
  void (async () => {
    const stored = await loadWarningDraft(key).catch(() => null);
    if (touched) return; // what is on the screen is newer, and is being kept
    if (stored) {
      d = stored;
      if (stored.saved_at) kept.textContent = t("wd.draftKept", { time: formatDateTime(stored.saved_at) });
    } else if (updateOf) {
      try {
        const from = draftFrom(await api.get<WarningItem>(`/api/v1/warnings/${encodeURIComponent(updateOf)}`), key);
        if (touched) return;
        d = from;
      } catch (err) {
        status.textContent = err instanceof ApiError ? problemSentence(err.problem) : t("wd.offline");
        status.hidden = false;
      }
    }
    paint();
  })();
  const off = onNetworkChange(() => {
    if (!section.isConnected) return off();
    paintNetwork();
  });
  paintNetwork();
  return section;
}
