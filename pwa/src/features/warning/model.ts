// Area warnings as the phone reasons about them, without DOM or storage: the level's colour and
// word, which messages are in force by the phone's own clock, their order on the banner, a chain's
// history (发布 / 更新 / 解除), and how a pulled copy merges with the one on the phone.

export type Level = "blue" | "yellow" | "orange" | "red";
export type Kind = "typhoon" | "rainstorm" | "flood" | "geological" | "forest_fire" | "heat" | "cold_wave" | "other";
export type MsgType = "alert" | "update" | "cancel";
/** Where a chain stands now, as the banner and the list say it. */
export type Standing = "active" | "upcoming" | "cancelled" | "superseded" | "expired" | "draft";

export interface Warning {
  id: string;
  msg_type?: MsgType | string;
  references_id?: string | null;
  state?: string;
  kind?: Kind | string;
  level?: Level | string;
  title?: string;
  body?: string;
  instructions?: string | null;
  reason?: string | null;
  regions?: { id: number | string; name: string }[];
  region_ids?: (number | string)[];
  polygon?: [number, number][] | null;
  onset_at?: string | null;
  expires_at?: string | null;
  issued_at?: string | null;
  issued_by?: { id?: string; display_name?: string } | null;
  active?: boolean;
  acked?: boolean;
  /** The caller's own 收到, whichever way it came (app, SMS reply, key press, link). */
  acked_at?: string | null;
  /** The server's word: this caller is one of the message's responsible persons, asked for 收到. */
  responsible?: boolean;
  superseded_by?: string | null;
  cancelled?: boolean;
  /** Phone-side: the server's active list, read at this time, no longer had it. */
  _gone_at?: string;
  [k: string]: unknown;
}

export const LEVELS: readonly Level[] = ["red", "orange", "yellow", "blue"];
const LEVEL_RANK: Record<string, number> = { red: 4, orange: 3, yellow: 2, blue: 1 };

/**
 * The colours of GB/T 35965's four levels, each with the text colour that reads on it outdoors
 * (WCAG AA 4.5:1 at least, tested): yellow and orange carry dark text, red and blue white.
 */
export const LEVEL_COLOURS: Record<Level, { bg: string; fg: string }> = {
  red: { bg: "#c62828", fg: "#ffffff" },
  orange: { bg: "#f57c00", fg: "#1a1a1a" },
  yellow: { bg: "#fdd835", fg: "#1a1a1a" },
  blue: { bg: "#1565c0", fg: "#ffffff" },
};

export function levelOf(w: Pick<Warning, "level">): Level {
  return (LEVELS as readonly string[]).includes(String(w.level)) ? (w.level as Level) : "blue";
}

/** The first message of the chain this one belongs to: updates and the cancel reference it. */
export function chainKey(w: Pick<Warning, "id" | "references_id">): string {
  return w.references_id || w.id;
}

const time = (v: unknown): number => (typeof v === "string" ? Date.parse(v) : NaN);

/** Newest message first: issued_at, and a cancel after an update issued in the same second. */
function newerFirst(a: Warning, b: Warning): number {
  const d = (time(b.issued_at) || 0) - (time(a.issued_at) || 0);
  if (d !== 0) return d;
  const rank = (w: Warning) => (w.msg_type === "cancel" ? 2 : w.msg_type === "update" ? 1 : 0);
  return rank(b) - rank(a);
}

/** Every message of each chain, oldest first, keyed by the chain's first message. */
export function chains(all: Warning[]): Map<string, Warning[]> {
  const out = new Map<string, Warning[]>();
  for (const w of all) {
    const key = chainKey(w);
    const list = out.get(key) ?? [];
    list.push(w);
    out.set(key, list);
  }
  for (const list of out.values()) list.sort((a, b) => newerFirst(b, a));
  return out;
}

/** The chain's message now in force (its newest issued one). */
export function latestOf(chain: Warning[]): Warning {
  const issued = chain.filter((w) => (w.state ?? "issued") === "issued");
  const pool = issued.length ? issued : chain;
  return [...pool].sort(newerFirst)[0];
}

/** What a chain said last: its newest message that is not the cancel (a cancel carries the reason,
 * not the warning's text), so a lifted warning is still listed under its own title. */
export function contentOf(chain: Warning[]): Warning {
  const said = chain.filter((w) => w.msg_type !== "cancel");
  return said.length ? latestOf(said) : latestOf(chain);
}

/** The chain's cancel, when it has been lifted. */
export function cancelOf(chain: Warning[]): Warning | undefined {
  return chain.find((w) => w.msg_type === "cancel" && (w.state ?? "issued") === "issued");
}

/**
 * Where a message stands at `now`, by the phone's clock and what the phone knows of its chain: a
 * later message supersedes it, a cancel in the chain ends it, expires_at ends it even when the
 * server has not said so yet (no signal all night).
 */
