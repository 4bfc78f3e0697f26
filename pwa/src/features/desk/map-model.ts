// The desk's one map (一张图) without Leaflet: the server's answer read defensively, each marker's
// shape, colour and words (colour never alone), the legend's counts, the popups' lines and the
// times in them. Pure (no DOM, no network), so all of it is unit-tested.
import { CHINA_TIME_ZONE, getLang, hasKey, t, type Lang, type MessageKey } from "../../i18n";
import type { LatLon } from "../../shared/coords";

export const LAYERS = ["incidents", "orders", "members", "hazards", "shelters"] as const;
export type LayerName = (typeof LAYERS)[number];

export interface MapIncident {
  id: string;
  title: string;
  kind: string;
  severity: string | null;
  place: string | null;
  location: LatLon | null;
  occurred_at: string;
  orders_open: number;
}

export interface MapOrder {
  id: string;
  incident_id: string | null;
  title: string;
  location: LatLon | null;
  muster_point: string | null;
  muster_location: LatLon | null;
  headcount: number | null;
  accepted: number;
  on_scene: number;
  declined: number;
  silent: number;
  overdue: number;
  created_at: string;
}

export type MemberState = "on_duty" | "en_route" | "on_scene";

export interface MapMember {
  id: string;
  display_name: string;
  team_name: string | null;
  location: LatLon | null;
  at: string;
  state: MemberState;
  dispatch_id: string | null;
  overdue: boolean;
}

export interface MapHazard {
  id: string;
  category: string;
  severity: string | null;
  status: string;
  description: string;
  location: LatLon | null;
  reported_at: string;
  people_at_risk: number | null;
}

export interface MapShelter {
  id: string;
  name: string;
  kind: string;
  status: string | null;
  location: LatLon | null;
  capacity: number;
  occupancy: number;
}

export interface MapAnswer {
  generated_at: string;
  incidents: MapIncident[];
  orders: MapOrder[];
  members: MapMember[];
  hazards: MapHazard[];
  shelters: MapShelter[];
  truncated: LayerName[];
}

export type MapItem = MapIncident | MapOrder | MapMember | MapHazard | MapShelter;

