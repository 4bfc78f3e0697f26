// A member's profile (队员档案) as the phone shows and changes it: the server's answer read
// defensively, the stage and each certificate's expiry said in words, the path's allowed next
// steps (the server's NEXT in server/teams/profiles.py), the training hours, and the edit form
// checked before it is sent. No DOM here.
import { hasKey, t, type MessageKey } from "../../i18n";
import { dayWords } from "./readiness-model";
import { DEFAULT_RULES, EDUCATION, LABEL_TO_EDUCATION, flagWords, isUnchecked, type Education, type Flag, type Rules } from "./rules-model";

export { EDUCATION };
export const BACKGROUNDS = ["veteran", "militia", "enterprise_firefighter", "other"] as const;
export const STAGES = ["applicant", "in_training", "assessed", "probation", "active", "inactive"] as const;
export type Stage = (typeof STAGES)[number];
export const KINDS = ["theory", "fitness", "skills", "exercise"] as const;
/** The roles that read profiles (profiles.read), and those that change them (profiles.manage). */
export const PROFILE_ROLES = new Set(["admin", "duty_officer", "captain", "member"]);
export const PROFILE_EDIT_ROLES = new Set(["admin", "duty_officer", "captain"]);
export const SOON_DAYS = 30;
/** The server's bounds (ProfilePutSchema, CertificateSchema, ContactSchema). */
export const MAX_ITEMS = 30;
export const SKILL_MAX = 40;
export const CERT_NAME_MAX = 60;
export const CERT_NUMBER_MAX = 40;
export const CONTACT_NAME_MAX = 80;
const FIRST_DAY = "1900-01-01";

// Where each stage may go next (server/teams/profiles.py NEXT); "" is no stage recorded yet.
const NEXT: Record<Stage | "", readonly Stage[]> = {
  "": STAGES,
  applicant: ["in_training", "inactive"],
  in_training: ["assessed", "inactive"],
  assessed: ["probation", "in_training", "inactive"],
  probation: ["active", "in_training", "inactive"],
  active: ["inactive"],
  inactive: ["applicant"],
};

