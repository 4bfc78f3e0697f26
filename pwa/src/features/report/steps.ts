// Which steps of a report's life the signed-in person may take now, mirroring the server's rules
// (server/reports/lifecycle.py ALLOWED_FROM and who-may) so the phone offers only what the server
// would take. Pure: the detail screen asks it; the server still decides, and a step that became
// impossible meanwhile comes back refused (report-state), never silently dropped.

export const STEP_KINDS = ["verify", "reject", "assign", "start", "rectify", "close", "reopen"] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** kind -> the states it may start from (lifecycle.py ALLOWED_FROM). */
export const ALLOWED_FROM: Record<StepKind, readonly string[]> = {
  verify: ["reported"],
  reject: ["reported"],
  assign: ["verified", "assigned", "rectifying", "rectified"],
  start: ["assigned"],
  rectify: ["rectifying"],
  close: ["rectified"],
  reopen: ["closed", "rejected"],
};

const TO: Record<Exclude<StepKind, "reopen">, string> = {
  verify: "verified",
  reject: "rejected",
  assign: "assigned",
  start: "rectifying",
  rectify: "rectified",
  close: "closed",
};

/** The roles with `reports.manage` (server/core/permissions.py: the desk). */
export const MANAGE_ROLES: ReadonlySet<string> = new Set(["admin", "duty_officer"]);

export interface Actor {
  id: string;
  role: string;
}

export interface ReportFacts {
  status: string;
  assignee_id?: string | null;
  /** The server's timeline, when known: who rectified last (they may not close). */
  steps?: { kind?: unknown; actor_id?: unknown }[];
}

/** A step this phone has queued and the server has not answered yet. */
export interface QueuedStep {
  kind: string;
  actor_id: string | null;
  assignee_id?: string | null;
}

export function isStepKind(kind: string): kind is StepKind {
  return (STEP_KINDS as readonly string[]).includes(kind);
}

/** The state after a step (reopen: a closed one goes back to verified, a rejected one to reported). */
export function stateAfter(status: string, kind: StepKind): string {
  if (kind === "reopen") return status === "closed" ? "verified" : "reported";
  return TO[kind];
}

/** The report as it will stand once the steps queued on this phone are taken, in their order. */
export function predict(report: ReportFacts, queued: QueuedStep[]): ReportFacts {
  let { status, assignee_id } = report;
  const steps = [...(report.steps ?? [])];
  for (const q of queued) {
    if (!isStepKind(q.kind) || !ALLOWED_FROM[q.kind].includes(status)) continue;
    status = stateAfter(status, q.kind);
    if (q.kind === "assign") assignee_id = q.assignee_id ?? null;
    if (q.kind === "reopen") assignee_id = null;
    steps.push({ kind: q.kind, actor_id: q.actor_id });
  }
  return { status, assignee_id, steps };
}

function lastRectifier(report: ReportFacts): string | null {
  const steps = report.steps ?? [];
  for (let i = steps.length - 1; i >= 0; i -= 1) {
    const s = steps[i];
    if (s && s.kind === "rectify") return typeof s.actor_id === "string" ? s.actor_id : null;
  }
  return null;
}

/** Why a step is not offered to this person (null: they may take it now). */
export function whyNot(actor: Actor, report: ReportFacts, kind: StepKind): "state" | "role" | "not-assignee" | "own-work" | null {
  if (!ALLOWED_FROM[kind].includes(report.status)) return "state";
  const desk = MANAGE_ROLES.has(actor.role);
  if (kind === "start" || kind === "rectify") {
    return desk || (!!report.assignee_id && actor.id === report.assignee_id) ? null : "not-assignee";
  }
  if (!desk) return "role";
  // The one who checks the work is never the one who did it, nor the one who answers for it.
  if (kind === "close" && (actor.id === report.assignee_id || actor.id === lastRectifier(report))) return "own-work";
  return null;
}

/** The steps this person may take now, in the order of the life. */
export function allowedSteps(actor: Actor | null | undefined, report: ReportFacts): StepKind[] {
  if (!actor) return [];
  return STEP_KINDS.filter((kind) => whyNot(actor, report, kind) === null);
}