// ---- Reading the answer: a field the server leaves out or sends odd never breaks the screen. ----

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown, fallback = ""): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : fallback);
const strOrNull = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const numOrNull = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** A WGS-84 point, or null when missing or not a real position. */
export function readPoint(v: unknown): LatLon | null {
  if (!isObj(v)) return null;
  const { lat, lon } = v;
  if (typeof lat !== "number" || typeof lon !== "number" || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}

function list<T>(v: unknown, read: (o: Obj) => T | null): T[] {
  if (!Array.isArray(v)) return [];
  const out: T[] = [];
  for (const item of v) {
    if (!isObj(item)) continue;
    const r = read(item);
    if (r) out.push(r);
  }
  return out;
}

const MEMBER_STATES: readonly MemberState[] = ["on_duty", "en_route", "on_scene"];

/** The server's answer as the screen uses it; throws only when it is not an answer at all. */
export function readAnswer(body: unknown): MapAnswer {
  if (!isObj(body)) throw new TypeError("not a map answer");
  return {
    generated_at: str(body.generated_at),
    incidents: list(body.incidents, (o) =>
      o.id == null
        ? null
        : {
            id: str(o.id),
            title: str(o.title),
            kind: str(o.kind, "other"),
            severity: strOrNull(o.severity),
            place: strOrNull(o.place),
            location: readPoint(o.location),
            occurred_at: str(o.occurred_at),
            orders_open: num(o.orders_open),
          },
    ),
    orders: list(body.orders, (o) =>
      o.id == null
        ? null
        : {
            id: str(o.id),
            incident_id: strOrNull(o.incident_id),
            title: str(o.title),
            location: readPoint(o.location),
            muster_point: strOrNull(o.muster_point),
            muster_location: readPoint(o.muster_location),
            headcount: numOrNull(o.headcount),
            accepted: num(o.accepted),
            on_scene: num(o.on_scene),
            declined: num(o.declined),
            silent: num(o.silent),
            overdue: num(o.overdue),
            created_at: str(o.created_at),
          },
    ),
    members: list(body.members, (o) =>
      o.id == null
        ? null
        : {
            id: str(o.id),
            display_name: str(o.display_name),
            team_name: strOrNull(o.team_name),
            location: readPoint(o.location),
            at: str(o.at),
            state: MEMBER_STATES.includes(o.state as MemberState) ? (o.state as MemberState) : "on_duty",
            dispatch_id: strOrNull(o.dispatch_id),
            overdue: o.overdue === true,
          },
    ),
    hazards: list(body.hazards, (o) =>
      o.id == null
        ? null
        : {
            id: str(o.id),
            category: str(o.category, "other"),
            severity: strOrNull(o.severity),
            status: str(o.status),
            description: str(o.description),
            location: readPoint(o.location),
            reported_at: str(o.reported_at),
            people_at_risk: numOrNull(o.people_at_risk),
          },
    ),
    shelters: list(body.shelters, (o) =>
      o.id == null
        ? null
        : {
            id: str(o.id),
            name: str(o.name),
            kind: str(o.kind),
            status: strOrNull(o.status),
            location: readPoint(o.location),
            capacity: num(o.capacity),
            occupancy: num(o.occupancy),
          },
    ),
    truncated: Array.isArray(body.truncated) ? LAYERS.filter((l) => (body.truncated as unknown[]).includes(l)) : [],
  };
}

// ---- Colours, shapes and words. ----

export const COLOUR = {
  red: "#dc2626",
  orange: "#ea580c",
  yellow: "#facc15",
  blue: "#2563eb",
  grey: "#64748b",
  green: "#16a34a",
  amber: "#f59e0b",
  onDuty: "#22c55e",
  enRoute: "#15803d",
  onScene: "#14532d",
  ink: "#0f172a",
  white: "#ffffff",
} as const;

export type Tone = "ok" | "warn" | "bad";

/**
 * A shelter's fill, the word said beside its colour: 空余, 将满 (90 % or more), 已满 (at capacity,
 * or the server says full), 关闭 (closed). 90 % and 100 % are the lines the desk is told at
 * (server/shelters/fill.py) and the front page's summary counts by, so the map, its legend, the
 * summary and the alert say the same thing. (The colours were 70/90 with the legend drawn at
 * 80/95, so a full shelter's popup read "将满" beside "已满".) Whole numbers, as the server counts:
 * 359 of 400 is 89.75 %, still 空余.
 */
export type ShelterFill = "room" | "near" | "full" | "closed";
export const NEAR_FULL_PCT = 90;

export function shelterFill(s: Pick<MapShelter, "status" | "occupancy" | "capacity">): ShelterFill {
  if (s.status === "closed") return "closed";
  const occupancy = Math.max(0, s.occupancy);
  if (s.status === "full" || !(s.capacity > 0) || occupancy >= s.capacity) return "full";
  if (occupancy * 100 >= s.capacity * NEAR_FULL_PCT) return "near";
  return "room";
}

export const FILL_TONE: Record<ShelterFill, Tone | "none"> = { room: "ok", near: "warn", full: "bad", closed: "none" };
const FILL_COLOUR: Record<ShelterFill, string> = { room: COLOUR.green, near: COLOUR.amber, full: COLOUR.red, closed: COLOUR.grey };
export const SHELTER_FILLS: readonly ShelterFill[] = ["room", "near", "full", "closed"];

/** Whole per cent, for the popup ("86%"), rounded down as the lines are drawn (359 of 400 is 89 %,
 * beside 空余, never "90%"); null when the shelter has no capacity. */
export function occupancyPercent(occupancy: number, capacity: number): number | null {
  return capacity > 0 ? Math.floor((Math.max(0, occupancy) / capacity) * 100) : null;
}

const SEVERITY_COLOUR: Record<string, string> = { red: COLOUR.red, orange: COLOUR.orange, yellow: COLOUR.yellow, blue: COLOUR.blue };

export const SEVERITIES = ["red", "orange", "yellow", "blue"] as const;

/** A hazard's fill by the four Chinese risk colours; unknown severity is grey. */
export function severityColour(severity: string | null): string {
  return (severity && SEVERITY_COLOUR[severity]) || COLOUR.grey;
}

export type Shape = "diamond" | "pin" | "circle" | "triangle" | "house";
export type Glyph = "bang" | "flag" | "person" | "arrow" | "door";

/** How one marker is drawn: a shape and a glyph per layer, so colour is never the only signal. */
export interface MarkerStyle {
  shape: Shape;
  glyph: Glyph;
  fill: string;
  /** The glyph's colour: dark on light fills (yellow, amber, light green), white on the rest. */
  ink: string;
  /** A red ring and "!" badge: a member whose accountability check-in is overdue. */
  alarm: boolean;
}

const LIGHT_FILLS = new Set<string>([COLOUR.yellow, COLOUR.amber, COLOUR.onDuty]);
const inkOn = (fill: string) => (LIGHT_FILLS.has(fill) ? COLOUR.ink : COLOUR.white);
const style = (shape: Shape, glyph: Glyph, fill: string, alarm = false): MarkerStyle => ({ shape, glyph, fill, ink: inkOn(fill), alarm });

export function memberFill(state: MemberState): string {
  return state === "on_scene" ? COLOUR.onScene : state === "en_route" ? COLOUR.enRoute : COLOUR.onDuty;
}

export function markerStyle(layer: "incidents", item: MapIncident): MarkerStyle;
export function markerStyle(layer: "orders", item: MapOrder): MarkerStyle;
export function markerStyle(layer: "members", item: MapMember): MarkerStyle;
export function markerStyle(layer: "hazards", item: MapHazard): MarkerStyle;
export function markerStyle(layer: "shelters", item: MapShelter): MarkerStyle;
export function markerStyle(layer: LayerName, item: MapItem): MarkerStyle;
export function markerStyle(layer: LayerName, item: MapItem): MarkerStyle {
  switch (layer) {
    case "incidents":
      return style("diamond", "bang", COLOUR.red);
    case "orders":
      return style("pin", "flag", COLOUR.red);
    case "members": {
      const m = item as MapMember;
      return style("circle", m.state === "en_route" ? "arrow" : "person", memberFill(m.state), m.overdue);
    }
    case "hazards":
      return style("triangle", "bang", severityColour((item as MapHazard).severity));
    case "shelters": {
      const s = item as MapShelter;
      return style("house", "door", FILL_COLOUR[shelterFill(s)]);
    }
  }
}

/** A key that changes whenever the drawn marker would: the map redraws an icon only then. */
export function styleKey(s: MarkerStyle): string {
  return `${s.shape}|${s.glyph}|${s.fill}|${s.alarm ? 1 : 0}`;
}

// ---- Words. ----

/** A key's text, or the raw value when the key is unknown (a kind added on the server still shows). */
function word(key: string, raw: string): string {
  return hasKey(key) ? t(key) : raw;
}

export const layerLabel = (layer: LayerName): string => t(`deskmap.l.${layer}` as MessageKey);
export const severityWord = (sev: string | null): string => (sev ? word(`sev.${sev}`, sev) : t("sev.none"));
export const categoryWord = (cat: string): string => word(`cat.${cat}`, cat);
export const incidentKindWord = (kind: string): string => (hasKey(`cat.${kind}`) ? t(`cat.${kind}` as MessageKey) : word(`deskmap.kind.${kind}`, kind));
export const hazardStatusWord = (status: string): string => word(`deskmap.hs.${status}`, status);
export const memberStateWord = (state: MemberState): string => t(`deskmap.m.${state}`);
export const shelterFillWord = (fill: ShelterFill): string => t(`deskmap.sh.${fill}`);
export const shelterKindWord = (kind: string): string => word(`deskmap.sk.${kind}`, kind);

/** The name a marker is read out by ("调度任务：后山滑坡排查"), also its hover title. */
export function markerLabel(layer: LayerName, item: MapItem): string {
  const name = itemName(layer, item);
  const extra =
    layer === "members" && (item as MapMember).overdue
      ? `（${t("deskmap.m.overdue")}）`
      : layer === "hazards"
        ? `（${severityWord((item as MapHazard).severity)}）`
        : layer === "shelters"
          ? `（${shelterFillWord(shelterFill(item as MapShelter))}）`
          : "";
  return t("deskmap.label", { layer: layerLabel(layer), name: name + extra });
}

function itemName(layer: LayerName, item: MapItem): string {
  switch (layer) {
    case "incidents":
    case "orders":
      return (item as MapIncident | MapOrder).title;
    case "members":
      return (item as MapMember).display_name;
    case "hazards":
      return categoryWord((item as MapHazard).category);
    case "shelters":
      return (item as MapShelter).name;
  }
}

// ---- Times. ----

function localDay(d: Date, lang: Lang, timeZone?: string): string {
  return new Intl.DateTimeFormat(lang, { year: "numeric", month: "numeric", day: "numeric", timeZone }).format(d);
}

/**
 * "08:05" for today, with the date before it otherwise ("11月28日 08:05"): an hour alone would
 * pass a hazard reported three days ago off as this morning's. Empty for a missing time.
 */
export function clock(value: string | Date, now: Date = new Date(), lang: Lang = getLang(), timeZone: string = CHINA_TIME_ZONE): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return "";
  const hm = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(d);
  if (localDay(d, lang, timeZone) === localDay(now, lang, timeZone)) return hm;
  const md = new Intl.DateTimeFormat(lang, { month: lang === "en" ? "short" : "long", day: "numeric", timeZone }).format(d);
  return `${md} ${hm}`;
}

