// /disasters/new: the desk opens a disaster event (开启灾害过程). The kind as big buttons with
// words, a name, the townships and villages affected from the region tree the desk can see, the
// start time (now by default). The server route is REST only, so the form sends only with a
// signal; it asks first, sends once and lands on the event's summary.
import "./disaster.css";
import { h } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { confirmStep } from "../../shared/confirm";
import { once } from "../../shared/guard";
import { isOnline, onNetworkChange } from "../../shared/network";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { api, ApiError, OfflineError } from "../../api";
import { problemSlug } from "../../data/problem";
import { problemSentence } from "../../i18n/problem";
import { formatDateTime, t } from "../../i18n";
import { kindLabel } from "./disasters";
import type { DisasterEvent } from "./data";

export const EVENT_KINDS = ["typhoon", "rainstorm", "flood", "geological", "forest_fire", "other"] as const;

interface Region {
  id: number;
  parent_id: number | null;
  name: string;
  level: string;
}

/** The value of a datetime-local input for `d` in the phone's own time zone. */
export function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The region ids to send: a ticked township stands for all its villages, so they are left out. */
export function chosenIds(regions: Region[], ticked: Set<number>): number[] {
  const byId = new Map(regions.map((r) => [r.id, r]));
  return [...ticked].filter((id) => {
    const parent = byId.get(id)?.parent_id;
    return !(parent !== null && parent !== undefined && ticked.has(parent) && byId.get(parent)?.level === "township");
  });
}

