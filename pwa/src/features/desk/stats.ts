// 隐患统计 (/desk/stats): the desk's hazard figures for a region of its area and a period (this
// month, last month, this year, or days it picks), each region below summed over its villages,
// with the rectification and on-time rates as percentages, broken down by category, risk colour
// (its word beside it) or responsible unit; and the 台账 ledger and the table as files. Online
// only: figures are read fresh, never kept or queued.
import { api, ApiError, OfflineError } from "../../api";
import { toApiError } from "../../api/client";
import { h, whileAttached } from "../../shared/dom";
import { once } from "../../shared/guard";
import { screenHead } from "../../shared/ui";
import { isOnline, onNetworkChange } from "../../shared/network";
import { describeProblem } from "../../i18n/problem";
import { t, type MessageKey } from "../../i18n";
import { BYS, chinaToday, downloadName, ledgerPath, percent, periodFor, PERIODS, previousDay, statsPath, statsXlsxPath, type By, type Figures, type Group, type Period, type PeriodKind, type Stats } from "./stats-model";

interface RegionRow {
  id: number;
  name: string;
  level: string;
  parent_id: number | null;
}

const COUNT_COLUMNS = ["reported", "verified", "closed", "closed_on_time", "overdue"] as const;
const RATE_COLUMNS = ["rectification_rate", "on_time_rate"] as const;

function radios<T extends string>(name: string, legend: string, values: readonly T[], label: (v: T) => string, checked: T, onPick: (v: T) => void): HTMLElement {
  return h(
    "fieldset",
    { class: "chips" },
    h("legend", {}, legend),
    h(
      "div",
      { class: "chip-row" },
      ...values.map((v) => {
        const input = h("input", { type: "radio", name, value: v, id: `${name}-${v}`, class: "visually-hidden", checked: v === checked });
        input.addEventListener("change", () => input.checked && onPick(v));
        return h("label", { class: "chip" }, input, h("span", { class: "chip-face" }, label(v)));
      }),
    ),
  );
}

/** A group's name in words: the category, the colour's word beside its swatch, or the unit. */
function groupLabel(by: By, key: string | null): HTMLElement {
  if (by === "severity") {
    if (!key) return h("span", {}, t("stats.ungraded"));
    return h("span", { class: "sev-word" }, h("span", { class: `swatch sev-${key}`, "aria-hidden": "true" }), t(`sev.${key}` as MessageKey));
  }
  if (by === "category") return h("span", {}, key ? t(`cat.${key}` as MessageKey) : t("stats.ungraded"));
  return h("span", {}, key ?? t("stats.unassigned"));
}

function figureCells(f: Figures): HTMLElement[] {
  const counts = COUNT_COLUMNS.map((c) => h("td", { class: "num", "data-col": c }, String(f[c])));
  const rates = RATE_COLUMNS.map((c) => {
    const text = percent(f[c]);
    return h("td", { class: "num", "data-col": c, title: text ? null : t("stats.noRate") }, text ?? "—");
  });
  return [...counts, ...rates];
}

function table(id: string, caption: string, head: string, rows: { label: HTMLElement | string; f: Figures; total?: boolean }[]): HTMLElement {
  const headRow = h("tr", {}, h("th", { scope: "col" }, head), ...[...COUNT_COLUMNS, ...RATE_COLUMNS].map((c) => h("th", { scope: "col", class: "num" }, t(`stats.col.${c}` as MessageKey))));
  const body = rows.map((r) => h("tr", { class: r.total ? "stats-total" : null }, h("th", { scope: "row" }, r.label), ...figureCells(r.f)));
  // The table scrolls inside its frame at 320–390 px; the page itself never scrolls sideways.
  return h("div", { class: "stats-scroll", tabindex: "0", role: "region", "aria-label": caption }, h("table", { class: "stats-table", id }, h("caption", {}, caption), h("thead", {}, headRow), h("tbody", {}, ...body)));
}

