// The desk's warnings (预警信息) as data: the issuing form's draft kept on this phone, its checks in
// words, what is sent to POST /api/v1/warnings, China-time inputs, the polygon drawn on GCJ-02
// tiles shifted back to WGS-84, and the delivery counts merged so they never run backwards. Pure,
// apart from the three small IndexedDB calls at the end (the "drafts" store).
import type { Draft } from "../../data/db";
import { deleteDraft, getDraft, saveDraft } from "../../data/stores";
import { fromMap, toMap, type LatLon, type MapCrs } from "../../shared/coords";
import type { MessageKey } from "../../i18n";

/** The kinds and levels of the spec (server/warnings/models.py). */
export const WARNING_KINDS = ["typhoon", "rainstorm", "flood", "geological", "forest_fire", "heat", "cold_wave", "other"] as const;
export const WARNING_LEVELS = ["blue", "yellow", "orange", "red"] as const;
export type WarningKind = (typeof WARNING_KINDS)[number];
export type WarningLevel = (typeof WARNING_LEVELS)[number];

export const TITLE_MAX = 120;
export const BODY_MAX = 4000;
export const INSTRUCTIONS_MAX = 2000;
export const POLYGON_MIN = 3;
export const POLYGON_MAX = 200;
const DAY_MS = 24 * 3600_000;
const CHINA_OFFSET_MS = 8 * 3600_000; // China keeps UTC+8 all year: no summer time
const DRAFT_VERSION = 1;

export interface WarningDraft extends Draft {
  v: number;
  kind: WarningKind | "";
  level: WarningLevel | "";
  title: string;
  body: string;
  instructions: string;
  /** China time as a datetime-local input holds it: "2026-12-02T18:00". */
  onset: string;
  expires: string;
  area: "regions" | "polygon";
  region_ids: number[];
  /** The regions' names when ticked, so the confirm step and a reload offline read right. */
  region_names: Record<string, string>;
  /** WGS-84 [lat, lon] pairs, as stored and sent. */
  polygon: [number, number][];
}