export function renderOpenEvent(): HTMLElement {
  let kind = "";
  const ticked = new Set<number>();
  let regions: Region[] = [];

  const kindErr = errorSlot("dzo-kind-err");
  const kindInputs = EVENT_KINDS.map((k) => {
    const input = h("input", { type: "radio", name: "dzo-kind", value: k, class: "visually-hidden" });
    input.addEventListener("change", () => {
      if (!input.checked) return;
      kind = k;
      markField(kindInputs, kindErr, null);
    });
    return input;
  });
  const kindBox = h(
    "fieldset",
    { class: "chips", id: "dzo-kind" },
    h("legend", {}, t("dzo.kind")),
    h("div", { class: "chip-row dzo-kinds" }, ...kindInputs.map((input) => h("label", { class: "chip" }, input, h("span", { class: "chip-face" }, kindLabel(input.value))))),
    kindErr,
  );

  const nameIn = h("input", { type: "text", id: "dzo-name", maxlength: 100, autocomplete: "off", placeholder: t("dzo.namePlaceholder") });
  const nameErr = errorSlot("dzo-name-err");
  nameIn.addEventListener("input", () => markField(nameIn, nameErr, null));

  const now = new Date();
  const atIn = h("input", { type: "datetime-local", id: "dzo-at", value: localInput(now), max: localInput(new Date(now.getTime() + 60_000)) });
  const atErr = errorSlot("dzo-at-err");
  // The native picker speaks the browser's language; the time in our own words below it.
  const atWords = h("p", { class: "hint", id: "dzo-at-words", "aria-live": "polite" });
  const paintAt = () => {
    const at = atIn.value ? new Date(atIn.value) : null;
    atWords.textContent = at && !Number.isNaN(at.getTime()) ? t("dzo.atIs", { time: formatDateTime(at) }) : "";
  };
  atIn.addEventListener("input", paintAt);
  paintAt();

  const regionList = h("div", { class: "dzo-regions", id: "dzo-regions", tabindex: "-1", role: "group", "aria-label": t("dzo.regions") }, h("p", { class: "hint" }, t("desk.loading")));
  const regionErr = errorSlot("dzo-regions-err");
  const chosenLine = h("p", { class: "hint", id: "dzo-chosen", "aria-live": "polite" });
  const boxes = new Map<number, HTMLInputElement>();

  function paintChosen(): void {
    const byId = new Map(regions.map((r) => [r.id, r]));
    let villages = 0;
    for (const r of regions) {
      if (r.level !== "village") continue;
      if (ticked.has(r.id) || (r.parent_id !== null && ticked.has(r.parent_id) && byId.get(r.parent_id)?.level === "township")) villages += 1;
    }
    chosenLine.textContent = ticked.size ? t("dzo.chosen", { n: villages }) : t("dzo.noneChosen");
    // A ticked township covers its villages: they show as ticked and cannot be unticked alone.
    for (const r of regions) {
      const box = boxes.get(r.id);
      if (!box || r.level !== "village") continue;
      const covered = r.parent_id !== null && ticked.has(r.parent_id);
      box.disabled = covered;
      box.checked = covered || ticked.has(r.id);
    }
  }

  function regionBox(r: Region): HTMLElement {
    const box = h("input", { type: "checkbox", value: String(r.id), id: `dzo-r-${r.id}` });
    boxes.set(r.id, box);
    box.addEventListener("change", () => {
      if (box.checked) ticked.add(r.id);
      else ticked.delete(r.id);
      markField(regionList, regionErr, null);
      paintChosen();
    });
    return h("label", { class: `dzo-region dzo-${r.level}`, for: box.id }, box, h("span", {}, r.level === "township" ? t("dzo.wholeTownship", { name: r.name }) : r.name));
  }

  let loading = false;
  async function loadRegions(): Promise<void> {
    loading = true;
    try {
      const { items } = await api.get<{ items: Region[] }>("/api/v1/regions");
      regions = items.filter((r) => r.level === "township" || r.level === "village");
      const towns = regions.filter((r) => r.level === "township");
      const villagesOf = (id: number) => regions.filter((r) => r.level === "village" && r.parent_id === id);
      const groups = towns.length
        ? towns.map((town) => h("div", { class: "dzo-town" }, regionBox(town), h("div", { class: "dzo-villages" }, ...villagesOf(town.id).map(regionBox))))
        : regions.map(regionBox); // a township's desk sees only its villages
      regionList.replaceChildren(...groups);
      paintChosen();
    } catch (err) {
      regionList.replaceChildren(h("p", { class: "notice" }, t(err instanceof OfflineError ? "dzo.regionsOffline" : "dz.loadFailed")));
    } finally {
      loading = false;
    }
  }

  const status = h("p", { class: "notice", role: "status", hidden: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block btn-huge", id: "dzo-submit" }, t("dzo.submit"));
  const offlineWhy = h("p", { class: "hint", id: "dzo-offline" });

  function paintNetwork(): void {
    const online = isOnline();
    submit.disabled = !online || submit.dataset.busy === "true";
    offlineWhy.textContent = online ? "" : t("dzo.offline");
    if (online && !regions.length && !loading) void loadRegions();
  }

  function check(): boolean {
    const failed: [Element | null, HTMLElement][] = [];
    const fail = (controls: HTMLElement | HTMLElement[], slot: HTMLElement, msg: string, field: Element | null, focus: HTMLElement) => {
      markField(controls, slot, msg);
      failed.push([field, focus]);
    };
    if (!kind) fail(kindInputs, kindErr, t("dzo.err.kind"), kindBox, kindInputs[0]);
    if (!nameIn.value.trim()) fail(nameIn, nameErr, t("dzo.err.name"), nameIn, nameIn);
    if (!ticked.size) fail(regionList, regionErr, t("dzo.err.regions"), regionList, regionList);
    const at = atIn.value ? new Date(atIn.value) : null;
    if (!at || Number.isNaN(at.getTime())) fail(atIn, atErr, t("dzo.err.at"), atIn, atIn);
    else if (at.getTime() > Date.now() + 60_000) fail(atIn, atErr, t("dzo.err.atFuture"), atIn, atIn);
    else markField(atIn, atErr, null);
    if (failed.length) revealField(failed[0][0], failed[0][1]);
    return !failed.length;
  }

  /** The server's 422 at its fields, in our words (never its detail). */
  function showRefusal(err: ApiError): void {
    const errors = err.errors ?? {};
    const keys = Object.keys(errors);
    if (problemSlug(err) === "validation" && keys.length) {
      for (const key of keys) {
        if (key === "kind") markField(kindInputs, kindErr, t("dzo.err.kind"));
        else if (key === "name") markField(nameIn, nameErr, t("dzo.err.name"));
        else if (key === "opened_at") markField(atIn, atErr, t("dzo.err.at"));
        else if (key.startsWith("region_ids")) markField(regionList, regionErr, t("dzo.err.regionsRefused"));
      }
      status.textContent = t("dz.fixFirst");
    } else {
      status.textContent = problemSentence(err.problem);
    }
    status.hidden = false;
  }

  const form = h(
    "form",
    { class: "shelter-form dzo-form", id: "dzo-form", novalidate: true },
    kindBox,
    h("div", { class: "field" }, h("label", { for: "dzo-name" }, t("dzo.name")), nameIn, nameErr),
    h("div", { class: "field" }, h("span", { class: "field-label" }, t("dzo.regions")), h("p", { class: "hint" }, t("dzo.regionsHint")), regionList, chosenLine, regionErr),
    h("div", { class: "field" }, h("label", { for: "dzo-at" }, t("dzo.at")), atIn, atWords, h("p", { class: "hint" }, t("dzo.atHint")), atErr),
    status,
    h("div", { class: "form-actions" }, offlineWhy, submit),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void once([submit], async () => {
      status.hidden = true;
      if (!check() || !isOnline()) return;
      const names = chosenIds(regions, ticked).map((id) => regions.find((r) => r.id === id)?.name ?? "");
      const yes = await confirmStep({
        title: t("dzo.confirmTitle", { kind: kindLabel(kind), name: nameIn.value.trim() }),
        body: t("dzo.confirmBody", { regions: names.join("、") }),
        confirm: t("dzo.confirmYes"),
      });
      if (!yes) return;
      try {
        const ev = await api.post<DisasterEvent>("/api/v1/disaster-events", {
          kind,
          name: nameIn.value.trim(),
          region_ids: chosenIds(regions, ticked),
          opened_at: new Date(atIn.value).toISOString(),
        });
        navigate(`/disasters/${encodeURIComponent(ev.id)}`, true);
      } catch (err) {
        if (err instanceof ApiError) showRefusal(err);
        else {
          // No answer: it may or may not have reached the server. Say so, so nobody opens it twice.
          status.textContent = t("dzo.noAnswer");
          status.hidden = false;
        }
      }
    }).then(paintNetwork);
  });

  const section = h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "dzo-title" },
    h("div", { class: "screen-body" }, screenHead("dzo-title", t("dzo.title")), form),
  );
  const off = onNetworkChange(() => {
    if (!section.isConnected) return off();
    paintNetwork();
  });
  paintNetwork();
  return section;
}
