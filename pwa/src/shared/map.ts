// The map point picker: a full-screen dialog with a pin to drag (or a tap to move it), loaded only
// when opened so Leaflet stays out of the shell. It works with no tiles at all (offline, blocked):
// a plain grid, the scale bar and the pin, and a note saying the background did not load.
import * as L from "leaflet";
import "leaflet/dist/leaflet.css";
import "./map.css";
import { h } from "./dom";
import { formatDateTime, t } from "../i18n";
import { fromMap, toMap, type LatLon, type MapCrs } from "./coords";
import type { MapConfig, PickerStart } from "./picker";

export type PickResult = { kind: "point"; lat: number; lon: number } | { kind: "manual" } | { kind: "cancel" };

export interface PickerOptions {
  /** Where the pin starts, in WGS-84. */
  start: PickerStart;
  /** The server's tile settings; null (never fetched) means no background, only the grid. */
  config: MapConfig | null;
  regionName?: string | null;
  /** Gets the focus back when the picker closes. */
  opener?: HTMLElement;
}

// 1e-6° is ~10 cm: finer than any phone's GPS, without float noise in what is stored and sent.
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
const KEY_STEP_PX = 12;

// The pin: the app's red-orange with a white and a dark rim, visible on tiles and on the bare grid;
// its tip (the point picked) is the bottom centre of a 48x60 touch target.
const PIN_SVG =
  '<svg viewBox="-4 -8 48 60" width="48" height="60" aria-hidden="true" focusable="false">' +
  '<path d="M20 1C9.5 1 1 9.3 1 19.6 1 33 20 51 20 51s19-18 19-31.4C39 9.3 30.5 1 20 1z" fill="none" stroke="#0f172a" stroke-width="4"/>' +
  '<path d="M20 1C9.5 1 1 9.3 1 19.6 1 33 20 51 20 51s19-18 19-31.4C39 9.3 30.5 1 20 1z" fill="#c2410c" stroke="#fff" stroke-width="2"/>' +
  '<circle cx="20" cy="19.5" r="7" fill="#fff"/></svg>';

/** A grid drawn on the phone under the tiles: with no tiles, panning and zooming still show. */
class PlainGrid extends L.GridLayer {
  protected createTile(): HTMLElement {
    const tile = document.createElement("div");
    tile.className = "map-grid-tile";
    return tile;
  }
}

// Leaflet puts attribution and divIcon markup in as HTML; text from the server or from users is
// shown as text.
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export interface BaseMapOptions {
  center: L.LatLngExpression;
  zoom: number;
  zoomSnap?: number;
  /** The server's tile settings; null (never fetched) means no background, only the grid. */
  config: MapConfig | null;
  /** Called (more than once, maybe) when tiles cannot be shown: the grid is all there is. */
  onTilesFailed: () => void;
  attributionPosition?: L.ControlPosition;
}

/** The map both screens stand on: a grid that shows with no tiles, the tiles over it when they
 * load, zoom and scale controls, and a size kept in step with its box. `destroy` undoes it. */
export function baseMap(canvas: HTMLElement, opts: BaseMapOptions): { map: L.Map; destroy(): void } {
  const still = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;
  const map = L.map(canvas, {
    center: opts.center,
    zoom: opts.zoom,
    minZoom: 3,
    maxZoom: 18,
    zoomSnap: opts.zoomSnap ?? 1,
    zoomControl: false,
    attributionControl: false,
    zoomAnimation: !still,
    fadeAnimation: !still,
    markerZoomAnimation: !still,
  });
  // The box changes size with a note, a wrapped line, the phone turned or its font size set.
  const resized = new ResizeObserver(() => map.invalidateSize());
  resized.observe(canvas);
  new PlainGrid({ zIndex: 0, tileSize: 128 }).addTo(map);
  L.control.zoom({ position: "bottomright", zoomInTitle: t("map.zoomIn"), zoomOutTitle: t("map.zoomOut") }).addTo(map);
  L.control.scale({ position: "bottomleft", imperial: false, maxWidth: 120 }).addTo(map);
  const config = opts.config;
  if (config) {
    L.control
      .attribution({ prefix: false, position: opts.attributionPosition ?? "bottomright" })
      .addAttribution(escapeHtml(config.attribution))
      .addTo(map);
    const tiles = L.tileLayer(config.tile_url, { subdomains: config.subdomains || "abc", maxZoom: 18, zIndex: 1 });
    tiles.on("tileerror", (e: L.TileErrorEvent) => {
      e.tile.style.visibility = "hidden"; // no broken-image box over the grid
      opts.onTilesFailed();
    });
    tiles.addTo(map);
  } else {
    opts.onTilesFailed(); // never had the server's tile settings: the grid is all there is
  }
  return {
    map,
    destroy() {
      resized.disconnect();
      map.remove();
    },
  };
}

function fromText(start: PickerStart, regionName?: string | null): string {
  switch (start.from) {
    case "current":
      return t("map.from.current");
    case "lastFix":
      return t("map.from.lastFix", { time: start.at ? formatDateTime(start.at) : "" });
    case "region":
      return t("map.from.region", { region: regionName || t("map.from.regionUnnamed") });
    default:
      return t("map.from.none");
  }
}