export interface Certificate {
  name: string;
  number: string | null;
  expiresOn: string | null;
}
export interface Step {
  from: Stage | null;
  to: Stage | null;
  toLabel: string;
  happenedOn: string;
  recordedAt: string;
  byName: string;
  note: string;
}
export interface MemberFlag {
  rule: string;
  reason: string;
  since: string;
}
export interface Profile {
  memberId: string;
  name: string;
  teamId: string;
  teamRole: string | null;
  stage: Stage | null;
  stageLabel: string;
  background: string | null;
  skills: string[];
  certificates: Certificate[];
  personalVisible: boolean;
  birthDate: string | null;
  age: number | null;
  education: Education | null;
  phone: string | null;
  contact: { name: string; phone: string } | null;
  flags: MemberFlag[];
  steps: Step[];
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const strOrNull = (v: unknown): string | null => (typeof v === "string" && v ? v : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const isStage = (v: unknown): v is Stage => typeof v === "string" && (STAGES as readonly string[]).includes(v);
const isEducation = (v: unknown): v is Education => typeof v === "string" && (EDUCATION as readonly string[]).includes(v);
const isDay = (v: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;

export function readProfile(body: unknown): Profile {
  const b = obj(body);
  const contact = obj(b.emergency_contact);
  return {
    memberId: str(b.member_id),
    name: str(b.display_name),
    teamId: str(b.team_id),
    teamRole: strOrNull(b.team_role),
    stage: isStage(b.stage) ? b.stage : null,
    stageLabel: str(b.stage_label),
    background: strOrNull(b.background),
    skills: list(b.skills).filter((s): s is string => typeof s === "string"),
    certificates: list(b.certificates).map((raw) => {
      const c = obj(raw);
      return { name: str(c.name), number: strOrNull(c.number), expiresOn: strOrNull(c.expires_on) };
    }),
    personalVisible: b.personal_visible === true,
    birthDate: strOrNull(b.birth_date),
    age: typeof b.age === "number" ? b.age : null,
    education: isEducation(b.education) ? b.education : null,
    phone: strOrNull(b.phone),
    contact: contact.name ? { name: str(contact.name), phone: str(contact.phone) } : null,
    flags: list(b.flags).map((raw) => {
      const f = obj(raw);
      return { rule: str(f.rule), reason: str(f.reason), since: str(f.since) };
    }),
    steps: list(b.steps).map((raw) => {
      const s = obj(raw);
      return {
        from: isStage(s.from_stage) ? s.from_stage : null,
        to: isStage(s.to_stage) ? s.to_stage : null,
        toLabel: str(s.to_label),
        happenedOn: str(s.happened_on),
        recordedAt: str(s.recorded_at),
        byName: str(s.by_name),
        note: str(s.note),
      };
    }),
  };
}

/** A stage in words; no stage is 未登记. */
export function stageWord(s: Stage | null): string {
  return t(`profile.stage.${s ?? "none"}` as MessageKey);
}
export function backgroundWord(b: string | null): string {
  return (BACKGROUNDS as readonly string[]).includes(b ?? "") ? t(`profile.bg.${b}` as MessageKey) : t("profile.notRecorded");
}
export function educationWordOf(e: string | null): string {
  return isEducation(e) ? t(`trules.edu.${e}` as MessageKey) : t("profile.notRecorded");
}

/** A role in the team in words (队长, 副队长, 队员); an unknown one as sent. */
export function teamRoleWord(r: string | null): string {
  if (!r) return t("profile.notRecorded");
  const key = `adm.teamRole.${r}`;
  return hasKey(key) ? t(key) : r;
}

/** The steps a member may take next from where they stand. */
export function nextSteps(s: Stage | null): readonly Stage[] {
  return NEXT[s ?? ""];
}

// ---- certificates ---------------------------------------------------------------------------

export type CertState = "none" | "valid" | "soon" | "expired";

/** Days from one calendar day to another (both "YYYY-MM-DD"). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function certState(expiresOn: string | null, today: string): { state: CertState; days: number } {
  if (!expiresOn || !isDay(expiresOn)) return { state: "none", days: 0 };
  const days = daysBetween(today, expiresOn);
  if (days < 0) return { state: "expired", days };
  return { state: days <= SOON_DAYS ? "soon" : "valid", days };
}

/** The expiry in words, never the colour alone: 已过期, n 天后到期, 今天到期, 有效期至, 长期有效. */
export function certWords(expiresOn: string | null, today: string): string {
  const { state, days } = certState(expiresOn, today);
  if (state === "none") return t("profile.cert.none");
  const date = dayWords(expiresOn!);
  if (state === "expired") return t("profile.cert.expired", { date });
  if (state === "soon") return days === 0 ? t("profile.cert.today", { date }) : t("profile.cert.soon", { n: days, date });
  return t("profile.cert.valid", { date });
}

// ---- flags ----------------------------------------------------------------------------------

/** The rules as the member's flags state them (the server writes the figures into each reason):
 * the phone says them without asking for the rules, which a member may not read. */
export function rulesFromFlags(flags: MemberFlag[]): Rules {
  const r: Rules = { ...DEFAULT_RULES };
  for (const f of flags) {
    const max = /(?:超过|不超过)\s*(\d+)\s*岁/.exec(f.reason);
    if ((f.rule === "age" || f.rule === "age_unknown") && max) r.maxAge = Number(max[1]);
    const least = /(?:低于|至少)([^，）)]+)/.exec(f.reason);
    const edu = least ? LABEL_TO_EDUCATION[least[1]] : undefined;
    if ((f.rule === "education" || f.rule === "education_unknown") && edu) r.minEducation = edu;
  }
  return r;
}

/** Each flag in the user's language ("不符合：年龄 46 岁，超过 45 岁", "未核对：未登记学历…"). */
export function profileFlagLines(p: Profile): { rule: string; unchecked: boolean; text: string }[] {
  const rules = rulesFromFlags(p.flags);
  return p.flags.map((mf) => {
    const f: Flag = { teamId: p.teamId, teamName: "", regionId: 0, memberId: p.memberId, name: p.name, rule: mf.rule, reason: mf.reason };
    const unchecked = isUnchecked(f);
    return { rule: mf.rule, unchecked, text: t("profile.flagLine", { state: unchecked ? t("flags.unchecked") : t("flags.broken"), why: flagWords(f, rules) }) };
  });
}

// ---- training hours -------------------------------------------------------------------------

export interface Hours {
  from: string;
  to: string;
  hours: number;
  trainings: number;
  byKind: { kind: string; hours: number }[];
}

export function readHours(body: unknown): Hours {
  const b = obj(body);
  const num = (v: unknown) => {
    const n = typeof v === "number" ? v : Number.parseFloat(str(v));
    return Number.isFinite(n) ? n : 0;
  };
  const by = obj(b.by_kind);
  return {
    from: str(b.from),
    to: str(b.to),
    hours: num(b.hours),
    trainings: typeof b.trainings === "number" ? b.trainings : 0,
    byKind: KINDS.map((kind) => ({ kind, hours: num(by[kind]) })),
  };
}

/** Hours as people write them: 6, 1.5 (never 6.00). */
export function hoursText(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** This year so far, in China days: the default period of the hours. */
export function thisYear(today: string): { from: string; to: string } {
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}

/** Today in China ("2026-12-03"), whatever the phone's own zone. */
export function chinaDay(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

// ---- the form -------------------------------------------------------------------------------

export interface CertRow {
  name: string;
  number: string;
  expires_on: string;
}
// A type, not an interface: a draft (an index signature) holds it.
export type ProfileForm = {
  birth_date: string;
  education: string;
  background: string;
  skills: string[];
  certificates: CertRow[];
  contact_name: string;
  contact_phone: string;
};
export type ProfileError = "date" | "future" | "before1900" | "choice" | "required" | "tooLong" | "tooMany" | "phone";
/** Keys: the form's fields, and a row's as skill.<i>, cert.<i>.name, cert.<i>.number, cert.<i>.expires_on. */
export type ProfileErrors = Record<string, ProfileError>;

/** 138xxxxxxxx from what the server keeps (+86138xxxxxxxx) or what was typed (138 1234 5678). */
export function mobileDigits(s: string): string {
  const d = s.replace(/[\s\-()]/g, "");
  if (/^\+861[3-9]\d{9}$/.test(d)) return d.slice(3);
  if (/^861[3-9]\d{9}$/.test(d)) return d.slice(2);
  return d;
}
export const isMobile = (s: string): boolean => /^1[3-9]\d{9}$/.test(mobileDigits(s));

export function formOf(p: Profile): ProfileForm {
  return {
    birth_date: p.birthDate ?? "",
    education: p.education ?? "",
    background: p.background ?? "",
    skills: [...p.skills],
    certificates: p.certificates.map((c) => ({ name: c.name, number: c.number ?? "", expires_on: c.expiresOn ?? "" })),
    contact_name: p.contact?.name ?? "",
    contact_phone: p.contact ? mobileDigits(p.contact.phone) : "",
  };
}

const blankCert = (c: CertRow) => !c.name.trim() && !c.number.trim() && !c.expires_on.trim();

export function checkProfileForm(f: ProfileForm, today: string): ProfileErrors {
  const e: ProfileErrors = {};
  const birth = f.birth_date.trim();
  if (birth) {
    if (!isDay(birth)) e.birth_date = "date";
    else if (birth > today) e.birth_date = "future";
    else if (birth < FIRST_DAY) e.birth_date = "before1900";
  }
  if (f.education && !isEducation(f.education)) e.education = "choice";
  if (f.background && !(BACKGROUNDS as readonly string[]).includes(f.background)) e.background = "choice";
  const skills = f.skills.map((s) => s.trim());
  skills.forEach((s, i) => {
    if (s.length > SKILL_MAX) e[`skill.${i}`] = "tooLong";
  });
  if (skills.filter(Boolean).length > MAX_ITEMS) e.skills = "tooMany";
  f.certificates.forEach((c, i) => {
    if (blankCert(c)) return;
    if (!c.name.trim()) e[`cert.${i}.name`] = "required";
    else if (c.name.trim().length > CERT_NAME_MAX) e[`cert.${i}.name`] = "tooLong";
    if (c.number.trim().length > CERT_NUMBER_MAX) e[`cert.${i}.number`] = "tooLong";
    if (c.expires_on.trim() && !isDay(c.expires_on.trim())) e[`cert.${i}.expires_on`] = "date";
  });
  if (f.certificates.filter((c) => !blankCert(c)).length > MAX_ITEMS) e.certificates = "tooMany";
  const name = f.contact_name.trim();
  const phone = f.contact_phone.trim();
  if (name || phone) {
    if (!name) e.contact_name = "required";
    else if (name.length > CONTACT_NAME_MAX) e.contact_name = "tooLong";
    if (!phone) e.contact_phone = "required";
    else if (!isMobile(phone)) e.contact_phone = "phone";
  }
  return e;
}

/** The PUT body of a form that passed checkProfileForm: every field, null to clear. */
export function profileBody(f: ProfileForm): Record<string, unknown> {
  const name = f.contact_name.trim();
  return {
    birth_date: f.birth_date.trim() || null,
    education: f.education || null,
    background: f.background || null,
    skills: f.skills.map((s) => s.trim()).filter(Boolean),
    certificates: f.certificates
      .filter((c) => !blankCert(c))
      .map((c) => ({ name: c.name.trim(), number: c.number.trim() || null, expires_on: c.expires_on.trim() || null })),
    emergency_contact: name ? { name, phone: mobileDigits(f.contact_phone.trim()) } : null,
  };
}

/** A draft read back from the phone, whatever it holds. */
export function restoreForm(raw: unknown, fallback: ProfileForm): ProfileForm {
  const d = obj(raw);
  const s = (v: unknown, dflt: string) => (typeof v === "string" ? v : dflt);
  return {
    birth_date: s(d.birth_date, fallback.birth_date),
    education: s(d.education, fallback.education),
    background: s(d.background, fallback.background),
    skills: Array.isArray(d.skills) ? d.skills.map((x) => s(x, "")) : fallback.skills,
    certificates: Array.isArray(d.certificates)
      ? d.certificates.map((raw) => {
          const c = obj(raw);
          return { name: s(c.name, ""), number: s(c.number, ""), expires_on: s(c.expires_on, "") };
        })
      : fallback.certificates,
    contact_name: s(d.contact_name, fallback.contact_name),
    contact_phone: s(d.contact_phone, fallback.contact_phone),
  };
}

/** The form's error in words, for the field it is under (its own length limit). */
export function errorWords(field: string, e: ProfileError): string {
  const max = e === "tooMany" ? MAX_ITEMS : /^skill\./.test(field) ? SKILL_MAX : /\.number$/.test(field) ? CERT_NUMBER_MAX : /^cert\./.test(field) ? CERT_NAME_MAX : CONTACT_NAME_MAX;
  return t(`profile.err.${e}` as MessageKey, { max });
}
