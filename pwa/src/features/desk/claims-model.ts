// Cross-township help claims (跨乡镇支援补偿), the pure parts: what the server answers, the state
// in words, which moves the signed-in desk may make (the server's rule in subsidy/claims.py,
// mirrored: the server still decides), and the checks and sum of a new claim's lines. No DOM.
import { fen } from "./subsidy-model";

export const CLAIMS_PATH = "/api/v1/subsidy/claims";
export const CLAIMABLE_PATH = `${CLAIMS_PATH}/claimable`;

export type ClaimState = "claimed" | "agreed" | "paid";
export type LineKind = "consumed" | "damaged" | "other";
export const LINE_KINDS: readonly LineKind[] = ["consumed", "damaged", "other"];

export interface ClaimLine {
  kind: LineKind;
  description: string;
  quantity: number;
  amount: string;
}
export interface ClaimStep {
  state: ClaimState;
  by_id: string;
  by_name: string;
  at: string;
  note: string | null;
}
export interface Claim {
  id: string;
  dispatch_id: string;
  dispatch_title: string;
  helper_township_id: number;
  helper_township_name: string;
  helped_township_id: number;
  helped_township_name: string;
  state: ClaimState;
  members: number;
  hours: string;
  total: string;
  note: string | null;
  lines: ClaimLine[];
  steps: ClaimStep[];
  created_at: string;
}
export interface Claimable {
  dispatch_id: string;
  title: string;
  created_at: string;
  closed_at: string | null;
  helper_township_id: number;
  helper_township_name: string;
  helped_township_id: number;
  helped_township_name: string;
  members: number;
  hours: string;
  claimed: boolean;
}

export function claimPath(id: string): string {
  return `${CLAIMS_PATH}/${encodeURIComponent(id)}`;
}

/** The next move of a claim, and whose desk makes it: agreed by the township helped, paid by the helper. */
export function nextMove(claim: Pick<Claim, "state">): "agree" | "paid" | null {
  return claim.state === "claimed" ? "agree" : claim.state === "agreed" ? "paid" : null;
}

/** The move this desk may make on `claim` given the region ids in its scope (its region and below), or null. */
export function myMove(claim: Pick<Claim, "state" | "helper_township_id" | "helped_township_id">, scope: ReadonlySet<number>): "agree" | "paid" | null {
  const move = nextMove(claim);
  if (move === "agree") return scope.has(claim.helped_township_id) ? move : null;
  if (move === "paid") return scope.has(claim.helper_township_id) ? move : null;
  return null;
}

/** The townships in scope a claim can be filed for: only the orders not claimed yet. */
export function openClaimables(items: Claimable[]): Claimable[] {
  return items.filter((x) => !x.claimed);
}

export interface LineDraft {
  kind: string;
  description: string;
  quantity: string;
  amount: string;
}
export type LineErrors = Partial<Record<keyof LineDraft, "required" | "choice" | "quantity" | "money" | "tooLong">>;

export function emptyLine(): LineDraft {
  return { kind: "consumed", description: "", quantity: "1", amount: "" };
}

export function checkLine(line: LineDraft): LineErrors {
  const e: LineErrors = {};
  if (!(LINE_KINDS as readonly string[]).includes(line.kind)) e.kind = "choice";
  const d = line.description.trim();
  if (!d) e.description = "required";
  else if (d.length > 200) e.description = "tooLong";
  const q = line.quantity.trim();
  if (!/^\d{1,6}$/.test(q) || Number(q) < 1 || Number(q) > 100_000) e.quantity = "quantity";
  if (!line.amount.trim()) e.amount = "required";
  else if (Number.isNaN(fen(line.amount))) e.amount = "money";
  return e;
}

/** The sum of the lines' amounts in yuan ("1500.50"), counting only well-formed amounts. */
export function linesTotal(lines: LineDraft[]): string {
  const sum = lines.reduce((acc, l) => acc + (Number.isNaN(fen(l.amount)) ? 0 : fen(l.amount)), 0);
  return `${Math.floor(sum / 100)}.${String(sum % 100).padStart(2, "0")}`;
}

export function claimBody(dispatchId: string, helperTownshipId: number, lines: LineDraft[], note: string): Record<string, unknown> {
  return {
    dispatch_id: dispatchId,
    helper_township_id: helperTownshipId,
    lines: lines.map((l) => ({ kind: l.kind, description: l.description.trim(), quantity: Number(l.quantity.trim()), amount: (fen(l.amount) / 100).toFixed(2) })),
    note: note.trim() || null,
  };
}
