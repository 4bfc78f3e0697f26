// The desk's hazard list (/desk/reports): its filters as the page's URL keeps them (so Back from a
// report lands on the same list) and as GET /api/v1/reports takes them. Pure: tested on its own.

export const STATUSES = ["reported", "verified", "assigned", "rectifying", "rectified", "closed", "rejected"] as const;
/** Every state before closure (or refusal): what "open" means on the desk's list. */
export const OPEN = ["reported", "verified", "assigned", "rectifying", "rectified"] as const;
export const CATEGORIES = ["flood", "geological", "forest_fire", "earthquake", "epidemic", "road_traffic", "production_safety", "other"] as const;
export const COLOURS = ["red", "orange", "yellow", "blue"] as const;
/** The states in which a report waits on its assignee against a deadline (server: overdue_clause). */
export const AWAITING_WORK = ["assigned", "rectifying"] as const;
export const PAGE = 50;

export type Overdue = "" | "true" | "false";

export interface Filters {
  /** "" (any), "open", or one state. */
  status: string;
  category: string;
  colours: string[];
  region: string;
  unit: string;
  overdue: Overdue;
}

export interface DeskReport {
  id: string;
  category: string;
  description: string;
  severity: string | null;
  status: string;
  region_id: number;
  reported_at: string;
  created_at: string;
  responsible_unit: string | null;
  deadline_at: string | null;
}

export interface ReportPage {
  items: DeskReport[];
  total: number;
  total_capped?: boolean;
  next_cursor: string | null;
}

const pick = <T extends string>(value: string | null, allowed: readonly T[]): T | "" => (value && (allowed as readonly string[]).includes(value) ? (value as T) : "");

/** Filters from the page's query string; anything not ours (an old link, a typo) is dropped. */
export function readFilters(params: URLSearchParams): Filters {
  const status = params.get("status");
  const colours = (params.get("severity") ?? "").split(",").filter((c) => (COLOURS as readonly string[]).includes(c));
  const region = params.get("region") ?? "";
  return {
    status: status === "open" ? "open" : pick(status, STATUSES),
    category: pick(params.get("category"), CATEGORIES),
    colours: COLOURS.filter((c) => colours.includes(c)),
    region: /^[1-9]\d{0,9}$/.test(region) ? region : "",
    unit: (params.get("unit") ?? "").trim().slice(0, 100),
    overdue: pick(params.get("overdue"), ["true", "false"] as const),
  };
}

/** The page's own query string for `f` (short words: it is what a duty officer may share). */
export function pageQuery(f: Filters): string {
  const q = new URLSearchParams();
  if (f.status) q.set("status", f.status);
  if (f.category) q.set("category", f.category);
  if (f.colours.length) q.set("severity", f.colours.join(","));
  if (f.region) q.set("region", f.region);
  if (f.unit.trim()) q.set("unit", f.unit.trim());
  if (f.overdue) q.set("overdue", f.overdue);
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The API's path for one page of the list under `f`. */
export function listPath(f: Filters, cursor: string | null = null): string {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (f.status) q.set("status", f.status === "open" ? OPEN.join(",") : f.status);
  if (f.category) q.set("category", f.category);
  if (f.colours.length) q.set("severity", f.colours.join(","));
  if (f.region) q.set("region_id", f.region);
  if (f.unit.trim()) q.set("responsible_unit", f.unit.trim());
  if (f.overdue) q.set("overdue", f.overdue);
  if (cursor) q.set("cursor", cursor);
  return `/api/v1/reports?${q.toString()}`;
}

/** Past its deadline while waiting on the assignee (the server's rule, for the row's label). */
export function isOverdue(r: Pick<DeskReport, "status" | "deadline_at">, now: number = Date.now()): boolean {
  if (!r.deadline_at || !(AWAITING_WORK as readonly string[]).includes(r.status)) return false;
  const at = Date.parse(r.deadline_at);
  return Number.isFinite(at) && at < now;
}

export function hasFilters(f: Filters): boolean {
  return Boolean(f.status || f.category || f.colours.length || f.region || f.unit.trim() || f.overdue);
}