/** One draft per signed-in user on this phone. */
export function warningDraftKey(userId: string | null | undefined): string {
  return `desk-warning:${userId || "anon"}`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A datetime-local value of `at` in China time, whatever the phone's own zone. */
export function chinaInput(at: Date | number): string {
  const d = new Date((at instanceof Date ? at.getTime() : at) + CHINA_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** The instant a China-time datetime-local value names; null when it is not one. */
export function fromChinaInput(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, hh, mm, ss] = m.map(Number) as number[];
  const ms = Date.UTC(y, mo - 1, d, hh, mm, ss || 0) - CHINA_OFFSET_MS;
  const back = new Date(ms + CHINA_OFFSET_MS);
  // 2026-02-30 rolls over in Date.UTC: refuse it rather than send another day.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return new Date(ms);
}

export function emptyWarningDraft(key: string, now: number = Date.now()): WarningDraft {
  // Whole minutes: the input shows no seconds, and onset "now" must not drift into the past.
  const start = Math.floor(now / 60_000) * 60_000;
  return {
    key,
    saved_at: "",
    v: DRAFT_VERSION,
    kind: "",
    level: "",
    title: "",
    body: "",
    instructions: "",
    onset: chinaInput(start),
    expires: chinaInput(start + DAY_MS),
    area: "regions",
    region_ids: [],
    region_names: {},
    polygon: [],
  };
}

const str = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");

/** A stored draft read back defensively (an older app version or a damaged store gives defaults). */
export function restoreWarningDraft(raw: unknown, key: string, now: number = Date.now()): WarningDraft {
  const d = emptyWarningDraft(key, now);
  if (!raw || typeof raw !== "object") return d;
  const r = raw as Record<string, unknown>;
  if (r.v !== DRAFT_VERSION) return d;
  const kind = WARNING_KINDS.find((k) => k === r.kind);
  const level = WARNING_LEVELS.find((l) => l === r.level);
  const ids = Array.isArray(r.region_ids) ? r.region_ids.filter((x): x is number => Number.isInteger(x)) : [];
  const names = r.region_names && typeof r.region_names === "object" ? (r.region_names as Record<string, unknown>) : {};
  const poly = Array.isArray(r.polygon)
    ? r.polygon.filter((p): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === "number" && Number.isFinite(x)))
    : [];
  return {
    ...d,
    saved_at: typeof r.saved_at === "string" ? r.saved_at : "",
    kind: kind ?? "",
    level: level ?? "",
    title: str(r.title, TITLE_MAX),
    body: str(r.body, BODY_MAX),
    instructions: str(r.instructions, INSTRUCTIONS_MAX),
    onset: typeof r.onset === "string" && fromChinaInput(r.onset) ? r.onset : d.onset,
    expires: typeof r.expires === "string" && fromChinaInput(r.expires) ? r.expires : d.expires,
    area: r.area === "polygon" ? "polygon" : "regions",
    region_ids: [...new Set(ids)],
    region_names: Object.fromEntries(Object.entries(names).filter(([, v]) => typeof v === "string")) as Record<string, string>,
    polygon: poly.slice(0, POLYGON_MAX),
  };
}

export function warningDraftHasContent(d: WarningDraft): boolean {
  return Boolean(d.kind || d.level || d.title.trim() || d.body.trim() || d.instructions.trim() || d.region_ids.length || d.polygon.length);
}

export type WarningField = "kind" | "level" | "title" | "body" | "instructions" | "onset" | "expires" | "area" | "reason";

/** What is wrong with the draft, per field, as message keys (nothing: it may be sent). */
export function checkWarning(d: WarningDraft, opts: { reason?: string; needReason?: boolean } = {}): Partial<Record<WarningField, MessageKey>> {
  const out: Partial<Record<WarningField, MessageKey>> = {};
  if (!d.kind) out.kind = "wd.err.kind";
  if (!d.level) out.level = "wd.err.level";
  if (!d.title.trim()) out.title = "wd.err.title";
  else if (d.title.trim().length > TITLE_MAX) out.title = "wd.err.titleLong";
  if (!d.body.trim()) out.body = "wd.err.body";
  else if (d.body.trim().length > BODY_MAX) out.body = "wd.err.bodyLong";
  if (d.instructions.trim().length > INSTRUCTIONS_MAX) out.instructions = "wd.err.instructionsLong";
  const onset = fromChinaInput(d.onset);
  const expires = fromChinaInput(d.expires);
  if (!onset) out.onset = "wd.err.onset";
  if (!expires) out.expires = "wd.err.expires";
  else if (onset && expires.getTime() <= onset.getTime()) out.expires = "wd.err.expiresBefore";
  if (d.area === "regions" && !d.region_ids.length) out.area = "wd.err.regions";
  if (d.area === "polygon") {
    if (d.polygon.length < POLYGON_MIN) out.area = "wd.err.polygonFew";
    else if (d.polygon.length > POLYGON_MAX) out.area = "wd.err.polygonMany";
  }
  if (opts.needReason && !(opts.reason ?? "").trim()) out.reason = "wd.err.reason";
  return out;
}

/** The body of POST /api/v1/warnings (or …/update with `reason`). */
export function warningBody(d: WarningDraft, extra: { draft?: boolean; reason?: string } = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: d.kind,
    level: d.level,
    title: d.title.trim(),
    body: d.body.trim(),
    onset_at: fromChinaInput(d.onset)?.toISOString(),
    expires_at: fromChinaInput(d.expires)?.toISOString(),
  };
  if (d.instructions.trim()) body.instructions = d.instructions.trim();
  if (d.area === "polygon") body.polygon = d.polygon.map(([lat, lon]) => [lat, lon]);
  else body.region_ids = [...d.region_ids];
  if (extra.draft) body.draft = true;
  if (extra.reason !== undefined) body.reason = extra.reason.trim();
  return body;
}

/** Where the server's 422 field names belong on the form. */
export function fieldOf(name: string): WarningField | null {
  const top = name.split(".")[0];
  const table: Record<string, WarningField> = {
    kind: "kind",
    level: "level",
    title: "title",
    body: "body",
    instructions: "instructions",
    onset_at: "onset",
    expires_at: "expires",
    region_ids: "area",
    polygon: "area",
    reason: "reason",
  };
  return table[top] ?? null;
}

// The polygon ------------------------------------------------------------------------------------

// 1e-6° is ~10 cm: finer than a thumb on a map, without float noise in what is sent.
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** A point tapped on tiles of `crs`, as the WGS-84 [lat, lon] pair to store and send. */
export function tappedToWgs(p: LatLon, crs: MapCrs): [number, number] {
  const w = fromMap(p, crs);
  return [round6(w.lat), round6(w.lon)];
}

/** A stored WGS-84 pair, where tiles of `crs` draw it. */
export function wgsToTiles(p: [number, number], crs: MapCrs): LatLon {
  return toMap({ lat: p[0], lon: p[1] }, crs);
}

// Delivery counts --------------------------------------------------------------------------------

export interface ChannelCounts {
  accepted: number;
  failed: number;
  pending: number;
}

