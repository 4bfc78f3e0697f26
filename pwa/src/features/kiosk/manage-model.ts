// Running a shelter from the phone, as data: who may open, close and stock it, the supplies'
// numbers, the open/close record, and the desk's register/edit form (its draft, what is sent, and
// where the server's field errors go). Pure: no DOM, no IndexedDB.
import type { Draft, LocalRecord } from "../../data/db";
import type { Fix } from "../../shared/geo";

/** server/shelters/models.py SUPPLIES: key -> unit; SuppliesSchema: integers 0..10,000,000. */
export const SUPPLY_KEYS = ["water", "food", "bedding", "medicine"] as const;
export type SupplyKey = (typeof SUPPLY_KEYS)[number];
export const MAX_SUPPLY = 10_000_000;
/** One tap of − / +: water and meals come by the case, bedding and kits one at a time. */
export const SUPPLY_STEP: Record<SupplyKey, number> = { water: 10, food: 10, bedding: 1, medicine: 1 };

/** server/shelters/models.py KINDS (the three classes on the poster). */
export const SHELTER_KINDS = ["county", "township", "village"] as const;
export const MAX_CAPACITY = 100_000;
export const MAX_AREA = 10_000_000;

/** navigator.onLine false is a sure "no network" (true is only a maybe: a request may still fail). */
export const surelyOffline = (): boolean => typeof navigator !== "undefined" && navigator.onLine === false;

/** Desk roles: they run every shelter of their region (core/permissions.py shelters.manage). */
export const DESK_ROLES = new Set(["duty_officer", "admin"]);

/** Whether this user may open, close, stock and print the poster of this shelter (service.manages):
 * the desk of its region (the phone holds only its region's shelters) or one of its managers. */
export function canOperate(user: { id: string; role: string }, shelter: LocalRecord): boolean {
  if (DESK_ROLES.has(user.role)) return true;
  return Array.isArray(shelter.manager_ids) && shelter.manager_ids.map(String).includes(user.id);
}

export const canRegister = (user: { role: string }): boolean => DESK_ROLES.has(user.role);

/** The supplies as the shelter record holds them ({water: {quantity, unit}, …}); 0 when absent. */
export function suppliesOf(shelter: LocalRecord | null): Record<SupplyKey, number> {
  const raw = (shelter?.supplies ?? {}) as Record<string, unknown>;
  const out = {} as Record<SupplyKey, number>;
  for (const k of SUPPLY_KEYS) {
    const q = (raw[k] as { quantity?: unknown } | undefined)?.quantity;
    out[k] = typeof q === "number" && Number.isInteger(q) && q >= 0 ? Math.min(q, MAX_SUPPLY) : 0;
  }
  return out;
}

/** A typed quantity: a whole number 0..max (spaces and full-width digits allowed), else null. */
export function parseCount(text: string, max: number): number | null {
  const s = text.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).trim();
  if (!/^\d{1,9}$/.test(s)) return null;
  const n = Number(s);
  return n <= max ? n : null;
}

export function stepCount(n: number | null, delta: number, max = MAX_SUPPLY): number {
  const base = n ?? 0;
  return Math.min(max, Math.max(0, Math.round(base) + delta));
}

/** Which supply fields hold something that is not a valid quantity (empty: all good). */
export function badSupplies(typed: Record<SupplyKey, string>): SupplyKey[] {
  return SUPPLY_KEYS.filter((k) => parseCount(typed[k], MAX_SUPPLY) === null);
}

export interface ShelterEventRow {
  kind: "open" | "close";
  actor_name: string | null;
  at: string;
}

/** The server's events, newest first, dropping any row of a shape it never sends. */
export function eventRows(body: unknown): ShelterEventRow[] {
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return [];
  const rows: ShelterEventRow[] = [];
  for (const it of items) {
    const r = it as Record<string, unknown>;
    if ((r.kind !== "open" && r.kind !== "close") || typeof r.at !== "string" || Number.isNaN(Date.parse(r.at))) continue;
    rows.push({ kind: r.kind, actor_name: typeof r.actor_name === "string" && r.actor_name ? r.actor_name : null, at: r.at });
  }
  return rows.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}

