// The hazard statistics screen's pure parts: the periods the desk picks (this month, last month,
// this year, custom) as the server's half-open China dates [from, to), the query strings of the
// figures and the two downloads, and rates as percentages. No DOM, no storage.

export type PeriodKind = "month" | "lastMonth" | "year" | "custom";
export type By = "category" | "severity" | "unit";
export const BYS: readonly By[] = ["category", "severity", "unit"];
export const PERIODS: readonly PeriodKind[] = ["month", "lastMonth", "year", "custom"];
// server/reports/stats_schemas.py: at most three years at once, dates 2000–2100.
export const LONGEST_YEARS = 3;

export interface Figures {
  reported: number;
  verified: number;
  closed: number;
  closed_on_time: number;
  overdue: number;
  rectification_rate: number | null;
  on_time_rate: number | null;
}
export interface Group extends Figures {
  key: string | null;
}
export interface Line extends Figures {
  id: number;
  name: string;
  level: string;
  own: boolean;
  groups: Group[];
}
export interface Stats {
  region: { id: number; name: string; level: string };
  from: string;
  to: string;
  by: By;
  total: Figures & { groups: Group[] };
  regions: Line[];
}

export interface Period {
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, "0");
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

/** Today's date in China (Asia/Shanghai), whatever the phone's own time zone. */
export function chinaToday(now: Date = new Date()): { y: number; m: number; d: number } {
  const shifted = new Date(now.getTime() + 8 * 3600_000);
  return { y: shifted.getUTCFullYear(), m: shifted.getUTCMonth() + 1, d: shifted.getUTCDate() };
}

/** The day after an ISO date (the custom period's last day is inclusive on screen). */
export function nextDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return iso(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

export function previousDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const prev = new Date(Date.UTC(y, m - 1, d - 1));
  return iso(prev.getUTCFullYear(), prev.getUTCMonth() + 1, prev.getUTCDate());
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export type PeriodProblem = "missing" | "order" | "long";

/** The period for a choice; custom takes the first and the last day shown (both inclusive). */
export function periodFor(kind: PeriodKind, now: Date = new Date(), first?: string, last?: string): Period | PeriodProblem {
  const { y, m } = chinaToday(now);
  if (kind === "month") return { from: iso(y, m, 1), to: m === 12 ? iso(y + 1, 1, 1) : iso(y, m + 1, 1) };
  if (kind === "lastMonth") return { from: m === 1 ? iso(y - 1, 12, 1) : iso(y, m - 1, 1), to: iso(y, m, 1) };
  if (kind === "year") return { from: iso(y, 1, 1), to: iso(y + 1, 1, 1) };
  if (!first || !last || !DAY.test(first) || !DAY.test(last)) return "missing";
  if (last < first) return "order";
  const to = nextDay(last);
  const [fy, fm, fd] = first.split("-").map(Number);
  if (to > iso(fy + LONGEST_YEARS, fm, fd)) return "long";
  return { from: first, to };
}

export function query(region: number | null, period: Period, by?: By): string {
  const q = new URLSearchParams();
  if (region !== null) q.set("region_id", String(region));
  q.set("from", period.from);
  q.set("to", period.to);
  if (by) q.set("by", by);
  return q.toString();
}

export const statsPath = (region: number | null, period: Period, by: By) => `/api/v1/reports/stats?${query(region, period, by)}`;
export const ledgerPath = (region: number | null, period: Period, ext: "xlsx" | "csv") => `/api/v1/reports/ledger.${ext}?${query(region, period)}`;
export const statsXlsxPath = (region: number | null, period: Period, by: By) => `/api/v1/reports/stats.xlsx?${query(region, period, by)}`;

/** 0.6667 -> "66.7%"; null (nothing to divide by) -> null: the screen says "—", never "0%". */
export function percent(rate: number | null): string | null {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return null;
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** The file's name from Content-Disposition (RFC 5987 filename* first, then filename). */
export function downloadName(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* a broken escape: the plain name below */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain ? plain[1] : fallback;
}
