// One of "my reports" (/reports/<id>): its photos, where, what, how bad, the state the server
// knows (received, verified, ...) and, while not sent, the phone's own (saved here, sending,
// refused and why), and the steps of its life this person may take now (life.ts). The last copy read
// from the server, timeline included, stays on the phone: the detail opens offline, and a step
// can still be queued there.
import { h, whileAttached } from "../../shared/dom";
import { screenHead, stateBadge } from "../../shared/ui";
import { refusalView } from "../../shared/refusal";
import { isNotFound, notFoundView } from "../../shared/not-found";
import { isOnline } from "../../shared/network";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { api } from "../../api";
import { type LocalRecord, type OpState, type OutboxOp } from "../../data/db";
import { getBlob, listOps } from "../../data/outbox";
import { getRecord, putRecord } from "../../data/stores";
import { onDataChanged } from "../../data/events";
import { timelineLines } from "./timeline";
import { notYetShown, pendingItem, renderLife, stepOpsFor } from "./life";
import "./life.css";
import { showDuplicates } from "./duplicates";

const MEDIA_PATH = "/api/v1/media/";

function words(prefix: string, value: unknown): string {
  if (typeof value !== "string" || !value) return "";
  const key = `${prefix}.${value}` as MessageKey;
  const text = t(key);
  return text === key ? value : text;
}

/** A map link that opens on any phone (AMap's web page; WGS-84 as the GPS gave it). */
export function mapLink(lat: number, lon: number): string {
  return `https://uri.amap.com/marker?position=${lon.toFixed(6)},${lat.toFixed(6)}&coordinate=wgs84&callnative=0`;
}

async function photo(id: string, n: number, urls: string[]): Promise<HTMLElement> {
  const alt = t("rd.photoAlt", { n });
  const local = await getBlob(id).catch(() => undefined);
  if (local) {
    const url = URL.createObjectURL(new Blob([local.bytes], { type: local.type }));
    urls.push(url);
    return h("li", {}, h("img", { class: "rd-photo", src: url, alt, "data-media": id, "data-from": "phone" }));
  }
  if (!isOnline()) return h("li", {}, h("p", { class: "hint rd-photo-missing", "data-media": id }, t("rd.photoOffline")));
  return h("li", {}, h("img", { class: "rd-photo", src: MEDIA_PATH + encodeURIComponent(id), alt, "data-media": id, "data-from": "server", loading: "lazy" }));
}