export function standing(w: Warning, chain: Warning[] = [w], now: Date = new Date()): Standing {
  if ((w.state ?? "issued") !== "issued") return "draft";
  if (w.msg_type === "cancel" || w.cancelled || chain.some((m) => m.msg_type === "cancel" && (m.state ?? "issued") === "issued")) return "cancelled";
  const latest = latestOf(chain);
  if (w.superseded_by || (latest && latest.id !== w.id)) return "superseded";
  const t = now.getTime();
  const expires = time(w.expires_at);
  if (!Number.isNaN(expires) && t >= expires) return "expired";
  if (w._gone_at) return "expired";
  const onset = time(w.onset_at);
  if (!Number.isNaN(onset) && t < onset) return "upcoming";
  return "active";
}

/** Compare for the banner: highest level first, then in force before upcoming, then newest. */
function bannerOrder(a: { w: Warning; s: Standing }, b: { w: Warning; s: Standing }): number {
  const level = (LEVEL_RANK[String(b.w.level)] ?? 0) - (LEVEL_RANK[String(a.w.level)] ?? 0);
  if (level) return level;
  if (a.s !== b.s) return a.s === "active" ? -1 : 1;
  return newerFirst(a.w, b.w);
}

/** The warnings the banner shows at `now`: one per chain, in force or upcoming, highest level first. */
export function inForce(all: Warning[], now: Date = new Date()): Warning[] {
  const shown: { w: Warning; s: Standing }[] = [];
  for (const chain of chains(all).values()) {
    const w = latestOf(chain);
    const s = standing(w, chain, now);
    if (s === "active" || s === "upcoming") shown.push({ w, s });
  }
  return shown.sort(bannerOrder).map((x) => x.w);
}

/** The list screen: chains in force first (as on the banner), then the others newest first. */
export function forList(all: Warning[], now: Date = new Date()): { current: Warning[]; recent: { w: Warning; s: Standing }[] } {
  const current = inForce(all, now);
  const inForceIds = new Set(current.map((w) => w.id));
  const recent: { w: Warning; s: Standing }[] = [];
  for (const chain of chains(all).values()) {
    if (inForceIds.has(latestOf(chain).id)) continue;
    const w = contentOf(chain);
    const s = standing(w, chain, now);
    if (s !== "draft") recent.push({ w, s });
  }
  recent.sort((a, b) => newerFirst(a.w, b.w));
  return { current, recent };
}

/**
 * When the banner must look again without any new data: the next onset or expiry still ahead
 * among `all` (null when none). The banner re-checks then, so an expired warning leaves by itself.
 */
export function nextChange(all: Warning[], now: Date = new Date()): Date | null {
  const t = now.getTime();
  let next = Infinity;
  for (const w of all) {
    for (const v of [time(w.onset_at), time(w.expires_at)]) if (!Number.isNaN(v) && v > t && v < next) next = v;
  }
  return next === Infinity ? null : new Date(next);
}

/**
 * A copy from the server over the one on the phone. An acknowledgement never goes back: the pull
 * feed is the same for everyone in the area and may not say this caller already acknowledged, and
 * an ack still waiting to be sent stays shown as given.
 */
export function merge(local: Warning | undefined, incoming: Warning): Warning {
  const acked = Boolean(incoming.acked) || Boolean(local?.acked);
  const ackedAt = incoming.acked_at || local?.acked_at || null;
  const next: Warning = { ...(local ?? {}), ...incoming, id: incoming.id, acked, acked_at: ackedAt };
  delete next._gone_at;
  return next;
}

/** Field roles that must acknowledge every warning they are shown (the server shows a field user
 * only the warnings whose area covers their region). */
export const RESPONSIBLE_ROLES = new Set(["info_officer", "captain"]);
/** Desk roles: responsible when the area names their own region (warn-core: a township's desk). */
export const DESK_ROLES = new Set(["duty_officer", "admin"]);

/**
 * Whether this caller is to be asked for 收到: the server's word when it gives one; else by role
 * (a desk only for an area naming its own region, so a county desk that sees a township's warning
 * is not asked; never the person who issued it).
 */
export function mustAck(w: Warning, role: string | undefined, userId?: string, regionId?: number | string | null): boolean {
  for (const k of ["responsible", "must_ack", "can_ack"]) if (typeof w[k] === "boolean") return w[k] as boolean;
  if (userId && w.issued_by?.id === userId) return false;
  if (role !== undefined && RESPONSIBLE_ROLES.has(role)) return true;
  if (role !== undefined && DESK_ROLES.has(role) && regionId != null) {
    const ids = Array.isArray(w.region_ids) ? w.region_ids : Array.isArray(w.regions) ? w.regions.map((r) => r.id) : [];
    return ids.some((id) => String(id) === String(regionId));
  }
  return false;
}

/** WCAG relative luminance contrast between two #rrggbb colours. */
export function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
