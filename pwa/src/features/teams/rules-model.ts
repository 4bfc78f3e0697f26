// The county's recruiting rules (招募条件) and the flags of those who break them, as the phone
// shows them: the server's answers read defensively, the rules and each reason said in the user's
// language from the rule and its figures, the form checked before it is sent, and the flags
// grouped by township and team. No DOM here.
import { t, type MessageKey } from "../../i18n";

export const RULES_PATH = "/api/v1/teams/rules";
export const FLAGS_PATH = "/api/v1/teams/flags";
/** The server's levels, lowest first (server/teams/profile_models.py EDUCATION). */
export const EDUCATION = ["primary", "junior_high", "senior_high", "junior_college", "bachelor"] as const;
export type Education = (typeof EDUCATION)[number];
/** The server's bounds (RulesSchema). */
export const AGE_MIN = 16;
export const AGE_MAX = 70;
export const SIZE_MIN = 1;
export const SIZE_MAX = 500;

export interface Rules {
  maxAge: number;
  minEducation: Education;
  minTeamSize: number;
  captainRequired: boolean;
  /** false: the source's defaults, never saved by the county. */
  saved: boolean;
  updatedAt: string | null;
}

export const DEFAULT_RULES: Rules = { maxAge: 45, minEducation: "junior_high", minTeamSize: 10, captainRequired: true, saved: false, updatedAt: null };

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const isEducation = (v: unknown): v is Education => typeof v === "string" && (EDUCATION as readonly string[]).includes(v);

export function readRules(body: unknown): Rules {
  const b = obj(body);
  const int = (v: unknown, d: number) => (typeof v === "number" && Number.isInteger(v) ? v : d);
  return {
    maxAge: int(b.max_age, DEFAULT_RULES.maxAge),
    minEducation: isEducation(b.min_education) ? b.min_education : DEFAULT_RULES.minEducation,
    minTeamSize: int(b.min_team_size, DEFAULT_RULES.minTeamSize),
    captainRequired: b.captain_required !== false,
    saved: b.saved === true,
    updatedAt: typeof b.updated_at === "string" ? b.updated_at : null,
  };
}

export function educationWord(e: Education): string {
  return t(`trules.edu.${e}` as MessageKey);
}

/** The rule set in force, one sentence per rule. */
export function ruleLines(r: Rules): string[] {
  return [
    t("trules.line.age", { max: r.maxAge }),
    t("trules.line.education", { min: educationWord(r.minEducation) }),
    t("trules.line.size", { min: r.minTeamSize }),
    r.captainRequired ? t("trules.line.captain") : t("trules.line.noCaptain"),
  ];
}

/** Only the county's administrators change the rules (the server says so too: 403 otherwise). */
export function canEditRules(role: string): boolean {
  return role === "admin";
}

// ---- the form -------------------------------------------------------------------------------

// A type, not an interface: a draft (an index signature) holds it.
export type RulesForm = {
  max_age: string;
  min_education: string;
  min_team_size: string;
  captain_required: boolean;
};
export type RulesField = keyof RulesForm;
export type RulesError = "required" | "whole" | "ageRange" | "sizeRange" | "education";

export function formOf(r: Rules): RulesForm {
  return { max_age: String(r.maxAge), min_education: r.minEducation, min_team_size: String(r.minTeamSize), captain_required: r.captainRequired };
}

/** A whole number typed in ASCII or full-width digits ("４５"), or NaN. */
function whole(s: string): number {
  const ascii = s.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  return /^\d{1,4}$/.test(ascii) ? Number(ascii) : Number.NaN;
}

export function checkRulesForm(f: RulesForm): Partial<Record<RulesField, RulesError>> {
  const errors: Partial<Record<RulesField, RulesError>> = {};
  const age = whole(f.max_age);
  if (!f.max_age.trim()) errors.max_age = "required";
  else if (Number.isNaN(age)) errors.max_age = "whole";
  else if (age < AGE_MIN || age > AGE_MAX) errors.max_age = "ageRange";
  if (!isEducation(f.min_education)) errors.min_education = "education";
  const size = whole(f.min_team_size);
  if (!f.min_team_size.trim()) errors.min_team_size = "required";
  else if (Number.isNaN(size)) errors.min_team_size = "whole";
  else if (size < SIZE_MIN || size > SIZE_MAX) errors.min_team_size = "sizeRange";
  return errors;
}

/** The PUT body of a form that passed checkRulesForm. */
export function rulesBody(f: RulesForm): { max_age: number; min_education: string; min_team_size: number; captain_required: boolean } {
  return { max_age: whole(f.max_age), min_education: f.min_education, min_team_size: whole(f.min_team_size), captain_required: f.captain_required };
}

/** What the form would change, said in words (for the question before saving). */
export function changes(before: Rules, f: RulesForm): string[] {
  const b = rulesBody(f);
  const out: string[] = [];
  if (b.max_age !== before.maxAge) out.push(t("trules.change.age", { from: before.maxAge, to: b.max_age }));
  if (b.min_education !== before.minEducation && isEducation(b.min_education))
    out.push(t("trules.change.education", { from: educationWord(before.minEducation), to: educationWord(b.min_education) }));
  if (b.min_team_size !== before.minTeamSize) out.push(t("trules.change.size", { from: before.minTeamSize, to: b.min_team_size }));
  if (b.captain_required !== before.captainRequired) out.push(b.captain_required ? t("trules.change.captainOn") : t("trules.change.captainOff"));
  return out;
}

