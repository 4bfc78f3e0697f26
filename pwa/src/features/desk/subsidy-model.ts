// The subsidy report screen's pure parts: the China months the desk picks from (this month and
// the eleven before it, newest first), the paths of the report and its two files, what a
// report's answer holds, whether a cap cut a line, and the checks of a new rule's form. No DOM,
// no storage.
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
  hours_normal: string;
  hours_heavy: string;
  hours_severe: string;
  amount: string;
}
export interface SubsidyRule {
  id: number;
  effective_from: string;
  rate_normal: string;
  rate_heavy: string;
  rate_severe: string;
  day_cap: string;
  month_cap: string;
  note: string | null;
  created_at: string;
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
  digest: string;
  rule: SubsidyRule;
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

export const RULES_PATH = "/api/v1/subsidy/rules";

export function computePath(month: string): string {
  return `${reportPath(month)}/compute`;
}

export function lockPath(month: string): string {
  return `${reportPath(month)}/lock`;
}

/** Computing, locking and adding rules: the county administrator (subsidy.manage on the server). */
export function canManage(role: string): boolean {
  return role === "admin";
}

/** "12.50" as 1250 fen; NaN for anything else. */
export function fen(value: string): number {
  const m = /^(\d{1,8})(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!m) return NaN;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

/**
 * Whether the day or month cap took something off a month line: what its hours would earn at
 * the rule's rates is more than its amount. An adjustment line is a difference: never said.
 */
export function capApplied(line: SubsidyLine, rule: SubsidyRule): boolean {
  if (line.kind !== "month") return false;
  const earned =
    Number(line.hours_normal) * fen(rule.rate_normal) + Number(line.hours_heavy) * fen(rule.rate_heavy) + Number(line.hours_severe) * fen(rule.rate_severe);
  return Math.round(earned) > fen(line.amount);
}

/** The rule in force in `month` ("YYYY-MM"): the newest starting in it or before; none before the first. */
export function ruleFor(rules: SubsidyRule[], month: string): SubsidyRule | null {
  let found: SubsidyRule | null = null;
  for (const r of rules) if (r.effective_from <= month && (!found || r.effective_from > found.effective_from)) found = r;
  return found;
}

export const RULE_MONEY = ["rate_normal", "rate_heavy", "rate_severe", "day_cap", "month_cap"] as const;
export type RuleMoney = (typeof RULE_MONEY)[number];
export type RuleForm = Record<RuleMoney | "effective_from" | "note", string>;
export type RuleFormErrors = Partial<Record<keyof RuleForm, "required" | "month" | "money" | "taken" | "capOrder" | "tooLong">>;

export const EMPTY_RULE_FORM: RuleForm = { effective_from: "", rate_normal: "", rate_heavy: "", rate_severe: "", day_cap: "", month_cap: "", note: "" };

/** What is wrong with a new rule before it is sent (the server checks again and decides). */
export function checkRuleForm(form: RuleForm, rules: SubsidyRule[]): RuleFormErrors {
  const errors: RuleFormErrors = {};
  const from = form.effective_from.trim();
  if (!from) errors.effective_from = "required";
  else if (!isMonth(from)) errors.effective_from = "month";
  else if (rules.some((r) => r.effective_from === from)) errors.effective_from = "taken";
  for (const k of RULE_MONEY) {
    const v = form[k].trim();
    if (!v) errors[k] = "required";
    else if (Number.isNaN(fen(v))) errors[k] = "money";
  }
  if (!errors.day_cap && !errors.month_cap && fen(form.day_cap) > fen(form.month_cap)) errors.day_cap = "capOrder";
  if (form.note.length > 200) errors.note = "tooLong";
  return errors;
}

/** The body of POST /rules from a checked form. */
export function ruleBody(form: RuleForm): Record<string, string | null> {
  const body: Record<string, string | null> = { effective_from: form.effective_from.trim(), note: form.note.trim() || null };
  for (const k of RULE_MONEY) body[k] = (fen(form[k]) / 100).toFixed(2);
  return body;
}