/** "08:05:09", for "更新于". */
export function clockSeconds(value: string | Date, lang: Lang = getLang(), timeZone?: string): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return "";
  return new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZone }).format(d);
}

// ---- The legend. ----

export interface KeyEntry {
  style: MarkerStyle;
  text: string;
}

export interface LegendRow {
  layer: LayerName;
  label: string;
  count: number;
  /** Items without a position: counted, but not on the map. */
  unplaced: number;
  /** The server cut the layer at its limit: only the newest are shown. */
  truncated: boolean;
  visible: boolean;
  /** What each colour and shape means in this layer. */
  key: KeyEntry[];
}

const noIncident: MapIncident = { id: "", title: "", kind: "", severity: null, place: null, location: null, occurred_at: "", orders_open: 0 };
const noOrder: MapOrder = {
  id: "",
  incident_id: null,
  title: "",
  location: null,
  muster_point: null,
  muster_location: null,
  headcount: null,
  accepted: 0,
  on_scene: 0,
  declined: 0,
  silent: 0,
  overdue: 0,
  created_at: "",
};
const aMember = (state: MemberState, overdue = false): MapMember => ({ id: "", display_name: "", team_name: null, location: null, at: "", state, dispatch_id: null, overdue });
const aHazard = (severity: string | null): MapHazard => ({ id: "", category: "", severity, status: "", description: "", location: null, reported_at: "", people_at_risk: null });
// A sample shelter of each fill, for the legend: drawn by the same rule as the map's markers.
const FILL_SAMPLE: Record<ShelterFill, [string, number]> = { room: ["open", 0], near: ["open", 90], full: ["full", 100], closed: ["closed", 0] };
const aShelter = (fill: ShelterFill): MapShelter => ({ id: "", name: "", kind: "", status: FILL_SAMPLE[fill][0], location: null, capacity: 100, occupancy: FILL_SAMPLE[fill][1] });

