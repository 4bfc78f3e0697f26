// Members' accident insurance as the phone shows it: whether a member is covered today (the
// server says so, counted in China time), the words for it, and the policy form's checks before
// anything is sent (the server checks again and answers by problem type).
import { t } from "../../i18n";

export type Cover = "covered" | "none" | "unknown";

export interface CoverFields {
  insured?: unknown;
  insurance_until?: unknown;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** covered / none from the server's `insured`; unknown when a kept list predates the field. */
export function coverOf(m: CoverFields): Cover {
  if (m.insured === true) return "covered";
  if (m.insured === false) return "none";
  return "unknown";
}

/** 保险至 2027-03-01 / 无有效保险; "" when not known (an old kept list): say nothing rather than guess. */
export function coverWords(m: CoverFields): string {
  const c = coverOf(m);
  if (c === "none") return t("ins.none");
  if (c === "covered") {
    const until = typeof m.insurance_until === "string" && DAY.test(m.insurance_until) ? m.insurance_until : "";
    return until ? t("ins.until", { date: until }) : t("ins.covered");
  }
  return "";
}

export interface PolicyInput {
  insurer: string;
  number: string;
  cover: string;
  starts_on: string;
  ends_on: string;
  note: string;
}

export interface PolicyBody {
  insurer: string;
  number: string;
  cover_yuan: number;
  starts_on: string;
  ends_on: string;
  note: string;
}

function realDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The form's fields checked: {field: words} (empty when the policy may be sent), and its body. */
export function checkPolicy(input: PolicyInput): { errors: Record<string, string>; body: PolicyBody | null } {
  const errors: Record<string, string> = {};
  const insurer = input.insurer.trim();
  const number = input.number.trim();
  const coverText = input.cover.trim().replace(/[,，\s]/g, "");
  if (!insurer) errors.insurer = t("ins.err.insurer");
  else if (insurer.length > 80) errors.insurer = t("ins.err.tooLong");
  if (!number) errors.number = t("ins.err.number");
  else if (number.length > 60) errors.number = t("ins.err.tooLong");
  const cover = /^\d+$/.test(coverText) ? Number(coverText) : NaN;
  if (!Number.isSafeInteger(cover) || cover <= 0 || cover > 1e10) errors.cover_yuan = t("ins.err.cover");
  if (!realDay(input.starts_on)) errors.starts_on = t("ins.err.day");
  if (!realDay(input.ends_on)) errors.ends_on = t("ins.err.day");
  else if (realDay(input.starts_on) && input.ends_on < input.starts_on) errors.ends_on = t("ins.err.order");
  const note = input.note.trim();
  if (note.length > 500) errors.note = t("ins.err.tooLong");
  if (Object.keys(errors).length) return { errors, body: null };
  return { errors, body: { insurer, number, cover_yuan: cover, starts_on: input.starts_on, ends_on: input.ends_on, note } };
}

/** A member's policies as listed by the server, read defensively, latest end first. */
export interface Policy {
  id: string;
  insurer: string;
  number: string;
  cover: number;
  startsOn: string;
  endsOn: string;
  state: "valid" | "future" | "expired";
}

export function readPolicies(body: unknown): Policy[] {
  const items = body && typeof body === "object" && Array.isArray((body as { items?: unknown }).items) ? (body as { items: unknown[] }).items : [];
  return items.flatMap((raw) => {
    const p = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
    if (typeof p.id !== "string") return [];
    const state = p.state === "valid" || p.state === "future" || p.state === "expired" ? p.state : "expired";
    return [
      {
        id: p.id,
        insurer: typeof p.insurer === "string" ? p.insurer : "",
        number: typeof p.number === "string" ? p.number : "",
        cover: typeof p.cover_yuan === "number" ? p.cover_yuan : 0,
        startsOn: typeof p.starts_on === "string" ? p.starts_on : "",
        endsOn: typeof p.ends_on === "string" ? p.ends_on : "",
        state,
      },
    ];
  });
}
