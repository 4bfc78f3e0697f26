// 隐患台账 (/desk/reports): the desk's hazard list, filtered by state, category, colour, region,
// responsible unit and overdue, newest first, 50 a page ("more" asks for the next by its cursor).
// The filters live in the page's URL (replaced, not pushed, as they change), so Back from a report
// lands on the same list; the list itself is the server's, asked for each time (online only).
import { api, ApiError, OfflineError } from "../../api";
import { h } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { once } from "../../shared/guard";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { problemSentence } from "../../i18n/problem";
import { CATEGORIES, COLOURS, STATUSES, hasFilters, isOverdue, listPath, pageQuery, readFilters, type DeskReport, type Filters, type ReportPage } from "./reports-model";

interface Region {
  id: number;
  parent_id: number | null;
  name: string;
  level: string;
}

const word = (key: string): string => t(key as MessageKey);

/** Regions in tree order, each under its parent, indented by depth in the select. */
function treeOrder(regions: Region[]): { region: Region; depth: number }[] {
  const byParent = new Map<number | null, Region[]>();
  const ids = new Set(regions.map((r) => r.id));
  for (const r of regions) {
    const parent = r.parent_id !== null && ids.has(r.parent_id) ? r.parent_id : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), r]);
  }
  const out: { region: Region; depth: number }[] = [];
  const walk = (parent: number | null, depth: number) => {
    for (const r of byParent.get(parent) ?? []) {
      out.push({ region: r, depth });
      walk(r.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

function select(id: string, label: MessageKey, options: [string, string][], value: string, onChange: (v: string) => void): HTMLElement {
  const el = h("select", { id, class: "dr-select" }, ...options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
  el.value = value;
  el.addEventListener("change", () => onChange(el.value));
  return h("div", { class: "field dr-field" }, h("label", { for: id }, t(label)), el);
}

export function renderDeskReports(params: URLSearchParams): HTMLElement {
  const filters: Filters = readFilters(params);
  let regionNames = new Map<number, string>();
  let shown: DeskReport[] = [];
  let cursor: string | null = null;
  let ticket = 0;

  const status = h("p", { class: "hint dr-status", id: "dr-status", role: "status", "aria-live": "polite" });
  const refused = h("div", { id: "dr-refused" });
  const list = h("ul", { class: "cards dr-list", id: "dr-list" });
  const more = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "dr-more", hidden: true }, t("dr.more"));
  const clear = h("button", { type: "button", class: "btn btn-secondary", id: "dr-clear", hidden: !hasFilters(filters) }, t("dr.clear"));
  const regionSlot = h("div", { class: "dr-region-slot" });
  const summaryText = h("span", { class: "dr-summary-text", id: "dr-summary-text" });
  const summary = h("summary", { class: "dr-summary" }, h("strong", {}, t("dr.filters")), summaryText);

  function row(r: DeskReport): HTMLElement {
    const late = isOverdue(r);
    const sev = r.severity;
    const where = regionNames.get(r.region_id);
    return h(
      "li",
      {},
      h(
        "button",
        { type: "button", class: `card card-btn dr-row${late ? " tone-border-bad" : ""}`, "data-report": r.id, "data-status": r.status, onclick: () => navigate(`/reports/${r.id}`) },
        h(
          "span",
          { class: "card-top" },
          h("span", { class: "card-title" }, word(`cat.${r.category}`)),
          h(
            "span",
            { class: "sev-word dr-sev", "data-severity": sev ?? "none" },
            sev ? h("span", { class: `swatch sev-${sev}`, "aria-hidden": "true" }) : null,
            sev ? word(`sev.${sev}`) : t("dr.unrated"),
          ),
        ),
        h("span", { class: "dr-desc" }, r.description.length > 60 ? `${r.description.slice(0, 60)}…` : r.description),
        h(
          "span",
          { class: "dr-states" },
          h("span", { class: `tone ${r.status === "closed" ? "tone-done" : r.status === "rejected" ? "tone-none" : "tone-ok"}` }, word(`report.status.${r.status}`)),
          late ? h("span", { class: "tone tone-bad", "data-overdue": "true" }, t("dr.overdue")) : null,
        ),
        h(
          "span",
          { class: "card-meta" },
          [where ?? "", r.responsible_unit ?? "", r.deadline_at && r.status !== "closed" ? t("dr.deadline", { time: formatDateTime(r.deadline_at) }) : ""].filter(Boolean).join(" · "),
        ),
        h("span", { class: "card-meta" }, t("dr.reportedAt", { time: formatDateTime(r.reported_at) })),
      ),
    );
  }

  function counted(page: ReportPage): string {
    if (!shown.length) return hasFilters(filters) ? t("dr.noneFiltered") : t("dr.none");
    const n = page.total_capped ? t("dr.totalCapped", { n: page.total }) : t("dr.total", { n: page.total });
    return cursor ? `${n} ${t("dr.shown", { n: shown.length })}` : n;
  }

  async function fetchPage(after: string | null): Promise<void> {
    const mine = ++ticket;
    if (!after) {
      shown = [];
      list.replaceChildren();
      more.hidden = true;
    }
    status.textContent = t("dr.loading");
    refused.replaceChildren();
    try {
      const page = await api.get<ReportPage>(listPath(filters, after));
      if (mine !== ticket || !section.isConnected) return;
      shown = after ? [...shown, ...page.items] : page.items;
      cursor = page.next_cursor ?? null;
      list.append(...page.items.map(row));
      more.hidden = !cursor;
      status.textContent = counted(page);
    } catch (err) {
      if (mine !== ticket || !section.isConnected) return;
      status.textContent = "";
      // In our words, by the problem's type; never the server's own detail text.
      const text = err instanceof OfflineError ? t("dr.offline") : err instanceof ApiError ? problemSentence(err.problem) : t("dr.offline");
      refused.replaceChildren(h("p", { class: "notice notice-error", role: "alert", "data-problem": err instanceof ApiError ? (err.problem?.type ?? "none") : "offline" }, text));
    }
  }

  /** What is chosen, in words, on the folded filters' line: the list stays in view on a phone. */
  function describe(): string {
    const parts = [
      filters.status === "open" ? t("dr.openOnly") : filters.status ? word(`report.status.${filters.status}`) : "",
      filters.category ? word(`cat.${filters.category}`) : "",
      filters.colours.map((c) => word(`sev.${c}`)).join("、"),
      filters.region ? (regionNames.get(Number(filters.region)) ?? t("dr.f.region")) : "",
      filters.unit,
      filters.overdue === "true" ? t("dr.overdueOnly") : filters.overdue === "false" ? t("dr.notOverdue") : "",
    ].filter(Boolean);
    return parts.length ? parts.join(" · ") : t("dr.noFilters");
  }

  function paintSummary(): void {
    summaryText.textContent = describe();
    summary.dataset.active = String(hasFilters(filters));
  }

  /** A filter changed: the URL says so (replaced: Back leaves the list, not the last filter), then page one. */
  function changed(): void {
    history.replaceState(history.state, "", `/desk/reports${pageQuery(filters)}`);
    clear.hidden = !hasFilters(filters);
    paintSummary();
    void fetchPage(null);
  }

  const statusSelect = select(
    "dr-f-status",
    "dr.f.status",
    [["", t("dr.any")], ["open", t("dr.openOnly")], ...STATUSES.map((s): [string, string] => [s, word(`report.status.${s}`)])],
    filters.status,
    (v) => {
      filters.status = v;
      changed();
    },
  );
  const categorySelect = select("dr-f-category", "dr.f.category", [["", t("dr.any")], ...CATEGORIES.map((c): [string, string] => [c, word(`cat.${c}`)])], filters.category, (v) => {
    filters.category = v;
    changed();
  });
  const overdueSelect = select(
    "dr-f-overdue",
    "dr.f.overdue",
    [
      ["", t("dr.any")],
      ["true", t("dr.overdueOnly")],
      ["false", t("dr.notOverdue")],
    ],
    filters.overdue,
    (v) => {
      filters.overdue = v as Filters["overdue"];
      changed();
    },
  );
  // Colours: several at once, each chip its colour and its word.
  const colourChips = h(
    "fieldset",
    { class: "chips dr-colours" },
    h("legend", {}, t("dr.f.colour")),
    h(
      "div",
      { class: "chip-row" },
      ...COLOURS.map((c) => {
        const input = h("input", { type: "checkbox", name: "dr-colour", value: c, class: "visually-hidden", checked: filters.colours.includes(c) });
        input.addEventListener("change", () => {
          const on = new Set(filters.colours);
          if (input.checked) on.add(c);
          else on.delete(c);
          filters.colours = COLOURS.filter((x) => on.has(x));
          changed();
        });
        return h("label", { class: "chip", "data-colour": c }, input, h("span", { class: "chip-face" }, h("span", { class: `swatch sev-${c}`, "aria-hidden": "true" }), word(`sev.${c}`)));
      }),
    ),
  );
  const unitInput = h("input", { id: "dr-f-unit", type: "text", value: filters.unit, maxlength: 100, autocomplete: "off", enterkeyhint: "search", class: "dr-unit" });
  const unitApply = h("button", { type: "submit", class: "btn btn-secondary", id: "dr-unit-apply" }, t("dr.apply"));
  const unitForm = h(
    "form",
    {
      class: "field dr-field dr-unit-form",
      role: "search",
      novalidate: true,
      onsubmit: (e: Event) => {
        e.preventDefault();
        const v = unitInput.value.trim().slice(0, 100);
        if (v === filters.unit) return;
        filters.unit = v;
        changed();
      },
    },
    h("label", { for: "dr-f-unit" }, t("dr.f.unit")),
    h("div", { class: "dr-unit-row" }, unitInput, unitApply),
  );

  clear.addEventListener("click", () => {
    navigate("/desk/reports", true);
  });
  more.addEventListener("click", () => void once([more], () => fetchPage(cursor)));

  async function loadRegions(): Promise<void> {
    try {
      const { items } = await api.get<{ items: Region[] }>("/api/v1/regions");
      if (!section.isConnected) return;
      regionNames = new Map(items.map((r) => [r.id, r.name]));
      const options: [string, string][] = [["", t("dr.allRegions")], ...treeOrder(items).map(({ region, depth }): [string, string] => [String(region.id), `${"\u3000".repeat(depth)}${region.name}`])];
      const gone = filters.region && !regionNames.has(Number(filters.region));
      regionSlot.replaceChildren(
        select("dr-f-region", "dr.f.region", options, filters.region, (v) => {
          filters.region = v;
          changed();
        }),
      );
      // A region from an old link, outside this desk's area: the whole area instead.
      if (gone) {
        filters.region = "";
        (regionSlot.querySelector("select") as HTMLSelectElement).value = "";
        changed();
        return;
      }
      // Rows (and the summary) drawn before the names came: again, with their places.
      paintSummary();
      list.replaceChildren(...shown.map(row));
    } catch {
      // Without the regions the list still works; the region filter waits for a signal.
    }
  }

  const section = h(
    "section",
    { class: "screen screen-wide screen-desk-reports", "aria-labelledby": "dr-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("dr-title", t("dr.title")),
      h(
        "details",
        { class: "dr-filter-box", id: "dr-filter-box" },
        summary,
        h("div", { class: "dr-filters", role: "group", "aria-label": t("dr.filters") }, statusSelect, categorySelect, regionSlot, overdueSelect, colourChips, unitForm, clear),
      ),
      status,
      refused,
      list,
      more,
    ),
  );
  paintSummary();
  void loadRegions();
  void fetchPage(null);
  return section;
}
