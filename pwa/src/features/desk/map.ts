// 一张图, the desk's one map: incidents and orders (red), members on duty (green), hazards by risk
// colour and shelters by occupancy, each layer with its count and a toggle. Refreshed every 15 s
// while on screen and visible; the last answer is kept on this phone and shown, with its time,
// when the server cannot be reached, so the screen is never blank. Leaflet loads only here.
import { problemSentence } from "../../i18n/problem";
import { h } from "../../shared/dom";
import { onNetworkChange } from "../../shared/network";
import { onRoute } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { mapConfig, regionCentre } from "../../shared/picker";
import { t } from "../../i18n";
import { ApiError } from "../../api";
import { cachedMe } from "../auth/session";
import { DESK_ROLES } from "./desk";
import { fetchMap, keptMap, type Failure } from "./map-data";
import {
  clock,
  clockSeconds,
  keptFromVisible,
  legendModel,
  markerSvg,
  placedPoints,
  rowNote,
  toggleText,
  visibleFromKept,
  type LayerName,
  type MapAnswer,
} from "./map-model";
import type { DeskMap } from "./map-leaflet";

/** Who may open the map: the server answers GET /api/v1/map to these roles only. */
export const MAP_ROLES = new Set(["duty_officer", "admin", "captain"]);
export const REFRESH_MS = 15_000;
const HIDDEN_KEY = "yjt.deskmap.hidden";

function readHidden(): string | null {
  try {
    return localStorage.getItem(HIDDEN_KEY);
  } catch {
    return null;
  }
}

function keepHidden(value: string): void {
  try {
    localStorage.setItem(HIDDEN_KEY, value);
  } catch {
    /* the choice still holds while the screen is open */
  }
}

// The screen on display, stopped when another one replaces it (a re-render on a language switch).
let stopPrevious: (() => void) | null = null;