export interface SilentPerson {
  user_id: string;
  display_name: string;
  role: string;
  region: string;
  phone: string | null;
  /** The phone as a person dials it (138 0000 5009), for the eye; `phone` goes in the tel: link. */
  phone_dial: string | null;
  reminded_at?: string | null;
  /** Their last reply to the SMS that was not 收到 (2, 拒绝, a question): they are still silent. */
  reply?: { text: string; at: string | null } | null;
}

export interface Delivery {
  responsible: {
    targeted: number;
    reached: { push: number; sms: number; voice: number };
    acknowledged: number;
    by_channel?: Record<string, number>;
    silent: SilentPerson[];
    reported_at?: string | null;
  };
  residents: { targeted: number; push: ChannelCounts; sms: ChannelCounts };
  going_out: boolean;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);

function channel(v: unknown): ChannelCounts {
  const c = (v ?? {}) as Record<string, unknown>;
  return { accepted: num(c.accepted), failed: num(c.failed), pending: num(c.pending) };
}

/** The server's answer read defensively: a missing part counts as zero, never as NaN on screen. */
export function readDelivery(raw: unknown): Delivery {
  const r = (raw ?? {}) as Record<string, unknown>;
  const resp = (r.responsible ?? {}) as Record<string, unknown>;
  const reached = (resp.reached ?? {}) as Record<string, unknown>;
  const res = (r.residents ?? {}) as Record<string, unknown>;
  const silent = Array.isArray(resp.silent) ? resp.silent : [];
  const byChannel = (resp.by_channel ?? {}) as Record<string, unknown>;
  return {
    responsible: {
      targeted: num(resp.targeted),
      reached: { push: num(reached.push), sms: num(reached.sms), voice: num(reached.voice) },
      acknowledged: num(resp.acknowledged),
      by_channel: Object.fromEntries(Object.entries(byChannel).map(([k, v]) => [k, num(v)])),
      silent: silent
        .filter((p): p is Record<string, unknown> => Boolean(p) && typeof p === "object")
        .map((p) => ({
          user_id: String(p.user_id ?? ""),
          display_name: typeof p.display_name === "string" ? p.display_name : "",
          role: typeof p.role === "string" ? p.role : "",
          region: typeof p.region === "string" ? p.region : "",
          phone: typeof p.phone === "string" && p.phone ? p.phone : null,
          phone_dial:
            typeof p.phone_dial === "string" && p.phone_dial ? p.phone_dial : typeof p.phone === "string" && p.phone ? dialForm(p.phone) : null,
          reminded_at: typeof p.reminded_at === "string" ? p.reminded_at : null,
          reply: readReply(p.reply),
        })),
      reported_at: typeof resp.reported_at === "string" ? resp.reported_at : null,
    },
    residents: { targeted: num(res.targeted), push: channel(res.push), sms: channel(res.sms) },
    going_out: r.going_out === true,
  };
}

/**
 * The counts to show after an answer. Answers carry the ticket of the load that asked: one older
 * than the last shown is dropped whole (a slow answer must not undo a newer one). Of an answer in
 * order, the counts that only ever grow (targeted, reached, acknowledged, accepted, failed) never
 * go below what is shown, in case two server workers answer from slightly different moments;
 * pending and the silent list are taken as they come, they shrink as people answer.
 */
export function mergeDelivery(
  shown: { ticket: number; d: Delivery } | null,
  next: { ticket: number; d: Delivery },
): { ticket: number; d: Delivery } {
  if (!shown) return next;
  if (next.ticket < shown.ticket) return shown;
  const a = shown.d;
  const b = next.d;
  const max = Math.max;
  const ch = (x: ChannelCounts, y: ChannelCounts): ChannelCounts => ({ accepted: max(x.accepted, y.accepted), failed: max(x.failed, y.failed), pending: y.pending });
  const byChannel: Record<string, number> = { ...(b.responsible.by_channel ?? {}) };
  for (const [k, v] of Object.entries(a.responsible.by_channel ?? {})) byChannel[k] = max(v, byChannel[k] ?? 0);
  return {
    ticket: next.ticket,
    d: {
      responsible: {
        targeted: max(a.responsible.targeted, b.responsible.targeted),
        reached: {
          push: max(a.responsible.reached.push, b.responsible.reached.push),
          sms: max(a.responsible.reached.sms, b.responsible.reached.sms),
          voice: max(a.responsible.reached.voice, b.responsible.reached.voice),
        },
        acknowledged: max(a.responsible.acknowledged, b.responsible.acknowledged),
        by_channel: byChannel,
        silent: b.responsible.silent,
        reported_at: b.responsible.reported_at ?? a.responsible.reported_at ?? null,
      },
      residents: {
        targeted: max(a.residents.targeted, b.residents.targeted),
        push: ch(a.residents.push, b.residents.push),
        sms: ch(a.residents.sms, b.residents.sms),
      },
      going_out: b.going_out,
    },
  };
}

