// The one map's Leaflet part, loaded only when the screen opens (its chunk is precached, so it
// opens offline). The tiles and their datum come from GET /api/v1/config as for the map picker;
// under them a grid drawn on the phone, and markers drawn as inline SVG: with no tiles at all
// (offline, blocked) the markers, the scale bar and the grid still show where things are.
import * as L from "leaflet";
import "leaflet/dist/leaflet.css";
import "../../shared/map.css";
import { h } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { t } from "../../i18n";
import { toMap, type LatLon } from "../../shared/coords";
import { baseMap, escapeHtml } from "../../shared/map";
import type { MapConfig } from "../../shared/picker";
import {
  LAYERS,
  layerItems,
  markerLabel,
  markerStyle,
  markerSvg,
  placedPoints,
  popupModel,
  styleKey,
  type LayerName,
  type MapAnswer,
  type MapItem,
} from "./map-model";

export interface DeskMapOptions {
  config: MapConfig | null;
  /** Popups link to an order's board (the desk roles; a captain has no board). */
  canOpenBoard: boolean;
  /** Called once when the background tiles cannot be loaded. */
  onTilesFailed: () => void;
  /** Where to look before any marker is known (the region centre), in WGS-84. */
  start: LatLon | null;
  visible: ReadonlySet<LayerName>;
}

export interface DeskMap {
  /** Draws an answer: markers added, moved, redrawn or removed by id, popups kept open. */
  show(answer: MapAnswer): void;
  setVisible(visible: ReadonlySet<LayerName>): void;
  /** Frames every marker of the layers shown; false when there is none. */
  fitAll(): boolean;
  /** Centres one marker and opens its popup; false when it is not on the map. */
  focus(layer: LayerName, id: string): boolean;
  destroy(): void;
}


// The drawn marker is 32 px; its touch target is 48 px around it (UX.md's floor).
const TARGET = 48;
// The popup's side margin from the map's edge, and its own margins around the content
// (styles.css: .leaflet-popup-content 14 px + 40 px beside the close button, and the borders).
const POPUP_PAD = 12;
const POPUP_CHROME = 56;
// What lies on top when markers overlap: incidents, orders, members, hazards, shelters.
const Z: Record<LayerName, number> = { incidents: 400, orders: 300, members: 200, hazards: 100, shelters: 0 };

interface Entry {
  marker: L.Marker;
  drawn: string;
  item: MapItem;
}