export function renderReportDetail(id: string): HTMLElement {
  const title = h("h2", { class: "order-title", id: "rd-title" });
  const states = h("div", { class: "state-box rd-states" });
  const details = h("dl", { class: "order-details rd-details" });
  const photos = h("ul", { class: "rd-photos", id: "rd-photos" });
  const timeline = h("ol", { class: "rd-timeline", id: "rd-timeline", "aria-labelledby": "rd-tl-head" });
  const life = renderLife(id);
  const body = h(
    "div",
    { class: "screen-body" },
    screenHead("rd-head", t("rd.head")),
    title,
    states,
    life.el,
    details,
    h("h2", {}, t("rd.photos")),
    photos,
    h("h2", { id: "rd-tl-head" }, t("tl.head")),
    timeline,
  );
  const section = h("section", { class: "screen", "aria-labelledby": "rd-head" }, body);
  let server: LocalRecord | null = null;
  // The step ops already answered when the server's copy was last asked for: a new answer asks again.
  let answered = "";
  let fetching = false;
  let gone = false;
  let drawnPhotos = "";
  const urls: string[] = [];

  function row(label: MessageKey, value: Node | string | null): Node[] {
    if (value === null || value === "") return [];
    return [h("dt", {}, t(label)), h("dd", {}, value)];
  }

  async function paint(): Promise<void> {
    if (gone) return;
    const [local, ops] = await Promise.all([getRecord("reports", id).catch(() => undefined), listOps().catch(() => [] as OutboxOp[])]);
    const op = ops.find((o) => o.type === "report.create" && (o.op_id === local?._op_id || o.entity_id === id));
    const mine = stepOpsFor(ops, id);
    // A step refused because the report moved on carries the report as it is now: show that.
    for (const s of mine) {
      const cur = s.op.state === "refused" ? s.op.error?.current : undefined;
      if (cur && cur.id === id && Number(cur.step_count ?? -1) > Number((server ?? local)?.step_count ?? -1)) {
        server = { ...cur, id, _status: "synced" } as LocalRecord;
        void keep(server, local);
      }
    }
    const rec = (server ?? local) as LocalRecord | undefined;
    if (!rec) return;
    life.update(rec, ops);
    // A step of ours the server has taken since we read it: read the report again (its timeline).
    const took = mine.filter((s) => s.op.state === "sent").map((s) => s.op.op_id).join(",");
    if (took !== answered && isOnline() && !fetching) {
      answered = took;
      if (notYetShown(rec, mine).some((s) => s.op.state === "sent")) void fetchServer();
    }
    const phoneState: OpState | null = local && local._status !== "synced" && !server ? (op?.state ?? "waiting") : op && op.state !== "sent" ? op.state : null;
    title.textContent = words("cat", rec.category) || t("rd.head");
    states.replaceChildren(
      ...[
      // The server's state only once the server has it (the phone's copy says "reported" from the start).
      typeof rec.status === "string" && (server || local?._status === "synced") ? h("p", { class: "big-state", id: "rd-server-state" }, `${t("rd.serverState")}：${words("report.status", rec.status)}`) : null,
      phoneState ? h("p", { class: "rd-phone-state", id: "rd-phone-state" }, `${t("rd.phoneState")}：`, stateBadge(phoneState)) : null,
      phoneState === "refused" && op ? refusalView(op.error) : null,
      ].filter((n): n is HTMLElement => n !== null),
    );
    const loc = rec.location as { lat?: number; lon?: number; accuracy?: number } | null | undefined;
    const where =
      loc && typeof loc.lat === "number" && typeof loc.lon === "number"
        ? h(
            "span",
            { class: "rd-where" },
            `${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)}`,
            h("a", { class: "btn btn-secondary rd-map", href: mapLink(loc.lat, loc.lon), target: "_blank", rel: "noopener" }, t("rd.openMap")),
          )
        : null;
    const sev = typeof rec.severity === "string" ? rec.severity : "none";
    const when = rec.reported_at ?? rec.created_at;
    details.replaceChildren(
      ...row("rd.category", words("cat", rec.category)),
      ...row("rd.severity", h("span", { class: "sev-word" }, h("span", { class: `swatch sev-${sev}`, "aria-hidden": "true" }), words("sev", sev))),
      ...row("rd.description", typeof rec.description === "string" ? rec.description : ""),
      ...row("rd.where", where),
      ...row("rd.people", typeof rec.people_at_risk === "number" ? String(rec.people_at_risk) : ""),
      ...row("rd.when", when ? formatDateTime(String(when)) : ""),
    );
    drawTimeline(rec, notYetShown(rec, mine));
    showDuplicates(section, rec, server !== null);
    const ids = Array.isArray(rec.media_ids) ? rec.media_ids.filter((m): m is string => typeof m === "string") : [];
    // Redraw the photos only when the list (or where they can come from) changed: no flicker on each change.
    const key = `${ids.join(",")}|${isOnline()}`;
    if (key !== drawnPhotos) {
      drawnPhotos = key;
      for (const u of urls.splice(0)) URL.revokeObjectURL(u);
      photos.replaceChildren(...(ids.length ? await Promise.all(ids.map((m, i) => photo(m, i + 1, urls))) : [h("li", { class: "hint" }, t("rd.noPhotos"))]));
    }
  }

  /** The server's copy (timeline included), kept on the phone for the next time there is no signal. */
  async function fetchServer(): Promise<boolean> {
    fetching = true;
    try {
      const fresh = await api.get<LocalRecord>(`/api/v1/reports/${encodeURIComponent(id)}`);
      server = { ...fresh, id, _status: "synced" };
      await keep(server, await getRecord("reports", id).catch(() => undefined));
      return true;
    } finally {
      fetching = false;
    }
  }

  async function start(): Promise<void> {
    fetching = isOnline(); // the first paint is the phone's copy; the server's is on its way
    await paint();
    const had = !!title.textContent;
    if (!isOnline()) {
      if (!had) showGone("rd.notHere");
      return;
    }
    try {
      await fetchServer();
      answered = (await listOps().catch(() => [] as OutboxOp[])).filter((o) => o.entity_id === id && o.state === "sent").map((o) => o.op_id).join(",");
      await paint();
    } catch (err) {
      if (!had && isNotFound(err)) showGone("notFound.report");
    }
  }

  /** Each step: what, who, when (China time), the comment or reason, how many photos; then the
   * steps this phone holds that the server's copy does not show yet, each with where it stands. */
  function drawTimeline(rec: LocalRecord, phoneSteps: ReturnType<typeof stepOpsFor>): void {
    const lines = timelineLines(rec as Record<string, unknown>);
    const items = lines.map((line) =>
      h(
        "li",
        { class: `tl-step tl-${line.kind}`, "data-kind": line.kind },
        h("p", { class: "tl-what" }, line.what),
        h("p", { class: "tl-meta" }, [line.who, line.when].filter(Boolean).join(" · ")),
        line.note ? h("p", { class: "tl-note" }, line.note) : null,
        line.photos ? h("p", { class: "tl-photos" }, t("tl.photos", { n: line.photos })) : null,
      ),
    );
    const known = Array.isArray(rec.steps);
    const count = typeof rec.step_count === "number" ? rec.step_count : 0;
    // Only the server knows the steps; until it answered (or offline) the filing is all there is.
    if (lines.length === 1 && server && !phoneSteps.length) items.push(h("li", { class: "hint tl-none" }, t("tl.none")));
    else if (!server && !isOnline() && !known) items.push(h("li", { class: "hint tl-offline" }, t("tl.offline")));
    else if (!server && known && !fetching) {
      const missing = count - (rec.steps as unknown[]).length;
      items.push(h("li", { class: "hint tl-cached" }, missing > 0 ? t("tl.cachedMore", { n: missing }) : t("tl.cached")));
    }
    items.push(...phoneSteps.map(pendingItem));
    timeline.replaceChildren(...items);
  }

  /** Keeps the server's copy as this phone's record, unless a change made here still waits on it. */
  async function keep(rec: LocalRecord, local: LocalRecord | undefined): Promise<void> {
    if (local && local._status !== "synced") return;
    await putRecord("reports", { ...rec, _status: "synced", _op_id: undefined }).catch(() => undefined);
  }

  function showGone(message: MessageKey): void {
    gone = true;
    body.replaceChildren(screenHead("rd-head", t("rd.head")), notFoundView(message, "notFound.backReports", "/reports"));
  }

  void start();
  whileAttached<void>(section, onDataChanged, () => void paint());
  return section;
}
