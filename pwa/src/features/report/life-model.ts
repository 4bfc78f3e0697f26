// The phone's side of a report's life, without DOM or storage: which outbox ops are this report's
// steps, which of them the server's copy does not show yet (and so still count when deciding what
// may be done next), and a report-state refusal said in words from the record it carried.
import { t, type Lang, type MessageKey } from "../../i18n";
import type { LocalRecord, OutboxOp } from "../../data/db";
import { problemSlug, type Problem } from "../../data/problem";
import { isStepKind, type QueuedStep, type StepKind } from "./steps";
import { stepLine } from "./timeline";

export interface StepOp {
  op: OutboxOp;
  kind: StepKind;
  stepId: string;
}

/** This report's step ops on the phone, in the order they were made. */
export function stepOpsFor(ops: OutboxOp[], reportId: string): StepOp[] {
  const out: StepOp[] = [];
  for (const op of ops) {
    const kind = op.type.startsWith("report.") ? op.type.slice("report.".length) : "";
    if (!isStepKind(kind) || op.entity_id !== reportId) continue;
    out.push({ op, kind, stepId: String(op.data.id ?? "") });
  }
  return out;
}

function serverStepIds(rec: LocalRecord | Record<string, unknown> | undefined): Set<string> {
  const steps = Array.isArray(rec?.steps) ? (rec.steps as { id?: unknown }[]) : [];
  return new Set(steps.map((s) => (s && typeof s.id === "string" ? s.id : "")).filter(Boolean));
}

/** The phone's steps the record does not show yet: waiting, sending, sent (not yet read back) or refused. */
export function notYetShown(rec: LocalRecord | undefined, steps: StepOp[]): StepOp[] {
  const known = serverStepIds(rec);
  return steps.filter((s) => !known.has(s.stepId));
}

/** The steps that will count before the server has them (refused ones never will). */
export function queuedOf(rec: LocalRecord | undefined, steps: StepOp[]): QueuedStep[] {
  return notYetShown(rec, steps)
    .filter((s) => s.op.state !== "refused")
    .map((s) => ({ kind: s.kind, actor_id: s.op.user_id, assignee_id: typeof s.op.data.assignee_id === "string" ? s.op.data.assignee_id : null }));
}

function word(key: string, fallback = ""): string {
  const text = t(key as MessageKey);
  return text === key ? fallback : text;
}

/**
 * "Someone else already … — the report is now …": a report-state refusal in words, from the record
 * the problem carried (its last step, by whom, when). Null for any other problem.
 */
export function stateRefusalText(problem: Problem | undefined, lang?: Lang): string | null {
  if (problemSlug(problem) !== "report-state") return null;
  const current = problem?.current;
  const status = problem?.state ?? (typeof current?.status === "string" ? current.status : "");
  const state = word(`report.status.${status}`, status) || "?";
  const steps = Array.isArray(current?.steps) ? (current!.steps as Record<string, unknown>[]) : [];
  const last = steps.length ? stepLine(steps[steps.length - 1], lang) : null;
  if (!last) return t("life.refused.stateOnly", { state }, lang);
  const what = [last.what, last.who, last.when].filter(Boolean).join(" · ");
  return t("life.refused.state", { what, state }, lang);
}
