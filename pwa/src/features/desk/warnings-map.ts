// Drawing a warning's area on the map: a full-screen dialog (the map picker's frame) where each tap
// adds a corner. The tiles may be GCJ-02 (Amap and most maps of mainland China): every tapped point
// is shifted back to WGS-84 before it is kept, and a kept polygon is shifted onto the tiles to be
// drawn. Loaded only when opened, so Leaflet stays out of the shell.
import * as L from "leaflet";
import "leaflet/dist/leaflet.css";
import "../../shared/map.css";
import { h } from "../../shared/dom";
import { t } from "../../i18n";
import { baseMap } from "../../shared/map";
import type { LatLon, MapCrs } from "../../shared/coords";
import type { MapConfig } from "../../shared/picker";
import { POLYGON_MAX, POLYGON_MIN, tappedToWgs, wgsToTiles } from "./warnings-model";

export interface DrawOptions {
  config: MapConfig | null;
  /** The desk's region centre (WGS-84), where the map opens when nothing is drawn yet. */
  centre: LatLon | null;
  /** What is drawn already (WGS-84 [lat, lon] pairs). */
  polygon: [number, number][];
  opener?: HTMLElement;
}

/** Resolves with the WGS-84 polygon to keep, or null when the dialog is closed without one. */
export function drawPolygon(opts: DrawOptions): Promise<[number, number][] | null> {
  const crs: MapCrs = opts.config ? opts.config.crs : "wgs84";
  let points: [number, number][] = opts.polygon.map((p) => [p[0], p[1]]);

  const note = h("p", { class: "map-note", role: "status", hidden: true }, t("wd.map.tilesFailed"));
  const canvas = h("div", { class: "map-canvas", id: "wd-map-canvas" });
  const title = h("h2", { id: "wd-map-title", tabindex: "-1" }, t("wd.map.title"));
  const cancel = h("button", { type: "button", class: "btn map-cancel" }, t("common.cancel"));
  const count = h("p", { class: "map-readout", id: "wd-map-count", "aria-live": "polite" });
  const undo = h("button", { type: "button", class: "btn btn-secondary", id: "wd-map-undo" }, t("wd.map.undo"));
  const clear = h("button", { type: "button", class: "btn btn-secondary", id: "wd-map-clear" }, t("wd.map.clear"));
  const use = h("button", { type: "button", class: "btn btn-primary btn-block map-use", id: "wd-map-use" }, "");
  const dialog = h(
    "dialog",
    { class: "map-picker wd-map", "aria-labelledby": title.id },
    h("div", { class: "map-head" }, title, cancel, h("p", { class: "map-hint" }, t("wd.map.hint"))),
    h("div", { class: "map-box" }, canvas),
    note,
    h("div", { class: "map-foot" }, count, h("div", { class: "wd-map-tools" }, undo, clear), use),
  );
  document.body.appendChild(dialog);
  document.documentElement.classList.add("map-open");
  dialog.showModal();
  title.focus();

  const onTiles = points.map((p) => wgsToTiles(p, crs));
  const start = onTiles[0] ?? (opts.centre ? wgsToTiles([opts.centre.lat, opts.centre.lon], crs) : { lat: 35, lon: 105 });
  const { map, destroy } = baseMap(canvas, {
    center: [start.lat, start.lon],
    zoom: opts.centre || onTiles.length ? 13 : 4,
    config: opts.config,
    onTilesFailed: () => (note.hidden = false),
  });
  // Corners are tapped one after another, often quickly: two taps must be two corners, not a zoom.
  map.doubleClickZoom.disable();
  const shape = L.polygon([], { color: "#b91c1c", weight: 3, fillOpacity: 0.15, interactive: false }).addTo(map);
  const corners = L.layerGroup().addTo(map);

  function paint(): void {
    const ll = points.map((p) => {
      const m = wgsToTiles(p, crs);
      return L.latLng(m.lat, m.lon);
    });
    shape.setLatLngs(ll);
    corners.clearLayers();
    for (const c of ll) L.circleMarker(c, { radius: 7, weight: 3, color: "#0f172a", fillColor: "#fff", fillOpacity: 1, interactive: false }).addTo(corners);
    count.textContent = points.length ? t("wd.polygonN", { n: points.length }) : t("wd.polygonNone");
    use.textContent = t("wd.map.use", { n: points.length });
    use.disabled = points.length < POLYGON_MIN;
    undo.disabled = !points.length;
    clear.disabled = !points.length;
  }
  if (onTiles.length >= 2) map.fitBounds(L.latLngBounds(onTiles.map((p) => [p.lat, p.lon])), { padding: [32, 32] });
  paint();

  map.on("click", (e: L.LeafletMouseEvent) => {
    if (points.length >= POLYGON_MAX) return;
    points = [...points, tappedToWgs({ lat: e.latlng.lat, lon: L.Util.wrapNum(e.latlng.lng, [-180, 180], true) }, crs)];
    paint();
  });
  undo.addEventListener("click", () => {
    points = points.slice(0, -1);
    paint();
  });
  clear.addEventListener("click", () => {
    points = [];
    paint();
  });

  return new Promise((resolve) => {
    let result: [number, number][] | null = null;
    cancel.addEventListener("click", () => dialog.close());
    use.addEventListener("click", () => {
      result = points;
      dialog.close();
    });
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
