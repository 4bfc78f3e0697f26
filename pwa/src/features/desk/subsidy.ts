// 补贴表 (/desk/subsidy): the desk views a month's subsidy report (its own townships' lines, the
// state in words: draft or locked) and downloads it as XLSX or CSV. Online only: read fresh,
// never kept or queued. Computing and locking stay with the county's API for now.
import { api, ApiError, OfflineError } from "../../api";
import { toApiError } from "../../api/client";
import { h } from "../../shared/dom";
import { once } from "../../shared/guard";
import { screenHead } from "../../shared/ui";
import { describeProblem } from "../../i18n/problem";
import { t } from "../../i18n";
import { downloadName } from "./stats-model";
import { exportPath, recentMonths, reportPath, type SubsidyReport } from "./subsidy-model";

function table(id: string, caption: string, head: string[], rows: string[][]): HTMLElement {
  return h(
    "div",
    { class: "stats-scroll", tabindex: "0", role: "region", "aria-label": caption },
    h(
      "table",
      { class: "stats-table", id },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, ...head.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, ...rows.map((r) => h("tr", {}, h("th", { scope: "row" }, r[0]), ...r.slice(1).map((c) => h("td", { class: "num" }, c))))),
    ),
  );
}

export function renderSubsidy(): HTMLElement {
  let month = recentMonths()[1] ?? recentMonths()[0];
  let ticket = 0;
  const select = h("select", { id: "subsidy-month", class: "stats-select" }, ...recentMonths().map((m) => h("option", { value: m, selected: m === month }, m)));
  const status = h("p", { class: "hint", id: "subsidy-status", role: "status" });
  const result = h("div", { id: "subsidy-result" });
  const saved = h("p", { class: "hint", id: "subsidy-download-status", role: "status" });
  const xlsx = h("button", { type: "button", class: "btn btn-secondary", id: "subsidy-xlsx", disabled: true }, t("subsidy.xlsx"));
  const csv = h("button", { type: "button", class: "btn btn-secondary", id: "subsidy-csv", disabled: true }, t("subsidy.csv"));

  function refusal(err: unknown): string {
    if (err instanceof OfflineError) return t("stats.notLoaded");
    return describeProblem(err instanceof ApiError ? err.problem : undefined).message;
  }

  async function download(format: "xlsx" | "csv"): Promise<void> {
    saved.textContent = t("stats.downloading");
    try {
      const res = await api.fetch(exportPath(month, format));
      if (!res.ok) throw await toApiError(res);
      const url = URL.createObjectURL(await res.blob());
      const a = h("a", { href: url, download: downloadName(res.headers.get("Content-Disposition"), `subsidy-${month}.${format}`), hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      saved.textContent = t("stats.downloaded");
    } catch (err) {
      saved.textContent = refusal(err);
    }
  }
  xlsx.addEventListener("click", () => void once([xlsx], () => download("xlsx")));
  csv.addEventListener("click", () => void once([csv], () => download("csv")));

  function show(r: SubsidyReport): void {
    // The state in words (草稿 / 已锁定), not by a colour.
    const state = h("p", { class: `notice subsidy-${r.state}`, id: "subsidy-state" }, t(r.state === "locked" ? "subsidy.locked" : "subsidy.draft"));
    const towns = r.townships.map((x) => [x.township_name, String(x.members), x.hours, x.amount, x.adjustment_amount]);
    towns.push([t("stats.total"), String(r.total.members), r.total.hours, r.total.amount, r.total.adjustment_amount]);
    const lines = r.lines.map((x) => [x.name, x.team_name ?? "", x.township_name, x.kind === "adjustment" ? `${t("subsidy.adjustment")} ${x.day ?? ""}` : t("subsidy.month"), x.hours, x.amount]);
    result.replaceChildren(
      state,
      table("subsidy-towns", t("subsidy.townsCaption"), [t("subsidy.col.township"), t("subsidy.col.members"), t("subsidy.col.hours"), t("subsidy.col.amount"), t("subsidy.col.adjustment")], towns),
      lines.length
        ? table("subsidy-lines", t("subsidy.linesCaption"), [t("subsidy.col.name"), t("subsidy.col.team"), t("subsidy.col.township"), t("subsidy.col.kind"), t("subsidy.col.hours"), t("subsidy.col.amount")], lines)
        : h("p", { class: "hint", id: "subsidy-none" }, t("subsidy.none")),
    );
  }

  async function load(): Promise<void> {
    const mine = ++ticket;
    xlsx.disabled = csv.disabled = true;
    status.textContent = t("stats.loading");
    result.replaceChildren();
    try {
      const r = await api.get<SubsidyReport>(reportPath(month));
      if (mine !== ticket) return;
      status.textContent = "";
      xlsx.disabled = csv.disabled = false;
      show(r);
    } catch (err) {
      if (mine !== ticket) return;
      const missing = err instanceof ApiError && err.problem?.status === 404;
      status.textContent = missing ? t("subsidy.notComputed") : refusal(err);
    }
  }
  select.addEventListener("change", () => {
    month = select.value;
    void load();
  });

  const section = h(
    "section",
    { class: "screen screen-wide screen-stats", "aria-labelledby": "subsidy-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("subsidy-title", t("subsidy.title")),
      h("div", { class: "field" }, h("label", { for: "subsidy-month" }, t("subsidy.monthLabel")), select),
      status,
      result,
      h("div", { class: "stats-downloads" }, xlsx, csv),
      saved,
    ),
  );
  void load();
  return section;
}
