// The kiosk's arithmetic and rules, without DOM or storage: the count inside (the server's
// occupancy plus what this phone has not sent yet), receipts read from a scanned text, the phone
// rule the server applies, the check-in draft, and the list of this phone's last actions.
import type { Draft, OpState, OutboxOp } from "../../data/db";
import type { Problem } from "../../data/problem";
import { maskName } from "../../data/personal";

export { maskName };

/** The server's needs (server/shelters/models.py NEEDS), in the order the form shows them. */
export const NEEDS = ["elderly", "children", "disabled", "pregnant", "medical"] as const;
export type Need = (typeof NEEDS)[number];
export const MAX_NAME = 60;
export const MAX_HOUSEHOLD = 50;

const unsent = (op: OutboxOp) => op.state === "waiting" || op.state === "sending";
const forShelter = (op: OutboxOp, shelterId: string) => op.type.startsWith("shelter.") && op.data.shelter_id === shelterId;
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export interface Count {
  /** Server occupancy + this phone's unsent check-ins − its unsent check-outs of known size. */
  inside: number;
  /** People in this phone's unsent check-ins. */
  pendingIn: number;
  /** People in its unsent check-outs whose household size the phone knows (from the list). */
  pendingOut: number;
  /** Unsent check-outs by a receipt: the size is known only once the server answers. */
  pendingOutUnknown: number;
  placesLeft: number | null;
}

export function countInside(occupancy: number, capacity: number | null, ops: OutboxOp[], shelterId: string): Count {
  let pendingIn = 0;
  let pendingOut = 0;
  let pendingOutUnknown = 0;
  for (const op of ops) {
    if (!unsent(op) || !forShelter(op, shelterId)) continue;
    if (op.type === "shelter.checkin") pendingIn += num(op.data.household_size) ?? 0;
    else if (op.type === "shelter.checkout") {
      const size = num(op.kept?.household_size);
      if (size === null) pendingOutUnknown += 1;
      else pendingOut += size;
    }
  }
  const inside = Math.max(0, occupancy + pendingIn - pendingOut);
  return { inside, pendingIn, pendingOut, pendingOutUnknown, placesLeft: capacity === null ? null : Math.max(capacity - inside, 0) };
}

// Receipts ------------------------------------------------------------------------------------

// itsdangerous' URLSafeSerializer: base64url(JSON of the check-in id) "." base64url(signature).
const TOKEN = /^[A-Za-z0-9_-]{20,120}\.[A-Za-z0-9_-]{10,120}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function b64urlDecode(s: string): string | null {
  try {
    const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    return atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  } catch {
    return null;
  }
}

/** The check-in id a receipt token names (unverified: only the server can check its signature). */
export function tokenCheckinId(token: string): string | null {
  if (!TOKEN.test(token)) return null;
  const json = b64urlDecode(token.slice(0, token.indexOf(".")));
  if (json === null) return null;
  try {
    const id = JSON.parse(json) as unknown;
    return typeof id === "string" && UUID.test(id) ? id.toLowerCase() : null;
  } catch {
    return null;
  }
}

/**
 * A receipt token from what a QR code held: the token itself, or a link that carries it (as its
 * last path part or a token / t / r parameter). Anything else (a poster's /s/<code> link, text) is
 * not a receipt: null.
 */
export function receiptToken(text: string): string | null {
  const raw = text.trim();
  if (tokenCheckinId(raw)) return raw;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const candidates = [...["token", "t", "r"].map((k) => url.searchParams.get(k) ?? ""), url.pathname.split("/").filter(Boolean).pop() ?? "", url.hash.slice(1)];
  for (const c of candidates) {
    const decoded = (() => {
      try {
        return decodeURIComponent(c);
      } catch {
        return c;
      }
    })();
    if (tokenCheckinId(decoded)) return decoded;
  }
  return null;
}

// The phone rule of the server (server/shelters/schemas.py MobilePhone) ------------------------

/** "" -> no phone; a Chinese mobile in any usual spelling -> +86…; anything else -> "invalid". */
export function normaliseMobile(raw: string): string | null | "invalid" {
  const digits = raw.replace(/[\s\-()]/g, "");
  if (!digits) return null;
  let e164 = digits;
  if (/^1[3-9]\d{9}$/.test(digits)) e164 = "+86" + digits;
  else if (/^86 ?1[3-9]\d{9}$/.test(digits)) e164 = "+" + digits;
  else if (digits.startsWith("0086")) e164 = "+" + digits.slice(2);
  return /^\+861[3-9]\d{9}$/.test(e164) ? e164 : "invalid";
}

// The check-in form's draft -------------------------------------------------------------------