// ---- the flags ------------------------------------------------------------------------------

export interface Flag {
  teamId: string;
  teamName: string;
  regionId: number;
  memberId: string | null;
  name: string;
  rule: string;
  /** The server's sentence (Chinese): kept for a rule this phone does not know. */
  reason: string;
}

export function readFlags(body: unknown): Flag[] {
  const items = obj(body).items;
  return (Array.isArray(items) ? items : []).map((raw) => {
    const f = obj(raw);
    return {
      teamId: str(f.team_id),
      teamName: str(f.team_name),
      regionId: typeof f.region_id === "number" ? f.region_id : 0,
      memberId: typeof f.member_id === "string" && f.member_id ? f.member_id : null,
      name: str(f.display_name),
      rule: str(f.rule),
      reason: str(f.reason),
    };
  });
}

export const LABEL_TO_EDUCATION: Record<string, Education> = {
  小学: "primary",
  初中: "junior_high",
  "高中/中专": "senior_high",
  大专: "junior_college",
  本科及以上: "bachelor",
};

/** The reason of a flag in the user's language, from its rule, the rules in force and the figures
 * of the server's sentence ("年龄 52 岁，超过 45 岁", "学历小学，低于初中", "队员 9 人，少于 10 人"). */
export function flagWords(f: Flag, r: Rules): string {
  switch (f.rule) {
    case "age": {
      const m = /(\d+)\s*岁/.exec(f.reason);
      return m ? t("flags.why.age", { age: Number(m[1]), max: r.maxAge }) : t("flags.why.ageOver", { max: r.maxAge });
    }
    case "age_unknown":
      return t("flags.why.ageUnknown", { max: r.maxAge });
    case "education": {
      const m = /^学历(.+?)，/.exec(f.reason);
      const had = m ? LABEL_TO_EDUCATION[m[1]] : undefined;
      return had
        ? t("flags.why.education", { had: educationWord(had), min: educationWord(r.minEducation) })
        : t("flags.why.educationBelow", { min: educationWord(r.minEducation) });
    }
    case "education_unknown":
      return t("flags.why.educationUnknown", { min: educationWord(r.minEducation) });
    case "team_size": {
      const m = /(\d+)\s*人/.exec(f.reason);
      return m ? t("flags.why.size", { n: Number(m[1]), min: r.minTeamSize }) : t("flags.why.sizeBelow", { min: r.minTeamSize });
    }
    case "captain":
      return t("flags.why.captain");
    default:
      return f.reason;
  }
}

/** A member's flag that says the rule could not be checked (no birth date, no education). */
export function isUnchecked(f: Flag): boolean {
  return f.rule === "age_unknown" || f.rule === "education_unknown";
}

export interface FlaggedMember {
  id: string;
  name: string;
  flags: Flag[];
}
export interface FlaggedTeam {
  id: string;
  name: string;
  team: Flag[];
  members: FlaggedMember[];
}
export interface FlaggedTownship {
  regionId: number;
  name: string;
  teams: FlaggedTeam[];
}

/** Flags by township (by name) and team (by name): the team's own flags, then each member once
 * with all their reasons, those who break a rule before those only unchecked. */
export function groupFlags(flags: Flag[], regionNames: Map<number, string>): FlaggedTownship[] {
  const towns = new Map<number, FlaggedTownship>();
  const teams = new Map<string, FlaggedTeam>();
  const members = new Map<string, FlaggedMember>();
  for (const f of flags) {
    let town = towns.get(f.regionId);
    if (!town) towns.set(f.regionId, (town = { regionId: f.regionId, name: regionNames.get(f.regionId) ?? "", teams: [] }));
    let team = teams.get(f.teamId);
    if (!team) {
      teams.set(f.teamId, (team = { id: f.teamId, name: f.teamName, team: [], members: [] }));
      town.teams.push(team);
    }
    if (!f.memberId) {
      team.team.push(f);
      continue;
    }
    const key = `${f.teamId}/${f.memberId}`;
    let m = members.get(key);
    if (!m) {
      members.set(key, (m = { id: f.memberId, name: f.name, flags: [] }));
      team.members.push(m);
    }
    m.flags.push(f);
  }
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, "zh-CN");
  const broken = (m: FlaggedMember) => (m.flags.some((f) => !isUnchecked(f)) ? 0 : 1);
  const out = [...towns.values()].sort(byName);
  for (const town of out) {
    town.teams.sort(byName);
    for (const team of town.teams) team.members.sort((a, b) => broken(a) - broken(b) || byName(a, b));
  }
  return out;
}

/** How many members break a rule, and how many are only unchecked. */
export function countFlagged(flags: Flag[]): { broken: number; unchecked: number } {
  const broken = new Set<string>();
  const any = new Set<string>();
  for (const f of flags) {
    if (!f.memberId) continue;
    const key = `${f.teamId}/${f.memberId}`;
    any.add(key);
    if (!isUnchecked(f)) broken.add(key);
  }
  return { broken: broken.size, unchecked: any.size - broken.size };
}
