// The desk's supervised list (督办, GET /api/v1/reports/supervised), read defensively, and the
// words it is shown in: the node, how long overdue, the escalation level. Pure: tested alone.
import { getLang, t, type MessageKey } from "../../i18n";

export interface SupervisedItem {
  id: string;
  category: string;
  description: string;
  severity: string | null;
  status: string;
  node: string;
  dueAt: string;
  overdueS: number;
  level: number;
  escalatedAt: string | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const whole = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
const SEVERITIES = new Set(["red", "orange", "yellow", "blue"]);
export const NODES = ["verify", "assign", "rectify", "close"] as const;

/** One page of the server's answer; an item without a report id is left out, not shown broken. */
export function readSupervised(body: unknown): { items: SupervisedItem[]; total: number; next: string | null } {
  const src = isObj(body) ? body : {};
  const raw = Array.isArray(src.items) ? src.items : [];
  const items: SupervisedItem[] = [];
  for (const it of raw) {
    if (!isObj(it) || !isObj(it.report) || !str(it.report.id)) continue;
    const r = it.report;
    const sev = str(r.severity);
    items.push({
      id: str(r.id),
      category: str(r.category),
      description: str(r.description),
      severity: SEVERITIES.has(sev) ? sev : null,
      status: str(r.status),
      node: str(it.node),
      dueAt: str(it.due_at),
      overdueS: whole(it.overdue_s),
      level: whole(it.escalation_level),
      escalatedAt: str(it.escalated_at) || null,
    });
  }
  return { items, total: whole(src.total), next: str(src.next_cursor) || null };
}

/** "超时 2天3小时" / "overdue 2 d 3 h"; under a minute counts as a minute; not yet due says so. */
export function overdueWords(seconds: number): string {
  if (seconds <= 0) return t("sup.notYet");
  const minutes = Math.max(1, Math.floor(seconds / 60));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts: string[] = [];
  if (days) parts.push(t("sup.days", { n: days }));
  if (hours) parts.push(t("sup.hours", { n: hours }));
  if (!days && mins) parts.push(t("sup.minutes", { n: mins }));
  return t("sup.overdue", { time: parts.join(getLang() === "en" ? " " : "") || t("sup.minutes", { n: 1 }) });
}

/** The escalation in words: not yet (overdue only), to the township, to the county. */
export function levelWords(level: number): string {
  if (level <= 0) return t("sup.level0");
  return t("sup.levelN", { n: level });
}

export function nodeWord(node: string): string {
  return (NODES as readonly string[]).includes(node) ? t(`sup.node.${node}` as MessageKey) : node;
}

/** Tone of a card: escalated is "bad", overdue only "warn"; always shown beside its words. */
export function tone(item: SupervisedItem): "bad" | "warn" {
  return item.level > 0 ? "bad" : "warn";
}
