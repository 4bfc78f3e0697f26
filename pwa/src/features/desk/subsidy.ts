// 补贴表 (/desk/subsidy): the desk views a month's subsidy report (its own townships' lines, hours
// by weight class, amounts, caps applied, adjustments of earlier locked months; the state in
// words: draft or locked) and downloads it as XLSX or CSV. The county administrator also
// computes the draft (again) and locks it, quoting the digest of the draft on the screen; a
// lock refused because records moved computes the draft again for another review. Online
// only: read fresh, never kept or queued; offline the buttons are disabled and say why.
import "./subsidy.css";
import { api, ApiError, OfflineError, type User } from "../../api";
import { toApiError } from "../../api/client";
import { h } from "../../shared/dom";
import { once } from "../../shared/guard";
import { confirmStep } from "../../shared/confirm";
import { isOnline, onNetworkChange } from "../../shared/network";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { describeProblem } from "../../i18n/problem";
import { formatDateTime, t } from "../../i18n";
import { downloadName } from "./stats-model";
import { canManage, capApplied, computePath, exportPath, lockPath, recentMonths, reportPath, type SubsidyLine, type SubsidyReport } from "./subsidy-model";

// On a phone each row is a card (subsidy.css): its first cell the title, every figure on its own
// line named by its column, so the last column is never off to the side at 390 px.
function table(id: string, caption: string, head: string[], rows: string[][]): HTMLElement {
  return h(
    "div",
    { class: "stats-scroll subsidy-cards-wrap", tabindex: "0", role: "region", "aria-label": caption },
    h(
      "table",
      { class: "stats-table subsidy-cards", id },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, ...head.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, ...rows.map((r) => h("tr", {}, h("th", { scope: "row" }, r[0]), ...r.slice(1).map((c, i) => h("td", { class: "num", "data-label": head[i + 1] }, c))))),
    ),
  );
}

function kindWords(x: SubsidyLine): string {
  return x.kind === "adjustment" ? t("subsidy.adjustmentOf", { month: x.for_month, day: x.day ?? "" }) : t("subsidy.month");
}

