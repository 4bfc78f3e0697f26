// The county's deadline rules (节点时限) as the screen holds them: the words a rule reads as, the
// minutes shown in the largest whole unit, the checks the server makes, and the server's 422
// turned into field errors by index (never its detail).
import { t, type MessageKey } from "../../i18n";

export const NODES = ["verify", "assign", "rectify", "close"] as const;
export const RULE_CATEGORIES = ["any", "flood", "geological", "forest_fire", "earthquake", "epidemic", "road_traffic", "production_safety", "other"] as const;
export const RULE_SEVERITIES = ["any", "red", "orange", "yellow", "blue"] as const;
export const MAX_HOURS = 24 * 366;
export const MAX_WORKDAYS = 250;
export const MAX_MIN = 60 * 24 * 30;

export type Node = (typeof NODES)[number];
export type DeadlineUnit = "hours" | "workdays";

export interface Rule {
  node: Node;
  category: string;
  severity: string;
  amount: number;
  unit: DeadlineUnit;
  remind_before_min: number;
  grace_min: number;
}

export type MinuteUnit = "min" | "hour" | "day";
const PER: Record<MinuteUnit, number> = { min: 1, hour: 60, day: 1440 };

/** Minutes in the largest unit that holds them whole: 120 → 2 hours, 90 → 90 minutes. */
export function splitMinutes(min: number): { n: number; unit: MinuteUnit } {
  if (min > 0 && min % PER.day === 0) return { n: min / PER.day, unit: "day" };
  if (min > 0 && min % PER.hour === 0) return { n: min / PER.hour, unit: "hour" };
  return { n: min, unit: "min" };
}

export function toMinutes(n: number, unit: MinuteUnit): number {
  return n * PER[unit];
}

export function minutesWords(min: number): string {
  const { n, unit } = splitMinutes(min);
  return t(`rules.span.${unit}` as MessageKey, { n });
}

/** The rule in words: "2 小时内 · 提前 30 分钟提醒 · 超期 1 小时后升级". */
export function ruleWords(r: Rule): string {
  const within = t(r.unit === "hours" ? "rules.words.hours" : "rules.words.workdays", { n: r.amount });
  const remind = r.remind_before_min > 0 ? t("rules.words.remind", { span: minutesWords(r.remind_before_min) }) : t("rules.words.noRemind");
  const grace = t("rules.words.grace", { span: minutesWords(r.grace_min) });
  return `${within} · ${remind} · ${grace}`;
}

export const ruleKey = (r: Pick<Rule, "node" | "category" | "severity">): string => `${r.node}|${r.category}|${r.severity}`;
export const isFallback = (r: Pick<Rule, "category" | "severity">): boolean => r.category === "any" && r.severity === "any";

/** The node's fallback first, then by category and colour in the order the app lists them. */
export function sortRules(rules: Rule[]): Rule[] {
  const rank = (r: Rule) => [NODES.indexOf(r.node), RULE_CATEGORIES.indexOf(r.category as never), RULE_SEVERITIES.indexOf(r.severity as never)];
  return [...rules].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
}

export type Field = "amount" | "remind" | "grace" | "rule";
export type RuleErrors = Map<number, Partial<Record<Field, string>>>;

/** The checks the server makes, in words, by the rule's index. */
export function checkRules(rules: Rule[]): RuleErrors {
  const out: RuleErrors = new Map();
  const put = (i: number, f: Field, msg: string) => out.set(i, { ...out.get(i), [f]: msg });
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    const limit = r.unit === "hours" ? MAX_HOURS : MAX_WORKDAYS;
    if (!Number.isInteger(r.amount) || r.amount < 1) put(i, "amount", t("rules.err.amount"));
    else if (r.amount > limit) put(i, "amount", t(r.unit === "hours" ? "rules.err.tooManyHours" : "rules.err.tooManyDays", { n: limit }));
    if (!Number.isInteger(r.remind_before_min) || r.remind_before_min < 0 || r.remind_before_min > MAX_MIN) put(i, "remind", t("rules.err.remind"));
    if (!Number.isInteger(r.grace_min) || r.grace_min < 1 || r.grace_min > MAX_MIN) put(i, "grace", t("rules.err.grace"));
    if (seen.has(ruleKey(r))) put(i, "rule", t("rules.err.twice"));
    seen.add(ruleKey(r));
  });
  return out;
}

const FIELD_OF: Record<string, Field> = { amount: "amount", unit: "amount", remind_before_min: "remind", grace_min: "grace" };

/**
 * The server's 422 `errors` ({"rules": {"3": {"amount": [...]}, "4": [...], "_schema": [...]}})
 * as our own words at the fields, plus whether a node lacks its fallback rule.
 */
export function serverErrors(errors: unknown): { byRule: RuleErrors; fallbackMissing: boolean; other: boolean } {
  const byRule: RuleErrors = new Map();
  let fallbackMissing = false;
  let other = false;
  const rules = (errors as { rules?: unknown } | null)?.rules;
  if (!rules || typeof rules !== "object") return { byRule, fallbackMissing, other: true };
  for (const [key, value] of Object.entries(rules as Record<string, unknown>)) {
    if (key === "_schema") {
      fallbackMissing = true;
      continue;
    }
    const i = Number(key);
    if (!Number.isInteger(i)) {
      other = true;
      continue;
    }
    const msgs: Partial<Record<Field, string>> = {};
    if (Array.isArray(value)) msgs.rule = t("rules.err.twice");
    else if (value && typeof value === "object")
      for (const f of Object.keys(value)) {
        const field = FIELD_OF[f] ?? "rule";
        msgs[field] = t(`rules.err.server.${field}` as MessageKey);
      }
    byRule.set(i, msgs);
  }
  return { byRule, fallbackMissing, other };
}
