// Trainings and drills on the captain's phone, without the DOM: the shapes the server answers,
// and where each member of a roll stands once the outbox's marks are counted in (a mark saved on
// this phone shows at once, before it is sent).
import type { OpState, OutboxOp } from "../../data/db";
import type { Problem } from "../../data/problem";

export const ATTEND_OP = "training.attend";
export type Kind = "theory" | "fitness" | "skills" | "exercise";
export type Mark = "present" | "absent" | "late";

export interface Training {
  id: string;
  team_id: string;
  kind: Kind | string;
  title: string;
  place: string;
  starts_at: string;
  ends_at: string;
  planned_hours: string;
  status: "planned" | "cancelled" | string;
  member_ids: string[];
}

export interface RollEntry {
  member_id: string;
  display_name: string;
  team_role: string | null;
  mark: { status: Mark; hours: string; marked_at: string; mark_id: string } | null;
}

export interface Roll extends Training {
  roll: RollEntry[];
}

export interface RowView {
  member_id: string;
  name: string;
  /** What the roll shows: the newest mark on this phone, else the server's, else none. */
  mark: Mark | null;
  /** Where the newest local mark stands; "sent" for the server's own mark; null when unmarked. */
  state: OpState | null;
  problem?: Problem;
}

function isMark(v: unknown): v is Mark {
  return v === "present" || v === "absent" || v === "late";
}

/** The outbox's marks for one training, oldest first (the outbox keeps the order tapped). */
export function marksOf(ops: OutboxOp[], trainingId: string): OutboxOp[] {
  return ops.filter((op) => op.type === ATTEND_OP && op.data?.training_id === trainingId);
}

/** The roll as it stands on this phone: each expected member with the mark to show. */
export function rollRows(roll: Roll, ops: OutboxOp[]): RowView[] {
  const local = new Map<string, OutboxOp>();
  for (const op of marksOf(ops, roll.id)) {
    const member = op.data?.member_id;
    if (typeof member === "string") local.set(member, op); // the later tap wins
  }
  return roll.roll.map((entry) => {
    const op = local.get(entry.member_id);
    const server = entry.mark && isMark(entry.mark.status) ? entry.mark.status : null;
    // A mark this phone sent, then corrected on another (the server's is newer): the server's.
    const overtaken = op && op.state === "sent" && entry.mark && entry.mark.mark_id !== op.data?.id && Date.parse(entry.mark.marked_at) >= Date.parse(op.at);
    if (op && !overtaken && isMark(op.data?.status)) {
      // A refused mark does not stand: the server's (if any) is what counts; the refusal is shown.
      if (op.state === "refused") return { member_id: entry.member_id, name: entry.display_name, mark: server, state: "refused", problem: op.error };
      return { member_id: entry.member_id, name: entry.display_name, mark: op.data.status as Mark, state: op.state };
    }
    return { member_id: entry.member_id, name: entry.display_name, mark: server, state: server ? "sent" : null };
  });
}

export interface RollCounts {
  expected: number;
  present: number;
  late: number;
  absent: number;
  unmarked: number;
}

export function countRows(rows: RowView[]): RollCounts {
  const c: RollCounts = { expected: rows.length, present: 0, late: 0, absent: 0, unmarked: 0 };
  for (const r of rows) c[r.mark ?? "unmarked"] += 1;
  return c;
}

/**
 * A tap on 到 or 缺: a new mark only when it changes what the row shows (a second tap on the same
 * word is the same intent, and sends nothing); a refused mark may be tried again.
 */
export function needsMark(row: RowView, wanted: Mark): boolean {
  return row.mark !== wanted || row.state === "refused";
}

/** Planned ones first, the soonest first; cancelled ones after. */
export function sortTrainings(items: Training[]): Training[] {
  return [...items].sort((a, b) => {
    const ca = a.status === "cancelled" ? 1 : 0;
    const cb = b.status === "cancelled" ? 1 : 0;
    return ca - cb || String(a.starts_at).localeCompare(String(b.starts_at));
  });
}

/** A kept answer (list or roll) is this account's only. */
export interface Kept<T> {
  user_id: string;
  saved_at: number;
  body: T;
}

export function keptFor<T>(kept: Kept<T> | undefined, userId: string): T | null {
  return kept && kept.user_id === userId ? kept.body : null;
}
