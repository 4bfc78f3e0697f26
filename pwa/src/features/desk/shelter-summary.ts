// The desk's shelter block on its front page: 开放 N 处 · 安置 N 人 · 余位 N · 已满 N · 将满(≥90%) N,
// for the desk's region and per region below it (GET /api/v1/shelters/summary). Full and nearly
// full are counted on the lines the desk is told at (90 %, full), the same lines as the map's
// colours. The last answer is kept on this phone for this account and shown, with its time,
// when the server cannot be reached.
import { h } from "../../shared/dom";
import { getLang, t, type MessageKey } from "../../i18n";
import { api, ApiError } from "../../api";
import { problemSentence } from "../../i18n/problem";
import { getMeta, setMeta } from "../../data/db";
import { cachedMe } from "../auth/session";

export const FIGURES = ["open", "people", "places_left", "full", "near_full"] as const;
export type Figure = (typeof FIGURES)[number];
export type Figures = Record<Figure, number>;

export interface SummaryRegion extends Figures {
  id: number;
  name: string;
  level: string;
}

export interface ShelterSummary {
  generated_at: string;
  region: { id: number; name: string; level: string } | null;
  total: Figures;
  regions: SummaryRegion[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const count = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

function figures(o: unknown): Figures {
  const src = isObj(o) ? o : {};
  return Object.fromEntries(FIGURES.map((f) => [f, count(src[f])])) as Figures;
}

/** The server's answer read defensively: a missing or odd figure is 0, never NaN on the desk. */
export function readSummary(body: unknown): ShelterSummary {
  if (!isObj(body)) throw new TypeError("not a shelter summary");
  const region = isObj(body.region) ? { id: count(body.region.id), name: String(body.region.name ?? ""), level: String(body.region.level ?? "") } : null;
  const regions = Array.isArray(body.regions)
    ? body.regions.filter(isObj).map((r) => ({ id: count(r.id), name: String(r.name ?? ""), level: String(r.level ?? ""), ...figures(r) }))
    : [];
  return { generated_at: typeof body.generated_at === "string" ? body.generated_at : "", region, total: figures(body.total), regions };
}

const WORD: Record<Figure, MessageKey> = {
  open: "front.sh.open",
  people: "front.sh.people",
  places_left: "front.sh.left",
  full: "front.sh.full",
  near_full: "front.sh.near",
};

/** Each figure with its word, and a tone: full in red and nearly full in amber once there are any,
 * no places left in red; the word is always there beside the colour. */
export function figureItems(f: Figures): { figure: Figure; n: number; text: string; tone: "none" | "warn" | "bad" }[] {
  return FIGURES.map((figure) => {
    const n = f[figure];
    const tone = figure === "full" && n > 0 ? "bad" : figure === "near_full" && n > 0 ? "warn" : figure === "places_left" && n === 0 && f.open > 0 ? "bad" : "none";
    return { figure, n, text: t(WORD[figure], { n }), tone };
  });
}

/** "开放 3 处 · 安置 10 人 · 余位 2010 · 已满 0 · 将满(≥90%) 0": a region's line, for reading out. */
export const figuresLine = (f: Figures): string => figureItems(f).map((i) => i.text).join(" · ");

const anything = (f: Figures): boolean => FIGURES.some((k) => f[k] > 0);

/** The rows under the total: each region below with shelters in use, and the desk's own level
 * (shelters of the county itself, not of a township) when it has any; the rest only counted. */
export function regionRows(s: ShelterSummary): { rows: (Figures & { id: string; name: string })[]; quiet: number } {
  const own = Object.fromEntries(FIGURES.map((k) => [k, Math.max(0, s.total[k] - s.regions.reduce((n, r) => n + r[k], 0))])) as Figures;
  const rows: (Figures & { id: string; name: string })[] = s.regions.filter(anything).map((r) => ({ ...r, id: String(r.id) }));
  if (anything(own) && s.region) rows.unshift({ ...own, id: "own", name: t("front.sh.ownLevel", { name: s.region.name }) });
  return { rows, quiet: s.regions.filter((r) => !anything(r)).length };
}

// ---- Kept on this phone, for this account. ----

const KEPT_KEY = "desk_shelter_summary";

interface Kept {
  user_id: string;
  saved_at: number;
  summary: unknown;
}

export async function keptSummary(userId: string | undefined): Promise<{ summary: ShelterSummary; at: number } | null> {
  if (!userId) return null;
  try {
    const kept = await getMeta<Kept>(KEPT_KEY);
    if (!kept || kept.user_id !== userId) return null;
    return { summary: readSummary(kept.summary), at: kept.saved_at };
  } catch {
    return null;
  }
}

const clock = (at: number, seconds: boolean) =>
  new Intl.DateTimeFormat(getLang(), { hour: "2-digit", minute: "2-digit", ...(seconds ? { second: "2-digit" } : {}), hourCycle: "h23" }).format(at);

// ---- The block. ----

function figureList(f: Figures, id?: string): HTMLElement {
  return h(
    "ul",
    { class: "sum-figures", ...(id ? { id } : {}), "aria-label": figuresLine(f) },
    ...figureItems(f).map((i) => h("li", { class: `sum-figure sum-tone-${i.tone}`, "data-figure": i.figure, "data-n": String(i.n) }, i.text)),
  );
}

export function renderShelterSummary(): HTMLElement {
  const total = h("div", { class: "sum-total" });
  const below = h("div", { class: "sum-below" });
  const status = h("p", { class: "hint", id: "shelter-summary-status", "aria-live": "polite" }, t("desk.loading"));

  function paint(s: ShelterSummary): void {
    total.replaceChildren(figureList(s.total, "shelter-summary"));
    const { rows, quiet } = regionRows(s);
    if (!rows.some((r) => r.id !== "own")) {
      // Nothing in use below the desk's own level: the total says it all.
      below.replaceChildren(...(quiet ? [h("p", { class: "hint sum-quiet" }, t("front.sh.quietAll", { n: quiet }))] : []));
      return;
    }
    below.replaceChildren(
      ...(rows.length || quiet
        ? [
            h(
              "details",
              { class: "sum-regions", open: window.matchMedia?.("(min-width: 900px)").matches || undefined },
              h("summary", {}, t("front.sh.byRegion", { n: rows.length })),
              h(
                "ul",
                { class: "sum-region-list" },
                ...rows.map((r) => h("li", { class: "sum-region", "data-region": r.id }, h("span", { class: "sum-region-name" }, r.name), figureList(r))),
              ),
              quiet ? h("p", { class: "hint sum-quiet" }, t("front.sh.quiet", { n: quiet })) : null,
            ),
          ]
        : []),
    );
  }

  async function load(): Promise<void> {
    const userId = cachedMe()?.user?.id;
    try {
      const body = await api.get<unknown>("/api/v1/shelters/summary");
      const summary = readSummary(body);
      const now = Date.now();
      paint(summary);
      status.className = "hint";
      status.dataset.state = "fresh";
      status.textContent = t("front.sh.updated", { time: clock(now, true) });
      if (userId) void setMeta(KEPT_KEY, { user_id: userId, saved_at: now, summary: body } satisfies Kept).catch(() => undefined);
    } catch (err) {
      if (err instanceof ApiError) {
        status.className = "hint";
        status.dataset.state = "refused";
        status.textContent = problemSentence(err.problem);
        return;
      }
      const kept = await keptSummary(userId);
      if (kept) paint(kept.summary);
      status.className = "notice notice-warn sum-offline";
      status.dataset.state = "offline";
      status.textContent = kept ? t("front.sh.offlineAt", { time: clock(kept.at, false) }) : t("front.sh.offlineNone");
    }
  }
  void load();
  return h(
    "section",
    { class: "front-shelters", "aria-labelledby": "front-shelters-title" },
    h("h2", { id: "front-shelters-title" }, t("front.sh.title")),
    total,
    status,
    below,
  );
}