// The desk's register / edit form ----------------------------------------------------------------

export type ShelterField = "name" | "kind" | "capacity" | "floor_area_m2" | "address" | "location" | "region_id" | "manager_ids" | "contact_phone";
export const SHELTER_FIELDS: ShelterField[] = ["name", "kind", "capacity", "floor_area_m2", "address", "location", "region_id", "manager_ids", "contact_phone"];

export interface ShelterDraft extends Draft {
  v: number;
  /** "" for a new shelter, else the id being edited. */
  shelter_id: string;
  name: string;
  kind: string;
  capacity: string;
  floor_area_m2: string;
  address: string;
  location: Fix | null;
  region_id: string;
  manager_ids: string[];
  contact_phone: string;
  /** When a create was sent and no answer came (a timeout): the next send first looks for it. */
  sent_at: string | null;
}

const DRAFT_VERSION = 1;

/** One draft per user and per shelter (or "new") on this phone. */
export const shelterDraftKey = (userId: string | null | undefined, shelterId: string | null): string => `shelter-form:${userId || "anon"}:${shelterId || "new"}`;

export function emptyShelterDraft(key: string, shelterId = ""): ShelterDraft {
  return {
    key,
    saved_at: "",
    v: DRAFT_VERSION,
    shelter_id: shelterId,
    name: "",
    kind: "township",
    capacity: "",
    floor_area_m2: "",
    address: "",
    location: null,
    region_id: "",
    manager_ids: [],
    contact_phone: "",
    sent_at: null,
  };
}

/** The form as the shelter is now on the server (an edit with no draft of its own). */
export function draftFromShelter(s: LocalRecord, key: string): ShelterDraft {
  const d = emptyShelterDraft(key, String(s.id));
  d.name = typeof s.name === "string" ? s.name : "";
  d.kind = (SHELTER_KINDS as readonly string[]).includes(String(s.kind)) ? String(s.kind) : "township";
  d.capacity = typeof s.capacity === "number" ? String(s.capacity) : "";
  d.floor_area_m2 = typeof s.floor_area_m2 === "number" ? String(s.floor_area_m2) : "";
  d.address = typeof s.address === "string" ? s.address : "";
  const loc = s.location as { lat?: unknown; lon?: unknown } | undefined;
  d.location = loc && typeof loc.lat === "number" && typeof loc.lon === "number" ? { lat: loc.lat, lon: loc.lon } : null;
  d.region_id = s.region_id !== undefined && s.region_id !== null ? String(s.region_id) : "";
  d.manager_ids = Array.isArray(s.manager_ids) ? s.manager_ids.map(String) : [];
  d.contact_phone = typeof s.contact_phone === "string" ? s.contact_phone : "";
  return d;
}

const str = (v: unknown, max: number): string => (typeof v === "string" ? v.slice(0, max) : "");

/** A stored draft (or anything IndexedDB hands back) as one the form can show, field by field. */
export function restoreShelterDraft(raw: unknown, key: string, shelterId = ""): ShelterDraft {
  const d = emptyShelterDraft(key, shelterId);
  if (!raw || typeof raw !== "object") return d;
  const r = raw as Record<string, unknown>;
  d.saved_at = str(r.saved_at, 40);
  d.name = str(r.name, 120);
  d.kind = (SHELTER_KINDS as readonly string[]).includes(String(r.kind)) ? String(r.kind) : d.kind;
  d.capacity = str(r.capacity, 12);
  d.floor_area_m2 = str(r.floor_area_m2, 16);
  d.address = str(r.address, 200);
  const loc = r.location as Record<string, unknown> | null;
  if (loc && typeof loc.lat === "number" && typeof loc.lon === "number" && Math.abs(loc.lat) <= 90 && Math.abs(loc.lon) <= 180) {
    d.location = { lat: loc.lat, lon: loc.lon, manual: true, picked: loc.picked === true };
  }
  d.region_id = /^\d{1,12}$/.test(String(r.region_id ?? "")) ? String(r.region_id) : "";
  d.manager_ids = Array.isArray(r.manager_ids) ? [...new Set(r.manager_ids.filter((x): x is string => typeof x === "string" && /^[\w-]{1,64}$/.test(x)))].slice(0, 20) : [];
  d.contact_phone = str(r.contact_phone, 30);
  d.sent_at = typeof r.sent_at === "string" && !Number.isNaN(Date.parse(r.sent_at)) ? r.sent_at : null;
  return d;
}

