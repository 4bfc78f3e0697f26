// The family lookup's pure parts: the query rule the server applies (server/shelters/schemas.py
// PeopleQuerySchema: 1–30 characters after trimming; all digits means a phone's last four, so
// exactly four), checked here first so a refusal is said at once, and the card's times in China
// time. No DOM, no storage.
import { CHINA_TIME_ZONE, type Lang } from "../../i18n";

export const MAX_QUERY = 30;

export type QueryProblem = "empty" | "digits" | "long";

export interface Person {
  id: string;
  shelter_id: string;
  shelter_name?: string | null;
  name: string | null;
  phone_masked: string | null;
  household_size: number;
  needs: string[];
  checked_in_at: string;
  checked_out_at?: string | null;
  purged?: boolean;
}

export interface PeoplePage {
  items: Person[];
  total?: number;
  next_cursor?: string | null;
}

/**
 * What is sent for what was typed: trimmed; digits typed on a Chinese keyboard in full-width
 * (１２３４) or with a space (56 78) become the ASCII digits a stored phone ends with.
 */
export function normaliseQuery(raw: string): string {
  const q = raw.trim();
  const digits = q.normalize("NFKC").replace(/\s+/g, "");
  return /^[0-9]+$/.test(digits) ? digits : q;
}

/** Why the server would refuse this (normalised) query, or null when it may be sent. */
export function queryProblem(q: string): QueryProblem | null {
  if (!q) return "empty";
  // Any decimal digits (the server's isdigit): a phone is looked up by exactly its last four 0-9.
  if (/^\p{Nd}+$/u.test(q) && !/^[0-9]{4}$/.test(q)) return "digits";
  // Code points, as the server counts them (a rare name character outside the BMP is one).
  if ([...q].length > MAX_QUERY) return "long";
  return null;
}

/** The lookup's address; `q` goes to the API only, never into the page's own URL. */
export function lookupPath(q: string, cursor: string | null, limit = 20): string {
  const params = new URLSearchParams({ q, limit: String(limit) });
  if (cursor) params.set("cursor", cursor);
  return `/api/v1/shelters/people?${params.toString()}`;
}

// The order the check-in forms offer them in (server/shelters/models.py NEEDS); the server keeps
// a household's needs in an order of its own, so the card puts them back in this one.
const NEED_ORDER = ["elderly", "children", "disabled", "pregnant", "medical"];

export function orderedNeeds(needs: string[]): string[] {
  const rank = (n: string) => (NEED_ORDER.includes(n) ? NEED_ORDER.indexOf(n) : NEED_ORDER.length);
  return [...new Set(needs)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}


/** 12月2日 08:30 (China time, wherever the phone thinks it is); the year only when it is not this year's. */
export function chinaTime(value: string, lang: Lang, now: Date = new Date()): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  const year = (d: Date) => new Intl.DateTimeFormat("en", { year: "numeric", timeZone: CHINA_TIME_ZONE }).format(d);
  return new Intl.DateTimeFormat(lang, {
    year: year(date) === year(now) ? undefined : "numeric",
    month: lang === "en" ? "short" : "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: CHINA_TIME_ZONE,
  }).format(date);
}