/** The colour key of each layer: the same drawing as on the map, with the words for it. */
export function layerKey(layer: LayerName): KeyEntry[] {
  switch (layer) {
    case "incidents":
      return [{ style: markerStyle("incidents", noIncident), text: t("deskmap.k.incident") }];
    case "orders":
      return [{ style: markerStyle("orders", noOrder), text: t("deskmap.k.order") }];
    case "members":
      return [
        ...MEMBER_STATES.map((s) => ({ style: markerStyle("members", aMember(s)), text: memberStateWord(s) })),
        { style: markerStyle("members", aMember("on_scene", true)), text: t("deskmap.m.overdue") },
      ];
    case "hazards":
      return [...SEVERITIES, null].map((s) => ({ style: markerStyle("hazards", aHazard(s)), text: severityWord(s) }));
    case "shelters":
      return SHELTER_FILLS.map((fill) => ({ style: markerStyle("shelters", aShelter(fill)), text: t(`deskmap.shk.${fill}`) }));
  }
}

export function layerItems(answer: MapAnswer, layer: LayerName): MapItem[] {
  return answer[layer];
}

export function legendModel(answer: MapAnswer | null, visible: ReadonlySet<LayerName>): LegendRow[] {
  return LAYERS.map((layer) => {
    const items = answer ? layerItems(answer, layer) : [];
    return {
      layer,
      label: layerLabel(layer),
      count: items.length,
      unplaced: items.filter((i) => !i.location).length,
      truncated: answer?.truncated.includes(layer) ?? false,
      visible: visible.has(layer),
      key: layerKey(layer),
    };
  });
}

/** "队员 12" on the toggle. */
export const toggleText = (row: LegendRow): string => t("deskmap.count", { name: row.label, n: row.count });