function readReply(v: unknown): { text: string; at: string | null } | null {
  if (!v || typeof v !== "object") return null;
  const r = v as Record<string, unknown>;
  return typeof r.text === "string" ? { text: r.text, at: typeof r.at === "string" ? r.at : null } : null;
}

/**
 * A number as a person dials it in China, as the shelter poster prints it (server/core/schemas.py
 * dial_form): +8613800000005 -> 138 0000 0005, +8657788889999 -> 057788889999; others as given.
 */
export function dialForm(phone: string): string {
  if (!phone.startsWith("+86")) return phone;
  const local = phone.slice(3);
  if (/^1\d{10}$/.test(local)) return `${local.slice(0, 3)} ${local.slice(3, 7)} ${local.slice(7)}`;
  return "0" + local;
}

/** A phone number as a tel: link (digits and a leading + only). */
export function telHref(phone: string): string {
  const cleaned = phone.replace(/[^\d+]/g, "");
  return `tel:${cleaned}`;
}

// The list ---------------------------------------------------------------------------------------

export interface WarningItem {
  id: string;
  identifier?: string;
  msg_type: "alert" | "update" | "cancel";
  references_id?: string | null;
  state: "draft" | "issued";
  kind: string;
  level: string;
  title: string;
  body?: string;
  instructions?: string | null;
  region_ids?: number[];
  regions?: { id: number; name: string }[];
  polygon?: [number, number][] | null;
  onset_at?: string;
  expires_at?: string;
  issued_at?: string | null;
  created_at?: string | null;
  created_by?: { id: string; display_name?: string } | null;
  created_by_id?: string | null;
  issued_by?: { id: string; display_name?: string } | null;
  active?: boolean;
  cancelled?: boolean;
  superseded_by?: string | null;
  reason?: string | null;
}

export type ListGroup = "active" | "upcoming" | "drafts" | "ended";

/** Which part of the list a warning belongs in. */
export function groupOf(w: WarningItem, now: number = Date.now()): ListGroup {
  if (w.state === "draft") return "drafts";
  if (w.cancelled || w.msg_type === "cancel" || w.superseded_by) return "ended";
  const expires = w.expires_at ? Date.parse(w.expires_at) : NaN;
  if (!Number.isNaN(expires) && expires <= now) return "ended";
  const onset = w.onset_at ? Date.parse(w.onset_at) : NaN;
  if (!Number.isNaN(onset) && onset > now) return "upcoming";
  return w.active === false ? "ended" : "active";
}

/**
 * One line per warning for the list: an update or a cancellation is a new message of the first's
 * chain, so of each chain's issued messages only the latest is listed (with how many there are).
 * Drafts stand on their own (a draft update is not yet part of what people were told).
 */
export function latestPerChain(items: WarningItem[]): { item: WarningItem; messages: number }[] {
  const at = (w: WarningItem) => w.issued_at ?? w.created_at ?? "";
  const chains = new Map<string, WarningItem[]>();
  const out: { item: WarningItem; messages: number }[] = [];
  for (const w of items) {
    if (w.state === "draft") {
      out.push({ item: w, messages: 1 });
      continue;
    }
    const root = w.references_id || w.id;
    chains.set(root, [...(chains.get(root) ?? []), w]);
  }
  for (const list of chains.values()) {
    const latest = list.reduce((a, b) => (at(b) > at(a) || (at(b) === at(a) && b.msg_type === "cancel") ? b : a));
    out.push({ item: latest, messages: list.length });
  }
  return out.sort((a, b) => at(b.item).localeCompare(at(a.item)));
}

// On the phone ------------------------------------------------------------------------------------

export async function loadWarningDraft(key: string): Promise<WarningDraft | null> {
  const raw = await getDraft(key);
  return raw ? restoreWarningDraft(raw, key) : null;
}

export async function storeWarningDraft(d: WarningDraft): Promise<string> {
  const at = new Date().toISOString();
  await saveDraft({ ...d, region_ids: [...d.region_ids], region_names: { ...d.region_names }, polygon: d.polygon.map((p) => [p[0], p[1]]), saved_at: at });
  return at;
}

export async function discardWarningDraft(key: string): Promise<void> {
  await deleteDraft(key);
}