export interface CheckinDraft extends Draft {
  /** The check-in's id, made once per draft: a retry can never check a family in twice. */
  id: string;
  name: string;
  phone: string;
  household_size: number;
  needs: Need[];
}

export const draftKey = (shelterId: string) => `kiosk-checkin:${shelterId}`;

export function emptyDraft(shelterId: string, id: string): CheckinDraft {
  return { key: draftKey(shelterId), saved_at: "", id, name: "", phone: "", household_size: 1, needs: [] };
}

/** A saved draft, made safe to show (an older or damaged copy never breaks the form). */
export function restoreDraft(saved: Partial<CheckinDraft> | undefined, shelterId: string, id: string): CheckinDraft {
  const base = emptyDraft(shelterId, id);
  if (!saved) return base;
  const size = Math.floor(Number(saved.household_size));
  return {
    ...base,
    saved_at: typeof saved.saved_at === "string" ? saved.saved_at : "",
    id: typeof saved.id === "string" && UUID.test(saved.id) ? saved.id : id,
    name: typeof saved.name === "string" ? saved.name.slice(0, MAX_NAME) : "",
    phone: typeof saved.phone === "string" ? saved.phone.slice(0, 20) : "",
    household_size: Number.isFinite(size) ? Math.min(Math.max(size, 1), MAX_HOUSEHOLD) : 1,
    needs: Array.isArray(saved.needs) ? NEEDS.filter((n) => saved.needs!.includes(n)) : [],
  };
}

export const isBlankDraft = (d: CheckinDraft) => !d.name.trim() && !d.phone.trim() && d.household_size === 1 && d.needs.length === 0;

export type DraftProblem = "name" | "phone";

/** What must be fixed before the draft can go: the name is needed, the phone must be a mobile. */
export function draftProblems(d: CheckinDraft): DraftProblem[] {
  const problems: DraftProblem[] = [];
  if (!d.name.trim()) problems.push("name");
  if (normaliseMobile(d.phone) === "invalid") problems.push("phone");
  return problems;
}

/** The shelter.checkin op's data (the contract's fields); call only when draftProblems is empty. */
export function checkinData(d: CheckinDraft, shelterId: string): Record<string, unknown> {
  const phone = normaliseMobile(d.phone);
  const data: Record<string, unknown> = { id: d.id, shelter_id: shelterId, name: d.name.trim(), household_size: d.household_size, needs: [...d.needs] };
  if (phone && phone !== "invalid") data.phone = phone;
  return data;
}

// Last actions --------------------------------------------------------------------------------

export interface Action {
  op_id: string;
  kind: "checkin" | "checkout";
  /** A masked name (王*), or null for a check-out by receipt (a receipt carries no name). */
  who: string | null;
  size: number | null;
  byReceipt: boolean;
  state: OpState;
  error?: Problem;
  at: string;
}

/** This phone's actions at one shelter, newest first. Never a full name, even before sending. */
export function lastActions(ops: OutboxOp[], shelterId: string, limit = 10): Action[] {
  return ops
    .filter((op) => forShelter(op, shelterId) && (op.type === "shelter.checkin" || op.type === "shelter.checkout"))
    .sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0))
    .slice(0, limit)
    .map((op) => {
      const checkin = op.type === "shelter.checkin";
      const named = typeof op.kept?.name === "string" ? op.kept.name : checkin && typeof op.data.name === "string" ? maskName(op.data.name) : null;
      return {
        op_id: op.op_id,
        kind: checkin ? "checkin" : "checkout",
        who: named,
        size: checkin ? num(op.data.household_size) : num(op.kept?.household_size),
        byReceipt: !checkin && typeof op.data.token === "string",
        state: op.state,
        error: op.error,
        at: op.at,
      };
    });
}

/** Whether this phone already holds an unsent or sent check-out of that check-in. */
export function alreadyCheckedOut(ops: OutboxOp[], checkinId: string): boolean {
  return ops.some(
    (op) =>
      op.type === "shelter.checkout" &&
      op.state !== "refused" &&
      (op.data.checkin_id === checkinId || op.kept?.checkin_id === checkinId),
  );
}

/** Where in the camera's picture qr-scanner looks: the centre square of the whole picture, not
 * its default two thirds of it. A receipt held close fills the view, and a code whose finder
 * corners fall outside the region is never read. Decoded at no more than 640 px a side. */
export function scanRegion(width: number, height: number): { x: number; y: number; width: number; height: number; downScaledWidth: number; downScaledHeight: number } {
  const side = Math.max(0, Math.min(width, height));
  const scaled = Math.min(side, 640);
  return { x: Math.round((width - side) / 2), y: Math.round((height - side) / 2), width: side, height: side, downScaledWidth: scaled, downScaledHeight: scaled };
}