/** The note under a layer's toggle, or "" when there is nothing to say. */
export function rowNote(row: LegendRow): string {
  const notes: string[] = [];
  if (row.truncated) notes.push(t("deskmap.truncated", { name: row.label, n: row.count }));
  if (row.unplaced > 0) notes.push(t("deskmap.unplaced", { name: row.label, n: row.unplaced }));
  return notes.join(" ");
}

// ---- Which layers are shown: kept on this phone between visits. ----

/** The layers to show, from what was kept (a list of hidden ones); all of them by default. */
export function visibleFromKept(kept: string | null | undefined): Set<LayerName> {
  const shown = new Set<LayerName>(LAYERS);
  if (!kept) return shown;
  try {
    const hidden: unknown = JSON.parse(kept);
    if (Array.isArray(hidden)) for (const l of hidden) shown.delete(l as LayerName);
  } catch {
    /* unreadable: show everything */
  }
  return shown;
}

export function keptFromVisible(visible: ReadonlySet<LayerName>): string {
  return JSON.stringify(LAYERS.filter((l) => !visible.has(l)));
}

// ---- Where to look. ----

/** Every position drawn on the map for the layers shown (muster points included), in WGS-84. */
export function placedPoints(answer: MapAnswer, visible: ReadonlySet<LayerName>): LatLon[] {
  const out: LatLon[] = [];
  for (const layer of LAYERS) {
    if (!visible.has(layer)) continue;
    for (const item of layerItems(answer, layer)) if (item.location) out.push(item.location);
  }
  return out;
}

// ---- Popups: the essentials, in words. ----

export interface PopupModel {
  title: string;
  /** A short state line ("在现场", "重大 · 已核实"), with a tone for its colour. */
  state?: { text: string; tone: Tone | "none" };
  lines: string[];
  /** The order's board (the desk roles only). */
  board?: string;
}

const nonEmpty = (xs: (string | false | null | undefined)[]): string[] => xs.filter((x): x is string => typeof x === "string" && x !== "");

export function popupModel(layer: LayerName, item: MapItem, now: Date = new Date(), canOpenBoard = true): PopupModel {
  switch (layer) {
    case "incidents": {
      const i = item as MapIncident;
      return {
        title: i.title,
        state: { text: [incidentKindWord(i.kind), i.severity ? severityWord(i.severity) : ""].filter(Boolean).join(" · "), tone: "bad" },
        lines: nonEmpty([i.place, t("deskmap.p.occurred", { time: clock(i.occurred_at, now) }), t("deskmap.p.ordersOpen", { n: i.orders_open })]),
      };
    }
    case "orders": {
      const o = item as MapOrder;
      return {
        title: o.title,
        state: {
          text: o.overdue > 0 ? t("deskmap.p.overdue", { n: o.overdue }) : t("deskmap.p.coming", { n: o.accepted, want: o.headcount ?? "—" }),
          tone: o.overdue > 0 ? "bad" : o.headcount != null && o.accepted < o.headcount ? "warn" : "ok",
        },
        lines: nonEmpty([
          t("deskmap.p.orderCounts", { accepted: o.accepted, on_scene: o.on_scene, silent: o.silent, declined: o.declined }),
          o.muster_point && t("deskmap.p.muster", { place: o.muster_point }),
          t("deskmap.p.created", { time: clock(o.created_at, now) }),
        ]),
        board: canOpenBoard ? `/desk/${encodeURIComponent(o.id)}` : undefined,
      };
    }
    case "members": {
      const m = item as MapMember;
      return {
        title: m.display_name,
        state: m.overdue ? { text: `${memberStateWord(m.state)} · ${t("deskmap.m.overdue")}`, tone: "bad" } : { text: memberStateWord(m.state), tone: "ok" },
        lines: nonEmpty([m.team_name && t("deskmap.p.team", { team: m.team_name }), t("deskmap.p.seen", { time: clock(m.at, now) })]),
        board: canOpenBoard && m.dispatch_id ? `/desk/${encodeURIComponent(m.dispatch_id)}` : undefined,
      };
    }
    case "hazards": {
      const hz = item as MapHazard;
      return {
        title: categoryWord(hz.category),
        state: { text: `${severityWord(hz.severity)} · ${hazardStatusWord(hz.status)}`, tone: hz.severity === "red" || hz.severity === "orange" ? "bad" : hz.severity ? "warn" : "none" },
        lines: nonEmpty([
          hz.description,
          hz.people_at_risk != null && hz.people_at_risk > 0 && t("deskmap.p.people", { n: hz.people_at_risk }),
          t("deskmap.p.reported", { time: clock(hz.reported_at, now) }),
        ]),
      };
    }
    case "shelters": {
      const s = item as MapShelter;
      const fill = shelterFill(s);
      const pct = occupancyPercent(s.occupancy, s.capacity);
      return {
        title: s.name,
        // The fill says open / nearly full / full / closed: no second state word beside it.
        state: { text: shelterFillWord(fill), tone: FILL_TONE[fill] },
        lines: nonEmpty([
          t("deskmap.p.occupancy", { occupancy: s.occupancy, capacity: s.capacity, pct: pct ?? "—" }),
          fill !== "closed" && t("deskmap.p.placesLeft", { n: Math.max(0, s.capacity - Math.max(0, s.occupancy)) }),
          shelterKindWord(s.kind),
        ]),
      };
    }
  }
}


