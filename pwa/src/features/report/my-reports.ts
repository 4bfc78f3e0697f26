// "My reports": what this phone knows of the user's reports, from the outbox (saved here, sending,
// refused and why) and from the server's feed (sent), one list, newest first, readable offline.
import { refusalView } from "../../shared/refusal";
import { h, whileAttached } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead, stateBadge } from "../../shared/ui";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { getMeta, type LocalRecord, type OpState, type OutboxOp } from "../../data/db";
import { listOps } from "../../data/outbox";
import { listRecords } from "../../data/stores";
import { onDataChanged } from "../../data/events";

interface Row {
  rec: LocalRecord;
  state: OpState;
  op?: OutboxOp;
}

async function load(): Promise<Row[]> {
  const [records, ops, userId] = await Promise.all([listRecords("reports"), listOps(), getMeta<string>("user_id")]);
  const byOp = new Map(ops.map((op) => [op.op_id, op]));
  return records
    .filter((r) => r._status !== "synced" || !userId || !r.reporter_id || r.reporter_id === userId)
    .map((rec) => {
      const op = rec._op_id ? byOp.get(rec._op_id) : undefined;
      const state: OpState = rec._status === "synced" ? "sent" : (op?.state ?? "waiting");
      return { rec, state, op };
    })
    .sort((a, b) => String(b.rec.reported_at ?? b.rec.created_at ?? "").localeCompare(String(a.rec.reported_at ?? a.rec.created_at ?? "")));
}

function row({ rec, state, op }: Row): HTMLElement {
  const cat = typeof rec.category === "string" ? t(`cat.${rec.category}` as MessageKey) : "";
  const sev = typeof rec.severity === "string" ? rec.severity : null;
  const media = Array.isArray(rec.media_ids) ? rec.media_ids.length : 0;
  const when = rec.reported_at ?? rec.created_at;
  return h(
    "li",
    { class: `card card-${state}`, "data-id": rec.id },
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
      stateBadge(state),
    ),
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

export function renderMyReports(): HTMLElement {
  const list = h("ul", { class: "cards", "aria-labelledby": "reports-title" });
  const empty = h("p", { class: "notice", hidden: true }, t("reports.empty"));
  const section = h(
    "section",
    { class: "screen", "aria-labelledby": "reports-title" },
    h("div", { class: "screen-body" }, screenHead("reports-title", t("reports.title")), empty, list),
    h("div", { class: "screen-actions" }, h("button", { type: "button", class: "btn btn-primary btn-block", onclick: () => navigate("/report") }, t("reports.new"))),
  );
  const refresh = async () => {
    try {
      const rows = await load();
      list.replaceChildren(...rows.map(row));
      empty.hidden = rows.length > 0;
    } catch {
      empty.hidden = false;
    }
  };
  void refresh();
  whileAttached<void>(section, onDataChanged, () => void refresh());
  return section;
}
