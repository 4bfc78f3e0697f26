// Planning a training on the phone, without the DOM: the draft the form keeps (so a closed app
// comes back to it), what is checked before anything is sent, the body of POST / PATCH, and what a
// scanned badge says (a member of this training, or not).
import type { Kind, Training } from "./model";

export const KINDS: readonly Kind[] = ["theory", "fitness", "skills", "exercise"];
export const PLAN_FIELDS = ["kind", "title", "place", "day", "start", "end", "hours", "members"] as const;
export type PlanField = (typeof PLAN_FIELDS)[number];
export type PlanError = "required" | "invalid" | "endBeforeStart" | "tooFar" | "hoursRange" | "noMembers";

export interface PlanDraft {
  key: string;
  saved_at: string;
  v: number;
  /** "" for a new training; the training's id for an edit. */
  training_id: string;
  kind: string;
  title: string;
  place: string;
  /** China day, YYYY-MM-DD, and China times HH:MM (China keeps UTC+8 all year). */
  day: string;
  start: string;
  end: string;
  hours: string;
  /** The members expected; null until the captain changes a tick: then every member of the team. */
  member_ids: string[] | null;
  /** A new training sent with no answer (a timeout): the next send first looks for it. */
  sent_at: string | null;
}

const DRAFT_VERSION = 1;
const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

export const planDraftKey = (userId: string | null | undefined, trainingId: string | null): string => `training-plan:${userId || "anon"}:${trainingId || "new"}`;

export function emptyPlanDraft(key: string, trainingId = ""): PlanDraft {
  return { key, saved_at: "", v: DRAFT_VERSION, training_id: trainingId, kind: "", title: "", place: "", day: "", start: "", end: "", hours: "", member_ids: null, sent_at: null };
}

/** An instant as its China day and time: ["2026-12-03", "09:30"]. */
export function chinaParts(iso: string): [string, string] {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return ["", ""];
  const s = new Date(ms + CHINA_OFFSET_MS).toISOString();
  return [s.slice(0, 10), s.slice(11, 16)];
}

/** A China day and time as an instant with its offset, the way the server takes it. */
export function chinaInstant(day: string, time: string): string {
  return `${day}T${time}:00+08:00`;
}

/** The form as the training is now on the server (an edit with no draft of its own). */
export function draftFromTraining(tr: Training, key: string): PlanDraft {
  const d = emptyPlanDraft(key, tr.id);
  const [day, start] = chinaParts(tr.starts_at);
  const [, end] = chinaParts(tr.ends_at);
  Object.assign(d, { kind: String(tr.kind), title: tr.title, place: tr.place, day, start, end, hours: String(tr.planned_hours ?? ""), member_ids: [...tr.member_ids] });
  return d;
}

const str = (v: unknown, max: number): string => (typeof v === "string" ? v.slice(0, max) : "");
const match = (v: unknown, re: RegExp): string => (typeof v === "string" && re.test(v) ? v : "");

/** A stored draft (or anything IndexedDB hands back) as one the form can show, field by field. */
export function restorePlanDraft(raw: unknown, key: string, trainingId = ""): PlanDraft {
  const d = emptyPlanDraft(key, trainingId);
  if (!raw || typeof raw !== "object") return d;
  const r = raw as Record<string, unknown>;
  d.saved_at = str(r.saved_at, 40);
  d.kind = (KINDS as readonly string[]).includes(String(r.kind)) ? String(r.kind) : "";
  d.title = str(r.title, 120);
  d.place = str(r.place, 120);
  d.day = match(r.day, /^\d{4}-\d{2}-\d{2}$/);
  d.start = match(r.start, /^\d{2}:\d{2}$/);
  d.end = match(r.end, /^\d{2}:\d{2}$/);
  d.hours = str(r.hours, 8);
  d.member_ids = Array.isArray(r.member_ids) ? [...new Set(r.member_ids.filter((x): x is string => typeof x === "string" && /^[\w-]{1,64}$/.test(x)))].slice(0, 200) : null;
  d.sent_at = typeof r.sent_at === "string" && !Number.isNaN(Date.parse(r.sent_at)) ? r.sent_at : null;
  return d;
}