export function renderStats(): HTMLElement {
  let kind: PeriodKind = "month";
  let by: By = "category";
  let region: number | null = null;
  let ticket = 0;

  const regionSelect = h("select", { id: "stats-region", class: "stats-select" });
  const first = h("input", { type: "date", id: "stats-first", min: "2000-01-01", max: "2100-12-31" });
  const last = h("input", { type: "date", id: "stats-last", min: "2000-01-01", max: "2100-12-31" });
  const custom = h(
    "div",
    { class: "stats-custom", id: "stats-custom", hidden: true },
    h("div", { class: "field" }, h("label", { for: "stats-first" }, t("stats.first")), first),
    h("div", { class: "field" }, h("label", { for: "stats-last" }, t("stats.last")), last),
  );
  const offline = h("p", { class: "notice notice-warn", id: "stats-offline", role: "status", hidden: isOnline() }, t("stats.offline"));
  const status = h("p", { class: "hint", id: "stats-status", role: "status" });
  const refused = h("div", { id: "stats-refused" });
  const result = h("div", { id: "stats-result" });
  const button = (id: string, label: string) => h("button", { type: "button", class: "btn btn-secondary", id }, label);
  const ledgerXlsx = button("stats-ledger-xlsx", t("stats.ledgerXlsx"));
  const ledgerCsv = button("stats-ledger-csv", t("stats.ledgerCsv"));
  const tableXlsx = button("stats-table-xlsx", t("stats.tableXlsx"));
  const buttons = [ledgerXlsx, ledgerCsv, tableXlsx];
  const saved = h("p", { class: "hint", id: "stats-download-status", role: "status" });

  function period(): Period | null {
    const p = periodFor(kind, new Date(), first.value, last.value);
    if (typeof p === "string") {
      status.textContent = t(`stats.period.${p}` as MessageKey);
      return null;
    }
    return p;
  }

  function setLinks(p: Period | null): void {
    // Without a period or a network there is nothing to download, and the buttons say so by being off.
    for (const b of buttons) if (b.dataset.busy !== "true") b.disabled = !p || !isOnline();
  }

  /** The file, fetched with the session (a refused one is said in words, never shown raw), then
   * handed to the browser to save under the server's Chinese name. */
  async function download(path: string, fallback: string): Promise<void> {
    saved.textContent = t("stats.downloading");
    try {
      const res = await api.fetch(path);
      if (!res.ok) throw await toApiError(res);
      const url = URL.createObjectURL(await res.blob());
      const a = h("a", { href: url, download: downloadName(res.headers.get("Content-Disposition"), fallback), hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      saved.textContent = t("stats.downloaded");
    } catch (err) {
      saved.textContent = err instanceof OfflineError ? t("stats.notLoaded") : describeProblem(err instanceof ApiError ? err.problem : undefined).message;
    }
  }

  const files: [HTMLButtonElement, (p: Period) => string, string][] = [
    [ledgerXlsx, (p) => ledgerPath(region, p, "xlsx"), "ledger.xlsx"],
    [ledgerCsv, (p) => ledgerPath(region, p, "csv"), "ledger.csv"],
    [tableXlsx, (p) => statsXlsxPath(region, p, by), "stats.xlsx"],
  ];
  for (const [b, path, fallback] of files) {
    b.addEventListener("click", () => {
      const p = period();
      if (p) void once([b], () => download(path(p), fallback));
    });
  }

  function show(s: Stats): void {
    const lastDay = previousDay(s.to);
    status.textContent = t("stats.showing", { region: s.region.name, from: s.from, last: lastDay });
    const lines = s.regions.map((r) => ({ label: r.own && s.regions.length > 1 ? t("stats.own", { name: r.name }) : r.name, f: r as Figures }));
    const byName = t(`stats.by.${s.by}` as MessageKey);
    result.replaceChildren(
      h("p", { class: "hint stats-swipe" }, t("stats.swipe")),
      table("stats-regions", t("stats.regionsCaption"), t("stats.col.region"), [...lines, { label: t("stats.total"), f: s.total, total: true }]),
      h("h2", {}, t("stats.breakdown", { by: byName })),
      s.total.groups.length
        ? table("stats-groups", t("stats.groupsCaption", { by: byName }), byName, s.total.groups.map((g: Group) => ({ label: groupLabel(s.by, g.key), f: g })))
        : h("p", { class: "hint", id: "stats-none" }, t("stats.none")),
      h("p", { class: "hint stats-legend" }, t("stats.legend")),
    );
  }

  async function load(): Promise<void> {
    // Every call takes a ticket, a refused period too: an answer still on its way for the
    // period before must not overwrite what is said about this one.
    const mine = ++ticket;
    refused.replaceChildren();
    const p = period();
    setLinks(p);
    if (!p) {
      result.replaceChildren();
      return;
    }
    status.textContent = t("stats.loading");
    try {
      const s = await api.get<Stats>(statsPath(region, p, by));
      if (mine !== ticket || !section.isConnected) return;
      offline.hidden = true;
      show(s);
    } catch (err) {
      if (mine !== ticket || !section.isConnected) return;
      if (err instanceof OfflineError) {
        offline.hidden = false;
        status.textContent = t("stats.notLoaded");
        return;
      }
      // The refusal in our words by its type and fields, never the server's own text.
      const d = describeProblem(err instanceof ApiError ? err.problem : undefined);
      status.textContent = "";
      refused.replaceChildren(h("div", { class: "notice notice-error", role: "alert" }, h("p", {}, d.message), ...Object.values(d.fields).map((f) => h("p", {}, f))));
    }
  }

  async function loadRegions(): Promise<void> {
    try {
      const page = await api.get<{ items: RegionRow[] }>("/api/v1/regions");
      const depth = new Map<number, number>();
      for (const r of page.items) depth.set(r.id, r.parent_id !== null && depth.has(r.parent_id) ? (depth.get(r.parent_id) ?? 0) + 1 : 0);
      regionSelect.replaceChildren(...page.items.map((r) => h("option", { value: String(r.id) }, `${"　".repeat(depth.get(r.id) ?? 0)}${r.name}`)));
      if (page.items[0]) region = page.items[0].id;
    } catch {
      regionSelect.replaceChildren(h("option", { value: "" }, t("stats.myRegion")));
    }
  }

  regionSelect.addEventListener("change", () => {
    region = regionSelect.value ? Number(regionSelect.value) : null;
    void load();
  });
  for (const input of [first, last]) input.addEventListener("change", () => void load());

  const section = h(
    "section",
    { class: "screen screen-wide screen-stats", "aria-labelledby": "stats-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("stats-title", t("stats.title")),
      offline,
      h("div", { class: "field" }, h("label", { for: "stats-region" }, t("stats.region")), regionSelect),
      radios("stats-period", t("stats.period"), PERIODS, (v) => t(`stats.p.${v}` as MessageKey), kind, (v) => {
        kind = v;
        custom.hidden = v !== "custom";
        if (v === "custom" && !first.value) {
          const { y, m, d } = chinaToday();
          const pad = (n: number) => String(n).padStart(2, "0");
          first.value = `${y}-${pad(m)}-01`;
          last.value = `${y}-${pad(m)}-${pad(d)}`;
        }
        void load();
      }),
      custom,
      radios("stats-by", t("stats.byLegend"), BYS, (v) => t(`stats.by.${v}` as MessageKey), by, (v) => {
        by = v;
        void load();
      }),
      status,
      refused,
      result,
      h("h2", {}, t("stats.downloads")),
      h("div", { class: "stats-downloads" }, ...buttons),
      saved,
      h("p", { class: "hint" }, t("stats.downloadsHint")),
    ),
  );
  whileAttached<boolean>(section, onNetworkChange, (online) => {
    offline.hidden = online;
    if (online) void load();
    else setLinks(null);
  });
  void loadRegions().then(load);
  return section;
}
