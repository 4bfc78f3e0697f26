// Readiness as the phone shows it: the server's figures read defensively, and the reasons said
// in the user's language from the figures themselves (the server's Chinese sentences are data for
// other clients; the phone words them, as it words problems from their type).
import { getLang, t, type MessageKey } from "../../i18n";

export type Status = "red" | "yellow" | "green";

export interface Cert {
  memberName: string;
  name: string;
  expiresOn: string;
}

export interface TeamReadiness {
  id: string;
  name: string;
  comprehensive: boolean;
  size: number;
  minSize: number;
  captain: string | null;
  captainRequired: boolean;
  active: number;
  probation: number;
  unknownStage: number;
  expiring: Cert[];
  expired: Cert[];
  flagged: number;
  unchecked: number;
  /** Members without valid cover today (null: not recorded, an older server). */
  insurance: number | null;
  /** Members whose cover ends within 30 days. */
  insuranceEnding: number;
  equipment: number | null;
  status: Status;
}

export interface TownshipReadiness {
  regionId: number;
  name: string;
  status: Status;
  teams: TeamReadiness[];
}

export interface Readiness {
  regionName: string;
  asOf: string;
  status: Status;
  townships: TownshipReadiness[];
  short: number;
}

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const status = (v: unknown): Status => (v === "red" || v === "yellow" || v === "green" ? v : "red");
const slot = (v: unknown): number | null => {
  const c = obj(v).count;
  return typeof c === "number" ? c : null;
};

function certs(v: unknown): Cert[] {
  return list(v).map((c) => {
    const o = obj(c);
    return { memberName: str(o.display_name), name: str(o.name), expiresOn: str(o.expires_on) };
  });
}

export function readReadiness(body: unknown): Readiness {
  const b = obj(body);
  const rules = obj(b.rules);
  const captainRequired = rules.captain_required !== false;
  const townships = list(b.townships).map((raw): TownshipReadiness => {
    const tw = obj(raw);
    return {
      regionId: num(tw.region_id),
      name: str(tw.region_name),
      status: status(tw.status),
      teams: list(tw.teams).map((rt): TeamReadiness => {
        const tm = obj(rt);
        return {
          id: str(tm.team_id),
          name: str(tm.name),
          comprehensive: tm.kind === "comprehensive",
          size: num(tm.size),
          minSize: num(tm.min_size),
          captain: typeof tm.captain === "string" ? tm.captain : null,
          captainRequired,
          active: num(tm.active),
          probation: num(tm.probation),
          unknownStage: num(obj(tm.stages).unknown),
          expiring: certs(tm.certificates_expiring),
          expired: certs(tm.certificates_expired),
          flagged: num(tm.flagged_members),
          unchecked: num(tm.unchecked_members),
          insurance: slot(tm.insurance),
          insuranceEnding: num(obj(tm.insurance).expiring),
          equipment: slot(tm.equipment),
          status: status(tm.status),
        };
      }),
    };
  });
  const summary = obj(b.summary);
  return { regionName: str(b.region_name), asOf: str(b.as_of), status: status(summary.status), townships, short: num(summary.townships_short) };
}

/** Why a team falls short (first) or needs a look, in words. */
export function teamReasons(team: TeamReadiness): { red: string[]; yellow: string[] } {
  const red: string[] = [];
  const yellow: string[] = [];
  if (team.size < team.minSize) red.push(t("ready.why.size", { n: team.size, min: team.minSize }));
  if (team.captainRequired && !team.captain) red.push(t("ready.why.captain"));
  if (team.expired.length) yellow.push(t("ready.why.expired", { n: team.expired.length }));
  if (team.expiring.length) yellow.push(t("ready.why.expiring", { n: team.expiring.length }));
  if (team.flagged) yellow.push(t("ready.why.flagged", { n: team.flagged }));
  if (team.unchecked) yellow.push(t("ready.why.unchecked", { n: team.unchecked }));
  if (team.unknownStage) yellow.push(t("ready.why.unknownStage", { n: team.unknownStage }));
  if (team.insurance) yellow.push(t("ready.why.uninsured", { n: team.insurance }));
  if (team.insuranceEnding) yellow.push(t("ready.why.insuranceEnding", { n: team.insuranceEnding }));
  if (team.equipment) yellow.push(t("ready.why.equipment", { n: team.equipment }));
  return { red, yellow };
}

export function townshipReasons(town: TownshipReadiness): string[] {
  const counted = town.teams.filter((tm) => tm.comprehensive);
  if (!counted.length) return [t("ready.why.noTeam")];
  const many = counted.length > 1;
  return counted.flatMap((tm) => {
    const { red, yellow } = teamReasons(tm);
    return [...red, ...yellow].map((why) => (many ? `${tm.name}：${why}` : why));
  });
}

export function statusWord(s: Status): string {
  return t(`ready.status.${s}` as MessageKey);
}

/** The tone classes the app already has: red 未达标 (bad), yellow 需关注 (warn), green 达标 (ok). */
export function toneOf(s: Status): "bad" | "warn" | "ok" {
  return s === "red" ? "bad" : s === "yellow" ? "warn" : "ok";
}

/** A calendar day ("2026-12-20") in the local form (2026年12月20日), with no time zone to shift it. */
export function dayWords(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const at = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Intl.DateTimeFormat(getLang(), { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }).format(at);
}
