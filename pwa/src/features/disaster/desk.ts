// The desk's screen of one event: the sums up the tree (county, townships), then each village's
// latest figures with what its last report changed, the villages still owing an initial report
// marked in words as well as colour, and the exports.
import "./disaster.css";
import { h } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { api, ApiError, OfflineError } from "../../api";
import { confirmStep } from "../../shared/confirm";
import { once } from "../../shared/guard";
import { isOnline } from "../../shared/network";
import { problemSentence } from "../../i18n/problem";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { kindLabel } from "./disasters";
import { FIGURES, type Figure } from "./model";

interface VillageRow {
  region_id: number;
  name: string;
  missing_initial: boolean;
  overdue: boolean;
  reports: number;
  latest_kind: string | null;
  latest_at: string | null;
  figures: Record<Figure, number | string> | null;
  changes: Record<Figure, number | string> | null;
}

interface RegionRow {
  region_id: number;
  name: string;
  level: string;
  villages: number;
  reported: number;
  missing_initial: number;
  figures: Record<Figure, number | string>;
}

interface Summary {
  event_id: string;
  name: string;
  kind: string;
  status: string;
  opened_at: string;
  initial_due_at: string;
  overdue: boolean;
  villages: VillageRow[];
  regions: RegionRow[];
}

// The figures a duty officer reads first; the rest are in the export.
const SHOWN: Figure[] = ["affected", "dead", "missing", "injured", "evacuated", "resettled", "houses_collapsed", "houses_severe", "houses_light", "crops_affected_ha", "crops_lost_ha", "loss_10k_yuan"];

function delta(v: number | string | undefined): string {
  const n = Number(v ?? 0);
  if (!n) return "";
  const text = typeof v === "string" ? Math.abs(n).toFixed(2) : String(Math.abs(n));
  return `${n > 0 ? "+" : "−"}${text}`;
}

function figureList(figures: Record<Figure, number | string>, changes?: Record<Figure, number | string> | null): HTMLElement {
  return h(
    "dl",
    { class: "dz-figs" },
    ...SHOWN.filter((f) => FIGURES.includes(f)).map((f) =>
      h(
        "div",
        {},
        h("dt", {}, t(`dz.f.${f}` as MessageKey)),
        h("dd", {}, String(figures[f]), changes && delta(changes[f]) ? h("span", { class: "dz-delta", "aria-label": t("dz.changed", { d: delta(changes[f]) }) }, `(${delta(changes[f])})`) : null),
      ),
    ),
  );
}

function regionCard(r: RegionRow): HTMLElement {
  return h(
    "li",
    { class: "card" },
    h("strong", { class: "card-title" }, `${r.name}${t("dz.total")}`),
    h("span", { class: "card-meta" }, t("dz.villagesReported", { n: r.reported, all: r.villages })),
    r.missing_initial ? h("span", { class: "dz-flag" }, t("dz.villagesMissing", { n: r.missing_initial })) : null,
    figureList(r.figures),
  );
}

function villageCard(v: VillageRow, overdue: boolean): HTMLElement {
  return h(
    "li",
    { class: `card${v.missing_initial ? " dz-missing" : ""}`, "data-village": v.name },
    h("strong", { class: "card-title" }, v.name),
    v.missing_initial
      ? h("span", { class: "dz-flag" }, t(overdue ? "dz.missingOverdue" : "dz.missing"))
      : h("span", { class: "dz-ok" }, `${t(`dz.rk.${v.latest_kind}` as MessageKey)} · ${formatDateTime(v.latest_at ?? "")}`),
    v.figures ? figureList(v.figures, v.changes) : null,
    v.figures && !v.changes ? h("span", { class: "hint" }, t("dz.firstReport")) : null,
  );
}

/** 结束灾害过程: asks first (no more reports can be filed), then closes it on the server. */
function closeButton(s: Summary, done: () => void, status: HTMLElement): HTMLButtonElement {
  const btn = h("button", { type: "button", class: "btn btn-danger btn-block", id: "dzd-close" }, t("dzd.close"));
  btn.addEventListener("click", () =>
    void once([btn], async () => {
      status.hidden = true;
      if (!isOnline()) {
        status.textContent = t("dzd.closeOffline");
        status.hidden = false;
        return;
      }
      const yes = await confirmStep({ title: t("dzd.closeTitle", { name: s.name }), body: t("dzd.closeBody"), confirm: t("dzd.closeYes"), danger: true });
      if (!yes) return;
      try {
        await api.post(`/api/v1/disaster-events/${encodeURIComponent(s.event_id)}/close`);
        done();
      } catch (err) {
        status.textContent = err instanceof ApiError ? problemSentence(err.problem) : t("dzd.closeNoAnswer");
        status.hidden = false;
      }
    }),
  );
  return btn;
}

export function renderDisasterDesk(eventId: string): HTMLElement {
  const status = h("p", { class: "notice", role: "status", hidden: true });
  const state = h("p", { class: "dzd-state", id: "dzd-state" });
  const closeSlot = h("div", { class: "dzd-close" });
  const head = h("p", { class: "hint" });
  const totals = h("ul", { class: "cards", "aria-label": t("dz.rollup") });
  const villages = h("ul", { class: "cards", "aria-label": t("dz.villages") });
  const base = `/api/v1/disaster-events/${encodeURIComponent(eventId)}`;
  const exports = h(
    "div",
    { class: "dz-exports" },
    h("a", { class: "btn btn-secondary", href: `${base}/reports.xlsx`, download: "" }, t("dz.exportXlsx")),
    h("a", { class: "btn btn-secondary", href: `${base}/reports.csv`, download: "" }, t("dz.exportCsv")),
  );
  const section = h(
    "section",
    { class: "screen", "aria-labelledby": "dzd-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("dzd-title", t("dz.deskTitle")),
      head,
      state,
      status,
      h("h2", {}, t("dz.rollup")),
      totals,
      h("h2", {}, t("dz.villages")),
      villages,
      exports,
      closeSlot,
    ),
  );
  const load = async () => {
    try {
      const s = await api.get<Summary>(`${base}/summary`);
      head.textContent = `${kindLabel(s.kind)} · ${s.name} · ${t(s.overdue ? "dz.dueWas" : "dz.dueBy", { time: formatDateTime(s.initial_due_at) })}${s.status === "closed" ? ` · ${t("dz.closedWord")}` : ""}`;
      totals.replaceChildren(...s.regions.map(regionCard));
      // Missing initial reports first: that is who the desk must chase.
      const rows = [...s.villages].sort((a, b) => Number(b.missing_initial) - Number(a.missing_initial));
      villages.replaceChildren(...rows.map((v) => villageCard(v, s.overdue)));
      const open = s.status === "open";
      state.className = `dzd-state ${open ? "dzd-open" : "dzd-closed"}`;
      state.textContent = t(open ? "dzd.stateOpen" : "dzd.stateClosed");
      closeSlot.replaceChildren(...(open ? [closeButton(s, () => void load(), status)] : []));
    } catch (err) {
      status.textContent = t(err instanceof OfflineError ? "dz.deskOffline" : "dz.loadFailed");
      status.hidden = false;
    }
  };
  void load();
  return section;
}
