// The desk's new-order form as data: the draft kept on this phone while the officer types (every
// field, the map point and the chosen teams and members), how a stored draft is read back, what is
// sent to the server, and where the server's field errors belong on the form. Pure, apart from the
// three small IndexedDB calls at the end (the "drafts" store of data/db.ts).
import { uuid, type Draft } from "../../data/db";
import { deleteDraft, getDraft, saveDraft } from "../../data/stores";
import type { Fix } from "../../shared/geo";
import { CHINA_TIME_ZONE, type MessageKey } from "../../i18n";

/** The incident kinds the server accepts (server/dispatch/models.py INCIDENT_KINDS). */
export const INCIDENT_KINDS = [
  "flood",
  "geological",
  "forest_fire",
  "earthquake",
  "epidemic",
  "road_traffic",
  "production_safety",
  "hazmat_transport",
  "tunnel",
  "other",
] as const;
export const SEVERITIES = ["red", "orange", "yellow", "blue"] as const;
/** The incident choice that opens a new incident with the order. */
export const NEW_INCIDENT = "new";
export const DEFAULT_KIND = "other";
export const MAX_HEADCOUNT = 1000;
const DRAFT_VERSION = 1;

export interface OrderDraft extends Draft {
  v: number;
  /** NEW_INCIDENT, or the id of an existing incident of the region. */
  incident: string;
  /** The chosen incident as it read when chosen, so the choice still reads right offline. */
  incident_label: string;
  /** The new incident's fields (used only when `incident` is NEW_INCIDENT). */
  kind: string;
  incident_title: string;
  place: string;
  severity: string | null;
  /** The order's own fields. */
  title: string;
  location: Fix | null;
  /** "team:<id>" / "member:<id>", in the order they were picked. */
  targets: string[];
  /** The names the targets had on screen when picked (shown when the lists cannot be loaded). */
  target_labels: Record<string, string>;
  headcount: number;
  muster_point: string;
  bring: string;
  description: string;
  /** Ids sent with the incident and the order, made once per draft: a retry after a timeout
   * gets the first one back from the server instead of calling people out twice. */
  order_id: string;
  incident_new_id: string;
}

/** One draft per signed-in user on this phone: a colleague on the same tablet never sees it. */
export function draftKey(userId: string | null | undefined): string {
  return `desk-order:${userId || "anon"}`;
}

