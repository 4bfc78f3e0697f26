// A server's refusal said in the user's language: the problem's type (its slug) and the names of
// its invalid fields pick the words; the server's own text is kept only as a small "details" line.
// No DOM here, so the service worker can use it too.
import { problemSlug, type Problem } from "../data/problem";
import { getLang, hasKey, t, type Lang, type MessageKey } from "./index";

/** Every slug the server sends (grep `ApiProblem(` and errors.py's _HTTP_SLUGS), with its words. */
export const PROBLEM_SLUGS = [
  "validation",
  "not-found",
  "forbidden",
  "conflict",
  "already-checked-in",
  "already-checked-out",
  "already-under-way",
  "already-answered",
  "not-on-scene",
  "media-missing",
  "payload-too-large",
  "unsupported-media-type",
  "bad-credentials",
  "unauthorized",
  "csrf",
  "token-expired",
  "token-invalid",
  "token-revoked",
  "refresh-reuse",
  "rate-limited",
  "self-lockout",
  "password-change-required",
  "team-captain-taken",
  "user-inactive",
  "not-a-spreadsheet",
  "roster-no-header",
  "roster-too-long",
  "shelter-occupied",
  "shelter-full",
  "shelter-closed",
  "wrong-shelter",
  "bad-receipt",
  "report-state",
  "not-assignee",
  "own-work",
  "figure-lowered",
  "report-order",
  "report-verified",
  "report-race",
  "disaster-closed",
  "member-path",
  "policy-exists",
  "identifier-exhausted",
  "equipment-checked-out",
  "equipment-not-out",
  "equipment-out-of-service",
  "order-closed",
  "training-cancelled",
  "training-not-expected",
  "training-mark-superseded",
  "badge-unknown",
  "duplicate-target-closed",
  "duplicate-other-category",
  "duplicate-chain",
  "already-issued",
  "same-person",
  "cancelled",
  "expired",
  "not-issued",
  "too-many-rows",
  "op-conflict",
  "unknown-op",
  "op-not-supported",
  "bad-batch",
  "batch-too-large",
  "bad-cursor",
  "month-locked",
  "rule-exists",
  "no-subsidy-rule",
  "lock-in-order",
  "month-not-over",
  "report-changed",
  "not-cross-township",
  "claim-exists",
  "claim-state",
  "bad-request",
  "bad-json",
  "method-not-allowed",
  "unavailable",
  "internal",
  "pwa-not-built",
  "http-error",
] as const;

export interface Described {
  /** One sentence in the user's language: what happened and what to do. */
  message: string;
  /** Per top-level field name (as the form knows it): what is wrong with it, in words. */
  fields: Record<string, string>;
  /** The server's own text, for a small "details" line; "" when it said nothing more. */
  details: string;
}

// Marshmallow's and our services' field messages that have words of their own; anything else is "not valid".
const FIELD_MESSAGES: [RegExp, MessageKey][] = [
  [/^Missing data for required field|^Field may not be null|^Shorter than minimum length 1\b/i, "problem.field.required"],
  [/^Must be one of|^Not a valid choice/i, "problem.field.choice"],
  [/^Longer than maximum length/i, "problem.field.tooLong"],
  [/in your (area|region)/i, "problem.field.region"],
  [/^No such /i, "problem.field.unknown"],
  [/already (used|taken)|is taken/i, "problem.field.taken"],
  [/password is wrong/i, "problem.field.wrongPassword"],
];

function fieldLabel(name: string, lang: Lang): string {
  const key = `field.${name}`;
  if (hasKey(key)) return t(key, undefined, lang);
  // A nested field ("photos.0.taken_at": a step's first photo's time): the photo's n, then its part.
  const [top, index, part] = name.split(".");
  if (top !== name && hasKey(`field.${top}`)) {
    const whole = t(`field.${top}` as MessageKey, undefined, lang);
    const n = /^\d+$/.test(index ?? "") ? ` ${Number(index) + 1}` : "";
    const sub = part && hasKey(`field.${part}`) ? ` · ${t(`field.${part}` as MessageKey, undefined, lang)}` : "";
    return `${whole}${n}${sub}`;
  }
  return name;
}

/** The leaf messages of a marshmallow error tree (nested objects, list indexes). */
function leafMessages(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(leafMessages);
  if (value && typeof value === "object") return Object.values(value).flatMap(leafMessages);
  return [];
}

function fieldMessage(name: string, messages: string[], lang: Lang): string {
  const label = fieldLabel(name, lang);
  for (const [pattern, key] of FIELD_MESSAGES) {
    if (messages.some((m) => pattern.test(m))) return t(key, { field: label }, lang);
  }
  return t("problem.field.invalid", { field: label }, lang);
}

function byStatus(status: number): string {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 409) return "conflict";
  if (status === 413) return "payload-too-large";
  if (status === 415) return "unsupported-media-type";
  if (status === 422) return "validation";
  if (status === 429) return "rate-limited";
  if (status === 503) return "unavailable";
  if (status >= 500) return "internal";
  return "http-error";
}

export function describeProblem(problem: Problem | undefined, lang: Lang = getLang()): Described {
  if (!problem) return { message: t("problem.http-error", { status: "?" }, lang), fields: {}, details: "" };
  const slug = problemSlug(problem);
  const known = (PROBLEM_SLUGS as readonly string[]).includes(slug) ? slug : byStatus(problem.status);
  const message = t(`problem.${known}` as MessageKey, { status: problem.status || "?" }, lang);
  const fields: Record<string, string> = {};
  const raw: string[] = [];
  for (const [name, value] of Object.entries(problem.errors ?? {})) {
    const messages = leafMessages(value);
    fields[name] = fieldMessage(name, messages, lang);
    raw.push(`${name}: ${messages.join(" ")}`);
  }
  const said = problem.detail || (problem.title && problem.title !== "Refused" ? problem.title : "");
  const details = [said, raw.join("; ")].filter(Boolean).join(" — ");
  return { message, fields, details };
}

/** The message with its field lines, for places with room for one line of text only. */
export function problemSentence(problem: Problem | undefined, lang: Lang = getLang()): string {
  const d = describeProblem(problem, lang);
  const fields = Object.values(d.fields);
  return fields.length ? `${d.message} ${fields.join(lang === "en" ? "; " : "；")}` : d.message;
}
