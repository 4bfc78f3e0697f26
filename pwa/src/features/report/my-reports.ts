// "My reports": what this phone knows of the user's reports, from the outbox (saved here, sending,
// refused and why) and from the server's feed (sent), one list, newest first, readable offline;
// with those assigned to the user to fix, and, for the desk, the latest reports of its area.
import { refusalView } from "../../shared/refusal";
import { h, whileAttached } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead, stateBadge } from "../../shared/ui";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { getMeta, type LocalRecord, type OpState, type OutboxOp } from "../../data/db";
import { listOps } from "../../data/outbox";
import { api } from "../../api";
import { isOnline } from "../../shared/network";
import { cachedMe } from "../auth/session";
import { MANAGE_ROLES } from "./steps";
import { listRecords } from "../../data/stores";
import { onDataChanged } from "../../data/events";

interface Row {
  rec: LocalRecord;
  state: OpState | null;
  op?: OutboxOp;
  assigned?: boolean;
}

const AREA_LIMIT = 30;
const newestFirst = (a: Row, b: Row) => String(b.rec.reported_at ?? b.rec.created_at ?? "").localeCompare(String(a.rec.reported_at ?? a.rec.created_at ?? ""));

async function load(): Promise<Row[]> {
  const [records, ops, userId] = await Promise.all([listRecords("reports"), listOps(), getMeta<string>("user_id")]);
  const byOp = new Map(ops.map((op) => [op.op_id, op]));
  const assigned = (r: LocalRecord) => !!userId && r.assignee_id === userId;
  return records
    .filter((r) => r._status !== "synced" || !userId || !r.reporter_id || r.reporter_id === userId || assigned(r))
    .map((rec) => {
      const op = rec._op_id ? byOp.get(rec._op_id) : undefined;
      const state: OpState = rec._status === "synced" ? "sent" : (op?.state ?? "waiting");
      return { rec, state, op, assigned: assigned(rec) };
    })
    .sort(newestFirst);
}

function row({ rec, state, op, assigned }: Row): HTMLElement {
  const cat = typeof rec.category === "string" ? t(`cat.${rec.category}` as MessageKey) : "";
  const sev = typeof rec.severity === "string" ? rec.severity : null;
  const media = Array.isArray(rec.media_ids) ? rec.media_ids.length : 0;
  const when = rec.reported_at ?? rec.created_at;
  return h(
    "li",
    { class: `card card-${state ?? "server"}`, "data-id": rec.id },
    // The card opens the report's detail (photos, where, the server's progress).
    h(
      "a",
      {
        class: "card-open",
        href: `/reports/${encodeURIComponent(String(rec.id))}`,
        "aria-label": t("rd.open", { what: [cat, String(rec.description ?? "")].filter(Boolean).join("：").slice(0, 60) }),
        onclick: (e: Event) => {
          e.preventDefault();
          navigate(`/reports/${encodeURIComponent(String(rec.id))}`);
        },
      },
    h(
      "div",
      { class: "card-top" },
      h("strong", { class: "card-title" }, cat),
      sev ? h("span", { class: "sev-word" }, h("span", { class: `swatch sev-${sev}`, "aria-hidden": "true" }), t(`sev.${sev}` as MessageKey)) : null,
      state ? stateBadge(state) : null,
    ),
    // Where the server has it in its life (received, verified, ...), once the server has it.
    rec._status === "synced" && typeof rec.status === "string"
      ? h("p", { class: "card-meta card-progress" }, t("reports.serverState", { state: t(`report.status.${rec.status}` as MessageKey) }), assigned ? ` · ${t("reports.assigned")}` : "")
      : null,
    h("p", { class: "card-text" }, String(rec.description ?? "")),
    h(
      "p",
      { class: "card-meta" },
      [when ? formatDateTime(String(when)) : "", typeof rec.people_at_risk === "number" ? t("reports.people", { n: rec.people_at_risk }) : "", media ? t("reports.photos", { n: media }) : ""]
        .filter(Boolean)
        .join(" · "),
    ),
    ),
    state === "refused" && op
      ? h(
          "div",
          { class: "card-refused" },
          refusalView(op.error),
          h("button", { type: "button", class: "btn btn-secondary", onclick: () => navigate("/outbox") }, t("reports.fix")),
        )
      : null,
  );
}

/** The desk's view of its area: the server's latest reports (any reporter), online; offline, the
 * ones this phone kept from opening them. */
function areaBlock(): { el: HTMLElement; refresh(mine: Set<string>): Promise<void> } {
  const list = h("ul", { class: "cards", id: "area-reports", "aria-labelledby": "area-head" });
  const hint = h("p", { class: "hint" });
  const el = h("div", { class: "area-reports" }, h("h2", { id: "area-head" }, t("reports.area")), hint, list);
  let fetched: LocalRecord[] | null = null;
  let asked = false;
  async function refresh(mine: Set<string>): Promise<void> {
    if (!asked && isOnline()) {
      asked = true;
      try {
        const page = await api.get<{ items: LocalRecord[] }>(`/api/v1/reports?limit=${AREA_LIMIT}`);
        fetched = page.items.map((r) => ({ ...r, _status: "synced" as const }));
      } catch {
        fetched = null;
      }
    }
    const source = fetched ?? (await listRecords("reports")).filter((r) => r._status === "synced");
    hint.textContent = fetched ? t("reports.areaHint", { n: fetched.length }) : t("reports.areaOffline");
    const rows = source.filter((r) => !mine.has(r.id)).map((rec) => ({ rec, state: null }) as Row).sort(newestFirst);
    list.replaceChildren(...rows.map(row));
  }
  return { el, refresh };
}

export function renderMyReports(): HTMLElement {
  const list = h("ul", { class: "cards", "aria-labelledby": "reports-title" });
  const empty = h("p", { class: "notice", hidden: true }, t("reports.empty"));
  const area = MANAGE_ROLES.has(cachedMe()?.user.role ?? "") ? areaBlock() : null;
  const section = h(
    "section",
    { class: "screen", "aria-labelledby": "reports-title" },
    h("div", { class: "screen-body" }, screenHead("reports-title", t("reports.title")), empty, list, area?.el ?? null),
    h("div", { class: "screen-actions" }, h("button", { type: "button", class: "btn btn-primary btn-block", onclick: () => navigate("/report") }, t("reports.new"))),
  );
  const refresh = async () => {
    try {
      const rows = await load();
      list.replaceChildren(...rows.map(row));
      empty.hidden = rows.length > 0;
      await area?.refresh(new Set(rows.map((r) => r.rec.id)));
    } catch {
      empty.hidden = false;
    }
  };
  void refresh();
  whileAttached<void>(section, onDataChanged, () => void refresh());
  return section;
}