export function emptyOrderDraft(key: string): OrderDraft {
  return {
    key,
    saved_at: "",
    v: DRAFT_VERSION,
    incident: NEW_INCIDENT,
    incident_label: "",
    kind: DEFAULT_KIND,
    incident_title: "",
    place: "",
    severity: null,
    title: "",
    location: null,
    targets: [],
    target_labels: {},
    headcount: 1,
    muster_point: "",
    bring: "",
    description: "",
    order_id: uuid(),
    incident_new_id: uuid(),
  };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const str = (v: unknown, max: number, fallback = ""): string => (typeof v === "string" ? v.slice(0, max) : fallback);
const oneOf = <T extends string>(v: unknown, allowed: readonly T[]): T | null => (typeof v === "string" && (allowed as readonly string[]).includes(v) ? (v as T) : null);

function restoreFix(v: unknown): Fix | null {
  if (!v || typeof v !== "object") return null;
  const f = v as Record<string, unknown>;
  const lat = Number(f.lat);
  const lon = Number(f.lon);
  if (typeof f.lat !== "number" || typeof f.lon !== "number" || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  const fix: Fix = { lat, lon };
  if (typeof f.accuracy === "number" && Number.isFinite(f.accuracy)) fix.accuracy = f.accuracy;
  if (typeof f.at === "string") fix.at = f.at;
  if (f.manual === true) fix.manual = true;
  if (f.picked === true) fix.picked = true;
  return fix;
}

const TARGET = /^(team|member):[\w-]{1,64}$/;

/**
 * A stored draft (or anything IndexedDB hands back: an older shape, a damaged record) as a draft
 * the form can show. Each field is taken when it has the right shape, else the empty draft's.
 */
export function restoreOrderDraft(raw: unknown, key: string): OrderDraft {
  const d = emptyOrderDraft(key);
  if (!raw || typeof raw !== "object") return d;
  const r = raw as Record<string, unknown>;
  d.saved_at = str(r.saved_at, 40);
  const incident = str(r.incident, 64);
  d.incident = incident && (incident === NEW_INCIDENT || /^[\w-]+$/.test(incident)) ? incident : NEW_INCIDENT;
  d.incident_label = d.incident === NEW_INCIDENT ? "" : str(r.incident_label, 300);
  d.kind = oneOf(r.kind, INCIDENT_KINDS) ?? DEFAULT_KIND;
  d.incident_title = str(r.incident_title, 120);
  d.place = str(r.place, 200);
  d.severity = oneOf(r.severity, SEVERITIES);
  d.title = str(r.title, 120);
  d.location = restoreFix(r.location);
  const labels = r.target_labels && typeof r.target_labels === "object" ? (r.target_labels as Record<string, unknown>) : {};
  const targets = Array.isArray(r.targets) ? r.targets.filter((k): k is string => typeof k === "string" && TARGET.test(k)) : [];
  d.targets = [...new Set(targets)];
  for (const k of d.targets) if (typeof labels[k] === "string") d.target_labels[k] = (labels[k] as string).slice(0, 200);
  const hc = Number(r.headcount);
  d.headcount = typeof r.headcount === "number" && Number.isInteger(hc) ? Math.min(MAX_HEADCOUNT, Math.max(1, hc)) : 1;
  d.muster_point = str(r.muster_point, 200);
  d.bring = str(r.bring, 500);
  d.description = str(r.description, 4000);
  if (typeof r.order_id === "string" && UUID_RE.test(r.order_id)) d.order_id = r.order_id;
  if (typeof r.incident_new_id === "string" && UUID_RE.test(r.incident_new_id)) d.incident_new_id = r.incident_new_id;
  return d;
}

/** Whether the officer has put anything in (a draft worth saying "restored" about). */
export function draftHasContent(d: OrderDraft): boolean {
  return Boolean(
    d.incident !== NEW_INCIDENT ||
      d.kind !== DEFAULT_KIND ||
      d.incident_title.trim() ||
      d.place.trim() ||
      d.severity ||
      d.title.trim() ||
      d.location ||
      d.targets.length ||
      d.headcount !== 1 ||
      d.muster_point.trim() ||
      d.bring.trim() ||
      d.description.trim(),
  );
}

/** Adds or removes one team or member; keeps the name it had on screen. */
export function toggleTarget(d: OrderDraft, target: string, on: boolean, label?: string): void {
  if (on) {
    if (!d.targets.includes(target)) d.targets = [...d.targets, target];
    if (label) d.target_labels = { ...d.target_labels, [target]: label };
  } else {
    d.targets = d.targets.filter((k) => k !== target);
    const { [target]: _gone, ...rest } = d.target_labels;
    d.target_labels = rest;
  }
}

export function stepHeadcount(n: number, delta: number): number {
  return Math.min(MAX_HEADCOUNT, Math.max(1, Math.round(n) + delta));
}

/** "03:05": when the draft was last written, in the phone's time (or a given zone, for tests). */
export function savedAtText(iso: string, lang = "zh-CN", timeZone: string = CHINA_TIME_ZONE): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(date);
}

// What goes to the server ------------------------------------------------------------------------

/** The places on the form an error can be shown next to. */
export type FormField =
  | "incident"
  | "kind"
  | "incident_title"
  | "place"
  | "severity"
  | "title"
  | "location"
  | "people"
  | "headcount"
  | "muster_point"
  | "bring"
  | "description";

/** What must be there before anything is sent, as message keys by field (empty: ready). */
export function checkDraft(d: OrderDraft): Partial<Record<FormField, MessageKey>> {
  const out: Partial<Record<FormField, MessageKey>> = {};
  if (!d.title.trim()) out.title = "desk.f.needTitle";
  if (!d.location) out.location = "desk.f.needLocation";
  if (!d.targets.length) out.people = "desk.f.needPeople";
  return out;
}

const pointOf = (f: Fix) => ({ lat: f.lat, lon: f.lon });

/** POST /api/v1/incidents: the new incident, named after the order when not named itself. */
export function incidentBody(d: OrderDraft): Record<string, unknown> {
  const body: Record<string, unknown> = { id: d.incident_new_id, kind: d.kind, title: (d.incident_title.trim() || d.title.trim()).slice(0, 120) };
  if (d.place.trim()) body.place = d.place.trim();
  if (d.severity) body.severity = d.severity;
  if (d.location) body.location = pointOf(d.location);
  return body;
}

/** POST /api/v1/dispatches: the order, linked to its incident. */
export function orderBody(d: OrderDraft, incidentId: string | null): Record<string, unknown> {
  const ids = (kind: string) => d.targets.filter((k) => k.startsWith(`${kind}:`)).map((k) => k.slice(kind.length + 1));
  const body: Record<string, unknown> = {
    id: d.order_id,
    title: d.title.trim(),
    location: d.location ? pointOf(d.location) : null,
    headcount: d.headcount,
    team_ids: ids("team"),
    member_ids: ids("member"),
  };
  if (incidentId) body.incident_id = incidentId;
  if (d.description.trim()) body.description = d.description.trim();
  if (d.muster_point.trim()) body.muster_point = d.muster_point.trim();
  if (d.bring.trim()) body.bring = d.bring.trim();
  return body;
}

const ORDER_FIELDS: Record<string, FormField> = {
  title: "title",
  description: "description",
  location: "location",
  incident_id: "incident",
  member_ids: "people",
  team_ids: "people",
  headcount: "headcount",
  muster_point: "muster_point",
  bring: "bring",
};
const INCIDENT_FIELDS: Record<string, FormField> = {
  kind: "kind",
  title: "incident_title",
  place: "place",
  severity: "severity",
  location: "location",
};

/** A problem's messages for one field, flattened (marshmallow nests them for lists and objects). */
export function flattenMessages(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(flattenMessages);
  if (v && typeof v === "object") return Object.values(v).flatMap(flattenMessages);
  return [];
}

/**
 * The server's `errors` map (problem+json) placed on the form: by field where the form has that
 * field, the rest ("field: message") for the general error line.
 */
export function placeErrors(
  errors: Record<string, unknown> | undefined,
  stage: "incident" | "order",
): { fields: Partial<Record<FormField, string[]>>; rest: string[] } {
  const table = stage === "incident" ? INCIDENT_FIELDS : ORDER_FIELDS;
  const fields: Partial<Record<FormField, string[]>> = {};
  const rest: string[] = [];
  for (const [name, value] of Object.entries(errors ?? {})) {
    const messages = flattenMessages(value);
    const field = table[name];
    if (field) fields[field] = [...(fields[field] ?? []), ...messages];
    else rest.push(`${name}: ${messages.join(" ")}`);
  }
  return { fields, rest };
}

// On the phone ------------------------------------------------------------------------------------

export async function loadOrderDraft(key: string): Promise<OrderDraft | null> {
  const raw = await getDraft(key);
  return raw ? restoreOrderDraft(raw, key) : null;
}

/** Writes the draft; answers when it was written. */
export async function storeOrderDraft(d: OrderDraft): Promise<string> {
  const at = new Date().toISOString();
  await saveDraft({ ...d, targets: [...d.targets], target_labels: { ...d.target_labels }, saved_at: at });
  return at;
}

export async function discardOrderDraft(key: string): Promise<void> {
  await deleteDraft(key);
}
