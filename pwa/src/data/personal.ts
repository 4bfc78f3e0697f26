// Personal data of people in shelters on the phone: a name or a phone lives in an op only until
// the server has answered it (sent or refused); what stays for the screens is a masked name.
// Applied by the outbox itself, so the page and the service worker scrub alike.
import type { OutboxOp } from "./db";

/** 王秀兰 -> 王*: enough for the manager to recall whom they just checked in, not to identify them. */
export function maskName(name: unknown): string {
  const chars = [...String(name ?? "").trim()];
  return chars.length ? `${chars[0]}*` : "*";
}

/** The op as it may stay on the phone once answered: without the names and phones it carried. */
export function settle(op: OutboxOp): OutboxOp {
  if (op.type !== "shelter.checkin" || op.scrubbed) return op;
  const { name, phone: _phone, ...rest } = op.data;
  return { ...op, data: rest, kept: { ...op.kept, name: maskName(name) }, scrubbed: true };
}

/** What a shelter op's answer (a receipt) tells the phone: the household size, and the shelter's
 * occupancy right after this op (only from an op applied now: a duplicate echoes an old one). */
export interface ReceiptFacts {
  household_size?: number;
  shelter?: { id: string; occupancy: number; status?: string };
}

export function receiptFacts(op: OutboxOp, entity: Record<string, unknown> | undefined, applied: boolean): ReceiptFacts {
  if (!op.type.startsWith("shelter.") || !entity) return {};
  const facts: ReceiptFacts = {};
  if (typeof entity.household_size === "number") facts.household_size = entity.household_size;
  if (applied && typeof entity.shelter_id === "string" && typeof entity.occupancy === "number") {
    facts.shelter = { id: entity.shelter_id, occupancy: entity.occupancy, status: typeof entity.shelter_status === "string" ? entity.shelter_status : undefined };
  }
  return facts;
}
