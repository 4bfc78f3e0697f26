// The desk's front page (/desk): the open incidents, newest first, each with its orders and how
// each order is answered (coming / declined / silent against the headcount wanted). Two requests,
// whatever the number of incidents: the open incidents and the open orders (which carry their
// board's counts), grouped here by incident_id. Above them, the shelters of the desk's area
// (shelter-summary.ts): one more request, kept on the phone for offline.
import { h } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { formatDateTime, t } from "../../i18n";
import { api, ApiError } from "../../api";
import { problemSentence } from "../../i18n/problem";
import type { Order } from "./desk";
import { kindName } from "./form-incidents";
import { renderShelterSummary } from "./shelter-summary";

const ORDERS_LIMIT = 200;

export interface Incident {
  id: string;
  title: string;
  kind?: string;
  place?: string | null;
  severity?: string | null;
  occurred_at?: string;
  created_at?: string;
  closed_at?: string | null;
}

export interface IncidentGroup {
  incident: Incident | null;
  orders: Order[];
}

const newest = (a?: string, b?: string) => (b ?? "").localeCompare(a ?? "");

/** Open incidents newest first, each with its orders newest first; orders of no (listed) incident last. */
export function groupOrders(incidents: Incident[], orders: Order[]): IncidentGroup[] {
  const byIncident = new Map<string, Order[]>();
  const loose: Order[] = [];
  const known = new Set(incidents.map((i) => i.id));
  for (const o of orders) {
    if (o.incident_id && known.has(o.incident_id)) {
      const list = byIncident.get(o.incident_id) ?? [];
      list.push(o);
      byIncident.set(o.incident_id, list);
    } else {
      loose.push(o);
    }
  }
  const groups: IncidentGroup[] = [...incidents]
    .sort((a, b) => newest(a.occurred_at ?? a.created_at, b.occurred_at ?? b.created_at))
    .map((incident) => ({ incident, orders: (byIncident.get(incident.id) ?? []).sort((a, b) => newest(a.created_at, b.created_at)) }));
  if (loose.length) groups.push({ incident: null, orders: loose.sort((a, b) => newest(a.created_at, b.created_at)) });
  return groups;
}

function orderCard(o: Order): HTMLElement {
  const b = o.board;
  return h(
    "li",
    {},
    h(
      "button",
      { type: "button", class: "card card-btn", "data-order": o.id, onclick: () => navigate(`/desk/${o.id}`) },
      h("span", { class: "card-top" }, h("span", { class: "card-title" }, o.title)),
      b
        ? h(
            "span",
            { class: "front-counts", "data-counts": `${b.coming}/${b.declined}/${b.silent}/${b.headcount ?? ""}` },
            t("front.counts", { want: b.headcount ?? "—", coming: b.coming, declined: b.declined, silent: b.silent }),
            b.completed > 0 ? ` · ${t("front.countsDone", { n: b.completed })}` : "",
          )
        : null,
      o.created_at ? h("span", { class: "card-meta" }, formatDateTime(o.created_at)) : null,
    ),
  );
}

function kindWord(kind: string | undefined): string {
  return kind ? kindName(kind) : "";
}

function groupView(g: IncidentGroup): HTMLElement {
  const inc = g.incident;
  const head = inc
    ? h(
        "div",
        { class: "front-incident-head" },
        h("h3", { class: "front-incident-title" }, inc.title),
        h(
          "p",
          { class: "card-meta" },
          [kindWord(inc.kind), inc.place ?? "", inc.occurred_at ? formatDateTime(inc.occurred_at) : "", t("front.ordersN", { n: g.orders.length })].filter(Boolean).join(" · "),
        ),
      )
    : h("div", { class: "front-incident-head" }, h("h3", { class: "front-incident-title" }, t("front.noIncident")));
  return h(
    "li",
    { class: "front-incident", "data-incident": inc?.id ?? "none" },
    head,
    g.orders.length ? h("ul", { class: "cards" }, ...g.orders.map(orderCard)) : h("p", { class: "hint" }, t("front.noOrders")),
  );
}

export function renderFront(): HTMLElement {
  const list = h("ul", { class: "front-incidents", id: "desk-incidents" });
  const status = h("p", { class: "hint", "aria-live": "polite" }, t("desk.loading"));
  async function load(): Promise<void> {
    try {
      const [incidents, orders] = await Promise.all([
        api.get<{ items: Incident[] }>("/api/v1/incidents?open=true&limit=100"),
        api.get<{ items: Order[]; next_cursor?: string | null }>(`/api/v1/dispatches?open=true&limit=${ORDERS_LIMIT}`),
      ]);
      const groups = groupOrders(incidents.items, orders.items);
      const lines = [incidents.items.length || !groups.length ? "" : t("front.noIncidents"), orders.next_cursor ? t("front.listCut", { n: ORDERS_LIMIT }) : ""];
      status.textContent = groups.length ? lines.filter(Boolean).join(" ") : t("front.empty");
      list.replaceChildren(...groups.map(groupView));
    } catch (err) {
      status.textContent = err instanceof ApiError ? problemSentence(err.problem) : t("desk.offline");
    }
  }
  void load();
  return h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "desk-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("desk-title", t("desk.title")),
      h(
        "div",
        { class: "front-actions" },
        h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "desk-new", onclick: () => navigate("/desk/new") }, t("desk.new")),
        h("button", { type: "button", class: "btn btn-secondary btn-block", id: "desk-warnings", onclick: () => navigate("/desk/warnings") }, t("wd.open")),
        h("button", { type: "button", class: "btn btn-secondary btn-block", id: "desk-reports", onclick: () => navigate("/desk/reports") }, t("dr.open")),
        h("button", { type: "button", class: "btn btn-secondary btn-block", id: "desk-map", onclick: () => navigate("/desk/map") }, t("deskmap.open")),
        h("button", { type: "button", class: "btn btn-secondary btn-block", id: "desk-people", onclick: () => navigate("/desk/people") }, t("lookup.open")),
        h("button", { type: "button", class: "btn btn-secondary btn-block", id: "desk-disasters", onclick: () => navigate("/disasters") }, t("desk.disasters")),
        h("button", { type: "button", class: "btn btn-secondary btn-block", id: "desk-stats", onclick: () => navigate("/desk/stats") }, t("stats.open")),
        h("button", { type: "button", class: "btn btn-secondary btn-block", id: "desk-subsidy", onclick: () => navigate("/desk/subsidy") }, t("subsidy.open")),
        h("button", { type: "button", class: "btn btn-secondary btn-block", id: "desk-claims", onclick: () => navigate("/desk/claims") }, t("claims.open")),
        h("button", { type: "button", class: "btn btn-secondary btn-block", id: "desk-supervised", onclick: () => navigate("/desk/supervised") }, t("sup.open")),
        h("button", { type: "button", class: "btn btn-secondary btn-block", id: "desk-rules", onclick: () => navigate("/desk/rules") }, t("rules.open")),
        h("button", { type: "button", class: "btn btn-secondary btn-block", id: "desk-readiness", onclick: () => navigate("/desk/readiness") }, t("ready.open")),
      ),
      renderShelterSummary(),
      h("h2", {}, t("front.incidents")),
      status,
      list,
    ),
  );
}