export function openMapPicker(opts: PickerOptions): Promise<PickResult> {
  const { start, config } = opts;
  const crs: MapCrs = config ? config.crs : "wgs84";

  // Under the map, not over it: the note must never hide the pin on a 320x568 phone.
  const note = h("p", { class: "map-note", role: "status", hidden: true }, t("map.tilesFailed"));
  const canvas = h("div", { class: "map-canvas" });
  const readout = h("p", { class: "map-readout", "aria-live": "polite" });
  const title = h("h2", { id: "map-title", tabindex: "-1" }, t("map.title"));
  const cancel = h("button", { type: "button", class: "btn map-cancel" }, t("common.cancel"));
  const use = h("button", { type: "button", class: "btn btn-primary btn-block map-use" }, t("map.use"));
  const manual = h("button", { type: "button", class: "btn btn-secondary btn-block" }, t("map.manual"));
  const dialog = h(
    "dialog",
    { class: "map-picker", "aria-labelledby": "map-title" },
    h("div", { class: "map-head" }, title, cancel, h("p", { class: "map-hint" }, t("map.hint"))),
    h("div", { class: "map-box" }, canvas),
    note,
    h("div", { class: "map-foot" }, h("p", { class: "map-from" }, fromText(start, opts.regionName)), readout, use, manual),
  );
  // Filled before the map measures its box, so the footer does not grow under it afterwards.
  readout.textContent = t("map.pinAt", { lat: start.lat.toFixed(5), lon: start.lon.toFixed(5) });
  document.body.appendChild(dialog);
  document.documentElement.classList.add("map-open");
  dialog.showModal();
  title.focus();

  const onMap = toMap(start, crs);
  const { map, destroy } = baseMap(canvas, {
    center: [onMap.lat, onMap.lon],
    zoom: start.zoom,
    config,
    onTilesFailed: () => (note.hidden = false),
  });

  // A known start stays marked: on the bare grid it is the one reference ("the pin is 200 m
  // north-east of the village centre", with the scale bar).
  if (start.from !== "none") {
    L.circleMarker([onMap.lat, onMap.lon], { radius: 6, weight: 3, color: "#0f172a", fillColor: "#fff", fillOpacity: 1, interactive: false })
      .bindTooltip(t("map.startMark"), { permanent: true, direction: "left", offset: [-8, 0], className: "map-start" })
      .addTo(map);
  }

  const pin = L.marker([onMap.lat, onMap.lon], {
    draggable: true,
    autoPan: true,
    keyboard: true,
    title: t("map.pin"),
    alt: t("map.pin"),
    icon: L.divIcon({ className: "map-pin", html: PIN_SVG, iconSize: [48, 60], iconAnchor: [24, 59] }),
  }).addTo(map);

  /** The pin's point in WGS-84, whatever datum the tiles are drawn in. */
  const picked = (): LatLon => {
    const ll = pin.getLatLng();
    const w = fromMap({ lat: ll.lat, lon: L.Util.wrapNum(ll.lng, [-180, 180], true) }, crs);
    return { lat: round6(w.lat), lon: round6(w.lon) };
  };
  const showPoint = () => {
    const p = picked();
    readout.textContent = t("map.pinAt", { lat: p.lat.toFixed(5), lon: p.lon.toFixed(5) });
  };
  showPoint();

  map.on("click", (e: L.LeafletMouseEvent) => {
    pin.setLatLng(e.latlng);
    showPoint();
  });
  pin.on("dragend", showPoint);
  // Arrow keys move the pin (a few pixels a press) for those who cannot drag.
  pin.getElement()?.addEventListener("keydown", (e) => {
    const step: Record<string, [number, number]> = {
      ArrowUp: [0, -KEY_STEP_PX],
      ArrowDown: [0, KEY_STEP_PX],
      ArrowLeft: [-KEY_STEP_PX, 0],
      ArrowRight: [KEY_STEP_PX, 0],
    };
    const d = step[e.key];
    if (!d) return;
    e.preventDefault();
    e.stopPropagation();
    pin.setLatLng(map.containerPointToLatLng(map.latLngToContainerPoint(pin.getLatLng()).add(d)));
    map.panInside(pin.getLatLng(), { padding: [48, 60] });
    showPoint();
  });

  return new Promise<PickResult>((resolve) => {
    let result: PickResult = { kind: "cancel" };
    const finish = (r: PickResult) => {
      result = r;
      dialog.close();
    };
    cancel.addEventListener("click", () => finish({ kind: "cancel" }));
    manual.addEventListener("click", () => finish({ kind: "manual" }));
    use.addEventListener("click", () => finish({ kind: "point", ...picked() }));
    // Escape, or the phone's back gesture on a modal dialog, is a cancel: "close" follows. Where
    // the back button still goes through history, the screen below changes: close with it.
    const onBack = () => dialog.close();
    window.addEventListener("popstate", onBack);
    dialog.addEventListener("close", () => {
      window.removeEventListener("popstate", onBack);
      destroy();
      dialog.remove();
      document.documentElement.classList.remove("map-open");
      opts.opener?.focus();
      resolve(result);
    });
  });
}
