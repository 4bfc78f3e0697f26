// The subsidy report screen's pure parts: the China months the desk picks from (this month and
// the eleven before it, newest first), the paths of the report and its two files, and what a
// report's answer holds. No DOM, no storage.
import { chinaToday } from "./stats-model";

export interface SubsidyLine {
  member_id: string;
  name: string;
  team_name: string | null;
  township_id: number;
  township_name: string;
  kind: "month" | "adjustment";
  for_month: string;
  day: string | null;
  hours: string;
  amount: string;
}
export interface TownshipSum {
  township_id: number;
  township_name: string;
  members: number;
  hours: string;
  amount: string;
  adjustment_amount: string;
}
export interface SubsidyReport {
  month: string;
  state: "draft" | "locked";
  computed_at: string;
  locked_at: string | null;
  lines: SubsidyLine[];
  townships: TownshipSum[];
  total: { members: number; hours: string; amount: string; adjustment_amount: string };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "YYYY-MM" of this China month and the `count - 1` before it, newest first. */
export function recentMonths(now: Date = new Date(), count = 12): string[] {
  const { y, m } = chinaToday(now);
  const months: string[] = [];
  for (let i = 0; i < count; i++) {
    const index = y * 12 + (m - 1) - i;
    months.push(`${Math.floor(index / 12)}-${pad((index % 12) + 1)}`);
  }
  return months;
}

export function isMonth(value: string): boolean {
  return /^(20\d{2})-(0[1-9]|1[0-2])$/.test(value);
}

export function reportPath(month: string): string {
  return `/api/v1/subsidy/reports/${encodeURIComponent(month)}`;
}

export function exportPath(month: string, format: "xlsx" | "csv"): string {
  return `${reportPath(month)}/export.${format}`;
}