/** `focusOrder`: an order to centre and open (from its board's "地图" link). */
export function renderDeskMap(focusOrder?: string): HTMLElement {
  stopPrevious?.();
  const me = cachedMe()?.user ?? null;
  const userId = me?.id ?? null;
  const canOpenBoard = me ? DESK_ROLES.has(me.role) : false;

  let visible = visibleFromKept(readHidden());
  let answer: MapAnswer | null = null;
  let fromPhone = false; // the answer shown is the kept copy, not yet confirmed by the server
  let failure: Failure | null = null;
  let failedWith: unknown = null;
  let loading = false;
  let lastTry = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let view: DeskMap | null = null;
  let framed = false;
  let stopped = false;
  let seenOnPage = false;
  let legendSig = "";

  const status = h("p", { class: "dm-status", id: "dm-status", role: "status" }, t("deskmap.loading"));
  const toggles = h("div", { class: "dm-toggles", id: "dm-toggles", role: "group", "aria-label": t("deskmap.layers") });
  const notes = h("div", { class: "dm-notes", id: "dm-notes" });
  const keyList = h("dl", { class: "dm-key-list" });
  const keyBox = h("details", { class: "dm-key", id: "dm-key" }, h("summary", {}, t("deskmap.key")), keyList);
  if (window.matchMedia?.("(min-width: 900px)").matches) keyBox.open = true;
  const tilesNote = h("p", { class: "map-note dm-tiles-note", id: "dm-tiles-note", role: "status", hidden: true }, t("deskmap.tilesFailed"));
  const canvas = h("div", { class: "dm-canvas", id: "dm-canvas" });
  const empty = h("p", { class: "dm-empty", id: "dm-empty", hidden: true }, t("deskmap.none"));

  const section = h(
    "section",
    { class: "screen screen-wide dm-screen", "aria-labelledby": "dm-title" },
    h(
      "div",
      { class: "screen-body dm-body" },
      h("div", { class: "dm-top" }, screenHead("dm-title", t("deskmap.title")), status),
      h(
        "div",
        { class: "dm-layout" },
        h("div", { class: "dm-legend" }, toggles, notes),
        h("div", { class: "dm-main" }, h("div", { class: "dm-mapbox" }, canvas, empty), tilesNote),
        keyBox,
      ),
    ),
  );

  // ---- The legend: a toggle per layer with its count, notes, and what each colour means. ----

  function drawLegend(): void {
    const rows = legendModel(answer, visible);
    // The toggles are drawn again only when what they say changed: the 15 s refresh must not take
    // a toggle away from under a finger pressing it (the press then did nothing).
    const sig = JSON.stringify([rows.map((row) => [row.layer, row.visible, answer ? toggleText(row) : row.label, row.key[0]?.style]), t("deskmap.hidden")]);
    if (sig !== legendSig) {
      legendSig = sig;
      drawToggles(rows);
    }
    drawNotes(rows);
  }

  function drawToggles(rows: ReturnType<typeof legendModel>): void {
    toggles.replaceChildren(
      ...rows.map((row) => {
        const icon = h("span", { class: "dm-toggle-icon", "aria-hidden": "true" });
        icon.innerHTML = markerSvg(row.key[0].style, 22); // our own markup, no user text
        return h(
          "button",
          {
            type: "button",
            class: "dm-toggle",
            "data-layer": row.layer,
            "aria-pressed": String(row.visible),
            onclick: () => toggle(row.layer),
          },
          icon,
          h("span", { class: "dm-toggle-text" }, answer ? toggleText(row) : row.label),
          // The state in a mark or a word, not only the border (aria-pressed says it to a reader).
          h("span", { class: "dm-toggle-state", "aria-hidden": "true" }, row.visible ? "✓" : t("deskmap.hidden")),
        );
      }),
    );
  }

  function drawNotes(rows: ReturnType<typeof legendModel>): void {
    notes.replaceChildren(
      ...rows
        .map((row) => ({ row, note: answer ? rowNote(row) : "" }))
        .filter(({ note }) => note)
        .map(({ row, note }) => h("p", { class: "dm-note", "data-layer": row.layer }, note)),
    );
    keyList.replaceChildren(
      ...rows.flatMap((row) => [
        h("dt", {}, row.label),
        h(
          "dd",
          {},
          ...row.key.map((k) => {
            const icon = h("span", { class: "dm-key-icon", "aria-hidden": "true" });
            icon.innerHTML = markerSvg(k.style, 22);
            return h("span", { class: "dm-key-item" }, icon, k.text);
          }),
        ),
      ]),
    );
  }

  function toggle(layer: LayerName): void {
    if (visible.has(layer)) visible.delete(layer);
    else visible.add(layer);
    visible = new Set(visible);
    keepHidden(keptFromVisible(visible));
    view?.setVisible(visible);
    drawLegend();
    drawEmpty();
    toggles.querySelector<HTMLElement>(`[data-layer="${layer}"]`)?.focus();
  }

  function drawEmpty(): void {
    empty.hidden = !answer || placedPoints(answer, visible).length > 0;
  }

  // ---- Where things stand: fresh, the phone's copy, offline, refused. ----

  function drawStatus(): void {
    const reason = failedWith instanceof ApiError ? problemSentence(failedWith.problem) : "";
    let text: string;
    let tone = "ok";
    let every = false;
    if (failure === "forbidden") {
      text = t("deskmap.forbidden");
      tone = "bad";
    } else if (!answer) {
      if (failure === "offline") text = t("deskmap.offlineEmpty");
      else if (failure === "failed") text = t("deskmap.failedEmpty", { reason });
      else text = t("deskmap.loading");
      tone = failure ? "warn" : "ok";
    } else {
      const time = clock(answer.generated_at);
      if (failure === "offline") text = t("deskmap.offlineAt", { time });
      else if (failure === "failed") text = t("deskmap.failedAt", { reason, time });
      else if (fromPhone) text = t("deskmap.keptAt", { time });
      else text = t("deskmap.updated", { time: clockSeconds(answer.generated_at || new Date()) });
      every = !failure && !fromPhone;
      tone = failure ? "warn" : "ok";
    }
    // "每 15 秒自动刷新" in its own span, left out on the narrowest phones to keep one line.
    status.replaceChildren(text, every ? h("span", { class: "dm-every" }, t("deskmap.every")) : "");
    status.className = `dm-status dm-status-${tone}`;
    status.dataset.state = failure ?? (fromPhone ? "kept" : answer ? "fresh" : "loading");
  }

  function draw(): void {
    drawLegend();
    drawStatus();
    drawEmpty();
    if (!view || !answer) return;
    view.show(answer);
    if (!framed) framed = (focusOrder ? view.focus("orders", focusOrder) : false) || view.fitAll();
  }

  // ---- Loading and the 15 s refresh. ----

  function schedule(): void {
    clearTimeout(timer);
    if (stopped || document.visibilityState === "hidden") return;
    timer = setTimeout(() => void load(), Math.max(0, REFRESH_MS - (Date.now() - lastTry)));
  }

  /** False (and everything stopped) once the screen has left the page. */
  function onPage(): boolean {
    if (stopped) return false;
    if (section.isConnected) seenOnPage = true;
    else if (seenOnPage) {
      stop();
      return false;
    }
    return true;
  }

  async function load(): Promise<void> {
    if (!onPage() || loading) return;
    loading = true;
    lastTry = Date.now();
    const got = await fetchMap(userId);
    loading = false;
    if (!onPage()) return;
    if (got.ok) {
      answer = got.answer;
      fromPhone = false;
      failure = null;
      failedWith = null;
    } else {
      failure = got.failure;
      failedWith = got.error;
      if (got.failure === "forbidden") answer = null; // no longer allowed: show nothing kept either
    }
    draw();
    if (answer === null && failure === "forbidden") view?.show(emptyAnswer());
    schedule();
  }

  const onVisibility = () => {
    if (!onPage()) return;
    if (document.visibilityState === "hidden") clearTimeout(timer);
    else schedule();
  };
  document.addEventListener("visibilitychange", onVisibility);
  // The signal is back after a failed refresh: refresh now rather than in up to 15 s.
  const offNetwork = onNetworkChange((online) => {
    if (online && failure && !loading && onPage()) {
      clearTimeout(timer);
      void load();
    }
  });
  const offRoute = onRoute(() => queueMicrotask(() => void onPage()));

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", onVisibility);
    offNetwork();
    offRoute();
    view?.destroy();
    view = null;
    if (stopPrevious === stop) stopPrevious = null;
  }
  stopPrevious = stop;

  // The phone's copy first (shown at once, marked as such), the server's answer as soon as it comes.
  if (userId) {
    void keptMap(userId).then((kept) => {
      if (!kept || answer || stopped || failure === "forbidden") return;
      answer = kept.answer;
      fromPhone = true;
      draw();
    });
  }
  void load();

  void (async () => {
    const [config, centre, mod] = await Promise.all([
      mapConfig(4000),
      regionCentre(me?.region_id, 4000),
      import("./map-leaflet").catch(() => null),
    ]);
    if (!onPage()) return;
    if (!mod) {
      tilesNote.textContent = t("deskmap.mapFailed");
      tilesNote.hidden = false;
      return;
    }
    view = mod.createDeskMap(canvas, {
      config,
      canOpenBoard,
      start: centre,
      visible,
      onTilesFailed: () => (tilesNote.hidden = false),
    });
    draw();
  })();

  drawLegend();
  return section;
}

function emptyAnswer(): MapAnswer {
  return { generated_at: "", incidents: [], orders: [], members: [], hazards: [], shelters: [], truncated: [] };
}