export function shelterDraftHasContent(d: ShelterDraft): boolean {
  return Boolean(d.name.trim() || d.capacity.trim() || d.floor_area_m2.trim() || d.address.trim() || d.location || d.manager_ids.length || d.contact_phone.trim());
}

function parseArea(text: string): number | null {
  const s = text.trim();
  if (!/^\d{1,8}(\.\d{1,2})?$/.test(s)) return null;
  const n = Number(s);
  return n <= MAX_AREA ? n : null;
}

/** What is missing or not a number before anything is sent, by field (empty: ready). */
export function checkShelterDraft(d: ShelterDraft): Partial<Record<ShelterField, "required" | "invalid">> {
  const out: Partial<Record<ShelterField, "required" | "invalid">> = {};
  if (!d.name.trim()) out.name = "required";
  if (!d.capacity.trim()) out.capacity = "required";
  else if (parseCount(d.capacity, MAX_CAPACITY) === null) out.capacity = "invalid";
  if (d.floor_area_m2.trim() && parseArea(d.floor_area_m2) === null) out.floor_area_m2 = "invalid";
  if (!d.location) out.location = "required";
  if (!d.shelter_id && !d.region_id) out.region_id = "required";
  return out;
}

/** POST /api/v1/shelters (new) or PATCH /api/v1/shelters/<id> (edit; the region stays). Call
 * after checkShelterDraft found nothing. */
export function shelterBody(d: ShelterDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: d.name.trim(),
    kind: d.kind,
    capacity: parseCount(d.capacity, MAX_CAPACITY),
    floor_area_m2: d.floor_area_m2.trim() ? parseArea(d.floor_area_m2) : null,
    address: d.address.trim() || null,
    location: d.location ? { lat: d.location.lat, lon: d.location.lon } : null,
    manager_ids: [...d.manager_ids],
    contact_phone: d.contact_phone.trim() || null,
  };
  if (!d.shelter_id) body.region_id = Number(d.region_id);
  return body;
}

/** The server's `errors` (problem+json) by the form's fields; the rest go to the general line. */
export function placeShelterErrors(errors: Record<string, unknown> | undefined): { fields: ShelterField[]; rest: string[] } {
  const fields: ShelterField[] = [];
  const rest: string[] = [];
  for (const name of Object.keys(errors ?? {})) {
    const f = name === "manager_id" ? "manager_ids" : name;
    if ((SHELTER_FIELDS as string[]).includes(f)) {
      if (!fields.includes(f as ShelterField)) fields.push(f as ShelterField);
    } else rest.push(name);
  }
  return { fields, rest };
}

/** After a create got no answer: the shelter it made, if it did (same name and region, made since
 * the send, allowing a minute of clock difference between phone and server). */
export function findMadeEarlier(items: LocalRecord[], d: ShelterDraft): LocalRecord | null {
  if (!d.sent_at) return null;
  const since = Date.parse(d.sent_at) - 60_000;
  return (
    items.find(
      (s) => s.name === d.name.trim() && String(s.region_id) === d.region_id && typeof s.created_at === "string" && Date.parse(s.created_at) >= since,
    ) ?? null
  );
}