export function renderSubsidy(user: User): HTMLElement {
  const manager = canManage(user.role);
  let month = recentMonths()[1] ?? recentMonths()[0];
  let ticket = 0;
  let shown: SubsidyReport | null = null;
  let missing = false; // not computed yet
  const select = h("select", { id: "subsidy-month", class: "stats-select" }, ...recentMonths().map((m) => h("option", { value: m, selected: m === month }, m)));
  const status = h("p", { class: "hint", id: "subsidy-status", role: "status" });
  const result = h("div", { id: "subsidy-result" });
  const saved = h("p", { class: "hint", id: "subsidy-download-status", role: "status" });
  const xlsx = h("button", { type: "button", class: "btn btn-secondary", id: "subsidy-xlsx", disabled: true }, t("subsidy.xlsx"));
  const csv = h("button", { type: "button", class: "btn btn-secondary", id: "subsidy-csv", disabled: true }, t("subsidy.csv"));
  // The administrator's two steps, in stable slots: a reload never replaces them.
  const compute = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "subsidy-compute", hidden: true }, t("subsidy.compute"));
  const lock = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "subsidy-lock", hidden: true }, t("subsidy.lock"));
  const manageWhy = h("p", { class: "hint", id: "subsidy-manage-why" });
  const manageSaid = h("p", { class: "notice", id: "subsidy-manage-status", role: "status", hidden: true });
  const manage = h("div", { class: "form-actions subsidy-manage" }, manageSaid, manageWhy, compute, lock);

  function refusal(err: unknown): string {
    if (err instanceof OfflineError) return t("stats.notLoaded");
    return describeProblem(err instanceof ApiError ? err.problem : undefined).message;
  }

  function say(text: string): void {
    manageSaid.textContent = text;
    manageSaid.hidden = !text;
  }

  function paintManage(): void {
    if (!manager) return;
    const online = isOnline();
    const locked = shown?.state === "locked";
    const known = shown !== null || missing;
    compute.hidden = !known || locked;
    compute.textContent = shown ? t("subsidy.recompute") : t("subsidy.compute");
    lock.hidden = !shown || locked;
    for (const b of [compute, lock]) if (b.dataset.busy !== "true") b.disabled = !online;
    manageWhy.textContent = online || locked || !known ? "" : t("subsidy.offlineManage");
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
    shown = r;
    missing = false;
    xlsx.disabled = csv.disabled = false;
    // The state in words (草稿 / 已锁定), not by a colour.
    const stateText = r.state === "locked" ? t("subsidy.locked") : t("subsidy.draft");
    const when = r.state === "locked" && r.locked_at ? t("subsidy.lockedAt", { time: formatDateTime(r.locked_at) }) : t("subsidy.computedAt", { time: formatDateTime(r.computed_at) });
    const state = h("p", { class: `notice subsidy-${r.state}`, id: "subsidy-state" }, stateText);
    const towns = r.townships.map((x) => [x.township_name, String(x.members), x.hours, x.amount, x.adjustment_amount]);
    towns.push([t("stats.total"), String(r.total.members), r.total.hours, r.total.amount, r.total.adjustment_amount]);
    // Each person's line as a card: nine columns never fit a phone's width.
    const lines = r.lines.map((x) => {
      const capped = capApplied(x, r.rule);
      return h(
        "li",
        { class: `card subsidy-line subsidy-line-${x.kind}`, "data-member": x.member_id },
        h("p", { class: "subsidy-line-head" }, h("strong", {}, x.name), h("span", { class: "subsidy-line-kind" }, kindWords(x))),
        h("p", { class: "hint" }, [x.team_name, x.township_name].filter(Boolean).join(" · ")),
        h(
          "dl",
          { class: "subsidy-rule" },
          h("dt", {}, t("subsidy.col.normal")),
          h("dd", {}, x.hours_normal),
          h("dt", {}, t("subsidy.col.heavy")),
          h("dd", {}, x.hours_heavy),
          h("dt", {}, t("subsidy.col.severe")),
          h("dd", {}, x.hours_severe),
          h("dt", {}, t("subsidy.col.hours")),
          h("dd", {}, x.hours),
          h("dt", {}, t("subsidy.col.amount")),
          h("dd", { class: "subsidy-line-amount" }, h("strong", {}, x.amount), capped ? t("subsidy.capped") : ""),
        ),
      );
    });
    result.replaceChildren(
      state,
      h("p", { class: "hint", id: "subsidy-when" }, when),
      table("subsidy-towns", t("subsidy.townsCaption"), [t("subsidy.col.township"), t("subsidy.col.members"), t("subsidy.col.hours"), t("subsidy.col.amount"), t("subsidy.col.adjustment")], towns),
      lines.length ? h("h2", { class: "subsidy-lines-title" }, t("subsidy.linesCaption")) : "",
      lines.length
        ? h("ul", { class: "subsidy-lines", id: "subsidy-lines", "aria-label": t("subsidy.linesCaption") }, ...lines)
        : h("p", { class: "hint", id: "subsidy-none" }, t("subsidy.none")),
    );
    paintManage();
  }

  async function load(): Promise<void> {
    const mine = ++ticket;
    shown = null;
    missing = false;
    xlsx.disabled = csv.disabled = true;
    status.textContent = t("stats.loading");
    result.replaceChildren();
    paintManage();
    try {
      const r = await api.get<SubsidyReport>(reportPath(month));
      if (mine !== ticket) return;
      status.textContent = "";
      show(r);
    } catch (err) {
      if (mine !== ticket) return;
      missing = err instanceof ApiError && err.problem?.status === 404;
      status.textContent = missing ? t("subsidy.notComputed") : refusal(err);
      paintManage();
    }
  }
  select.addEventListener("change", () => {
    month = select.value;
    say("");
    void load();
  });

  async function recompute(): Promise<void> {
    const mine = ++ticket;
    status.textContent = t("subsidy.computing");
    const r = await api.post<SubsidyReport>(computePath(month), {});
    if (mine !== ticket) return;
    status.textContent = "";
    show(r);
  }

  compute.addEventListener("click", () =>
    void once([compute, lock], async () => {
      say("");
      try {
        await recompute();
      } catch (err) {
        status.textContent = "";
        say(refusal(err));
      }
    }),
  );

  lock.addEventListener("click", () =>
    void once([compute, lock], async () => {
      const draft = shown;
      if (!draft || draft.state !== "draft") return;
      say("");
      const yes = await confirmStep({ title: t("subsidy.lockTitle", { month: draft.month }), body: t("subsidy.lockBody"), confirm: t("subsidy.lockConfirm"), danger: true });
      if (!yes) return;
      status.textContent = t("subsidy.locking");
      try {
        // The digest of what is on the screen: the server refuses a draft that moved since.
        const r = await api.post<SubsidyReport>(lockPath(draft.month), { digest: draft.digest });
        status.textContent = "";
        show(r);
      } catch (err) {
        status.textContent = "";
        if (err instanceof ApiError && err.problem?.type?.endsWith("/report-changed")) {
          try {
            await recompute();
            say(t("subsidy.changed"));
          } catch (again) {
            say(refusal(again));
          }
          return;
        }
        say(refusal(err));
      }
    }),
  );

  const section = h(
    "section",
    { class: "screen screen-wide screen-stats", "aria-labelledby": "subsidy-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("subsidy-title", t("subsidy.title")),
      h(
        "div",
        { class: "stats-downloads" },
        h("button", { type: "button", class: "btn btn-secondary", id: "subsidy-rules-link", onclick: () => navigate("/desk/subsidy/rules") }, t("subsidy.rulesOpen")),
        h("button", { type: "button", class: "btn btn-secondary", id: "subsidy-claims-link", onclick: () => navigate("/desk/claims") }, t("subsidy.claimsOpen")),
      ),
      h("div", { class: "field" }, h("label", { for: "subsidy-month" }, t("subsidy.monthLabel")), select),
      status,
      result,
      h("div", { class: "stats-downloads" }, xlsx, csv),
      saved,
      manager ? manage : h("p", { class: "hint", id: "subsidy-read-only" }, t("subsidy.readOnly")),
    ),
  );
  const stop = onNetworkChange(() => {
    if (!section.isConnected) return stop();
    paintManage();
  });
  void load();
  return section;
}