export function planHasContent(d: PlanDraft): boolean {
  return Boolean(d.kind || d.title.trim() || d.place.trim() || d.day || d.start || d.end || d.hours.trim() || d.member_ids !== null);
}

/** The members ticked: those the draft names (still of the team), or every member untouched. */
export function tickedMembers(d: PlanDraft, teamIds: string[]): string[] {
  if (d.member_ids === null) return [...teamIds];
  const team = new Set(teamIds);
  return d.member_ids.filter((id) => team.has(id));
}

/** Hours between the times, to the half hour: what the hours field offers before one is typed. */
export function suggestedHours(start: string, end: string): string {
  const m = (s: string) => (/^\d{2}:\d{2}$/.test(s) ? Number(s.slice(0, 2)) * 60 + Number(s.slice(3)) : NaN);
  const minutes = m(end) - m(start);
  if (!(minutes > 0)) return "";
  return String(Math.round(minutes / 30) / 2);
}

export interface PlanBody {
  kind: string;
  title: string;
  place: string;
  starts_at: string;
  ends_at: string;
  planned_hours: string;
  member_ids: string[];
}

/** What is missing or wrong before anything is sent, by field; the body when all is well. */
export function checkPlan(d: PlanDraft, teamIds: string[], now: number = Date.now()): { errors: Partial<Record<PlanField, PlanError>>; body: PlanBody | null } {
  const errors: Partial<Record<PlanField, PlanError>> = {};
  if (!(KINDS as readonly string[]).includes(d.kind)) errors.kind = "required";
  if (!d.title.trim()) errors.title = "required";
  if (!d.place.trim()) errors.place = "required";
  if (!d.day) errors.day = "required";
  if (!d.start) errors.start = "required";
  if (!d.end) errors.end = "required";
  const starts = d.day && d.start ? Date.parse(chinaInstant(d.day, d.start)) : NaN;
  const ends = d.day && d.end ? Date.parse(chinaInstant(d.day, d.end)) : NaN;
  if (d.day && Number.isNaN(Date.parse(`${d.day}T00:00:00+08:00`))) errors.day = "invalid";
  else if (!Number.isNaN(starts) && (starts < now - 365 * DAY_MS || starts > now + 730 * DAY_MS)) errors.day = "tooFar";
  if (!errors.end && !Number.isNaN(starts) && !Number.isNaN(ends) && ends <= starts) errors.end = "endBeforeStart";
  const hours = d.hours.trim();
  if (!hours) errors.hours = "required";
  else if (!/^\d{1,2}(\.\d)?$/.test(hours)) errors.hours = "invalid";
  else if (Number(hours) > 24) errors.hours = "hoursRange";
  const members = tickedMembers(d, teamIds);
  if (!members.length) errors.members = "noMembers";
  if (Object.keys(errors).length) return { errors, body: null };
  return {
    errors,
    body: { kind: d.kind, title: d.title.trim(), place: d.place.trim(), starts_at: chinaInstant(d.day, d.start), ends_at: chinaInstant(d.day, d.end), planned_hours: hours, member_ids: members },
  };
}

/** A training already on the server that is this send's (a create whose answer was lost). */
export function findSent(items: Training[], body: PlanBody): Training | null {
  const at = Date.parse(body.starts_at);
  return items.find((tr) => tr.title === body.title && tr.place === body.place && Date.parse(tr.starts_at) === at && tr.status !== "cancelled") ?? null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The member id a badge's code holds (`member:<uuid>` or a bare uuid), or null for anything else. */
export function badgeMember(text: string): string | null {
  let s = text.trim();
  if (s.toLowerCase().startsWith("member:")) s = s.slice(7).trim();
  return UUID.test(s) ? s.toLowerCase() : null;
}