// ---- Drawing: one small inline SVG per marker and legend entry, no image fetched from anywhere
// (markers must show with no tiles and no network). A dark halo and a white rim keep every fill
// visible on any background, the bare grid included. ----

const SHAPE_PATH: Record<Shape, string> = {
  diamond: "M16 1.5 30.5 16 16 30.5 1.5 16Z",
  // An order stands above its point like a pin, so the members on scene there stay in sight.
  pin: "M8 1h16a5 5 0 0 1 5 5v14a5 5 0 0 1-5 5h-4.5L16 31l-3.5-6H8a5 5 0 0 1-5-5V6a5 5 0 0 1 5-5Z",
  circle: "M16 2.5a13.5 13.5 0 1 1 0 27 13.5 13.5 0 0 1 0-27Z",
  triangle: "M16 2.5 30.5 28.5H1.5Z",
  house: "M16 2 30 14.5V29.5H2V14.5Z",
};

function glyphPath(glyph: Glyph, shape: Shape): string {
  switch (glyph) {
    case "bang":
      return shape === "triangle"
        ? "M14.5 11.5h3v8.5h-3ZM16 22.4a1.8 1.8 0 1 1 0 3.6 1.8 1.8 0 0 1 0-3.6Z"
        : "M14.4 8.5h3.2v9.5h-3.2ZM16 20.4a1.9 1.9 0 1 1 0 3.8 1.9 1.9 0 0 1 0-3.8Z";
    case "flag":
      return "M10.8 5h2.2v16h-2.2ZM13 5.5h9.2l-2.4 3.7 2.4 3.7H13Z";
    case "person":
      return "M16 7.7a3.8 3.8 0 1 1 0 7.6 3.8 3.8 0 0 1 0-7.6ZM9.5 23.5c0-4.2 2.9-7 6.5-7s6.5 2.8 6.5 7Z";
    case "arrow":
      return "M8 14.6h9.2l-3.4-3.4 2-2 6.8 6.8-6.8 6.8-2-2 3.4-3.4H8Z";
    case "door":
      return "M12.5 18.5h7v11h-7Z";
  }
}

/** The marker as SVG markup, `px` wide; decorative (its words are given next to it). */
export function markerSvg(s: MarkerStyle, px = 32): string {
  const shape = SHAPE_PATH[s.shape];
  const halo = s.alarm ? `<path d="${shape}" fill="none" stroke="${COLOUR.red}" stroke-width="7" stroke-linejoin="round"/>` : "";
  const badge = s.alarm
    ? `<circle cx="27" cy="5" r="6.5" fill="${COLOUR.red}" stroke="#fff" stroke-width="1.5"/><path d="M26.1 1.6h1.8v4.6h-1.8ZM27 7.2a1 1 0 1 1 0 2 1 1 0 0 1 0-2Z" fill="#fff"/>`
    : "";
  return (
    `<svg viewBox="-4 -4 40 40" width="${px}" height="${px}" aria-hidden="true" focusable="false">` +
    halo +
    `<path d="${shape}" fill="none" stroke="${COLOUR.ink}" stroke-width="4" stroke-linejoin="round"/>` +
    `<path d="${shape}" fill="${s.fill}" stroke="#fff" stroke-width="1.5" stroke-linejoin="round"/>` +
    `<path d="${glyphPath(s.glyph, s.shape)}" fill="${s.ink}"/>` +
    badge +
    `</svg>`
  );
}