export function createDeskMap(canvas: HTMLElement, opts: DeskMapOptions): DeskMap {
  const crs = opts.config ? opts.config.crs : "wgs84";
  const still = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;
  const onMap = (p: LatLon): L.LatLngExpression => {
    const m = toMap(p, crs);
    return [m.lat, m.lon];
  };

  const start = opts.start ? onMap(opts.start) : ([35, 105] as L.LatLngExpression);
  let tilesFailed = false;
  const { map, destroy } = baseMap(canvas, {
    center: start,
    zoom: opts.start ? 13 : 4,
    // Half steps: "显示全部" frames the markers closely rather than at the next whole zoom out.
    zoomSnap: 0.5,
    config: opts.config ?? null,
    // Top left, under which the framing leaves room: at the bottom it would cover markers.
    attributionPosition: "topleft",
    onTilesFailed: () => {
      if (tilesFailed) return;
      tilesFailed = true;
      opts.onTilesFailed();
    },
  });

  // "显示全部": frames everything again after the user has wandered off.
  const fitButton = h("button", { type: "button", class: "dm-fit", id: "dm-fit" }, t("deskmap.fitAll"));
  const fitControl = new L.Control({ position: "topright" });
  fitControl.onAdd = () => {
    const box = h("div", { class: "leaflet-bar dm-fit-bar" }, fitButton);
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  fitControl.addTo(map);

  const groups = Object.fromEntries(LAYERS.map((l) => [l, L.layerGroup()])) as Record<LayerName, L.LayerGroup>;
  let visible = new Set(opts.visible);
  for (const l of LAYERS) if (visible.has(l)) groups[l].addTo(map);

  const entries = new Map<string, Entry>();
  let current: MapAnswer | null = null;

  /** A popup as wide as 300 px where there is room, and never wider than the map less its
   * margins: at 320 px a 300 px popup (plus its 54 px of margins) ran off the screen's edge, where
   * no pan can bring it back. */
  function popupWidths(): { maxWidth: number; minWidth: number } {
    const room = map.getSize().x - 2 * POPUP_PAD - POPUP_CHROME;
    const maxWidth = Math.max(120, Math.min(300, room));
    return { maxWidth, minWidth: Math.min(200, maxWidth) };
  }

  function popupContent(layer: LayerName, entry: Entry): HTMLElement {
    const p = popupModel(layer, entry.item, new Date(), opts.canOpenBoard);
    return h(
      "div",
      { class: "dm-pop", "data-layer": layer },
      h("p", { class: "dm-pop-title" }, p.title),
      p.state ? h("p", { class: `dm-pop-state dm-tone-${p.state.tone}` }, p.state.text) : null,
      ...p.lines.map((line) => h("p", { class: "dm-pop-line" }, line)),
      p.board
        ? h(
            "a",
            {
              class: "btn btn-primary dm-pop-board",
              href: p.board,
              onclick: (e: Event) => {
                e.preventDefault();
                navigate(p.board!);
              },
            },
            t("deskmap.p.board"),
          )
        : null,
    );
  }

  function icon(layer: LayerName, item: MapItem, label: string): L.DivIcon {
    return L.divIcon({
      className: `dm-marker dm-${layer}`,
      html: `${markerSvg(markerStyle(layer, item))}<span class="visually-hidden">${escapeHtml(label)}</span>`,
      iconSize: [TARGET, TARGET],
      // A pin's tip (y 31 of its 40-unit box, drawn 32 px high in the middle of the target, so
      // 12 px below the target's centre) is the point.
      iconAnchor: [TARGET / 2, layer === "orders" ? TARGET / 2 + 12 : TARGET / 2],
      popupAnchor: [0, layer === "orders" ? -26 : -14],
    });
  }

  function show(answer: MapAnswer): void {
    current = answer;
    const seen = new Set<string>();
    for (const layer of LAYERS) {
      for (const item of layerItems(answer, layer)) {
        if (!item.location) continue;
        const key = `${layer}:${item.id}`;
        seen.add(key);
        const label = markerLabel(layer, item);
        const drawn = `${styleKey(markerStyle(layer, item))}|${label}`;
        const at = L.latLng(onMap(item.location));
        const old = entries.get(key);
        if (old) {
          // An open popup is redrawn only when its item changed (a redraw would drop the focus).
          const changed = JSON.stringify(old.item) !== JSON.stringify(item);
          old.item = item;
          if (!old.marker.getLatLng().equals(at)) old.marker.setLatLng(at);
          if (old.drawn !== drawn) {
            old.drawn = drawn;
            old.marker.setIcon(icon(layer, item, label));
            old.marker.options.title = label;
            old.marker.getElement()?.setAttribute("title", label);
          }
          if (changed && old.marker.isPopupOpen()) old.marker.getPopup()?.update();
          continue;
        }
        const marker = L.marker(at, {
          icon: icon(layer, item, label),
          title: label,
          keyboard: true,
          riseOnHover: true,
          zIndexOffset: Z[layer] + (layer === "members" && (item as { overdue?: boolean }).overdue ? 50 : 0),
        });
        const entry: Entry = { marker, drawn, item };
        marker.bindPopup(() => popupContent(layer, entry), {
          ...popupWidths(),
          // Clear of "显示全部" at the top and the zoom buttons at the bottom.
          autoPanPaddingTopLeft: [POPUP_PAD, 64],
          autoPanPaddingBottomRight: [POPUP_PAD, 24],
        });
        // Sized to the map as it is when it opens (a phone turned, a window narrowed).
        marker.on("popupopen", (e: L.PopupEvent) => {
          const want = popupWidths();
          if (want.maxWidth === e.popup.options.maxWidth) return;
          Object.assign(e.popup.options, want);
          e.popup.update();
        });
        entries.set(key, entry);
        marker.addTo(groups[layer]);
      }
    }
    for (const [key, entry] of entries) {
      if (seen.has(key)) continue;
      groups[key.slice(0, key.indexOf(":")) as LayerName].removeLayer(entry.marker);
      entries.delete(key);
    }
  }

  function fitAll(): boolean {
    if (!current) return false;
    const points = placedPoints(current, visible).map((p) => L.latLng(onMap(p)));
    if (!points.length) return false;
    if (points.length === 1) map.setView(points[0], Math.max(map.getZoom(), 15), { animate: !still });
    // Clear of "显示全部" (top right) and the zoom buttons and attribution (bottom right).
    else map.fitBounds(L.latLngBounds(points), { paddingTopLeft: [28, 64], paddingBottomRight: [64, 40], maxZoom: 16, animate: !still });
    return true;
  }
  fitButton.addEventListener("click", () => void fitAll());

  return {
    show,
    fitAll,
    setVisible(next) {
      visible = new Set(next);
      for (const l of LAYERS) {
        if (visible.has(l)) groups[l].addTo(map);
        else groups[l].remove();
      }
    },
    focus(layer, id) {
      const entry = entries.get(`${layer}:${id}`);
      if (!entry || !visible.has(layer)) return false;
      map.setView(entry.marker.getLatLng(), Math.max(map.getZoom(), 15), { animate: false });
      entry.marker.openPopup();
      return true;
    },
    destroy,
  };
}
