// Near duplicates on a report's detail. For the desk, while the report waits for verification:
// the open reports of the same kind near it in place and time ("可能重复"), each with how far,
// how long apart, its first photo and what it says, and a button that merges this report into
// it (asked first; an op through the outbox, so it works offline; waiting / sent / refused in
// words). On any report: the reports merged into it, with their reporters and photos.
import { h } from "../../shared/dom";
import { stateBadge } from "../../shared/ui";
import { refusalView } from "../../shared/refusal";
import { confirmStep } from "../../shared/confirm";
import { once } from "../../shared/guard";
import { isOnline } from "../../shared/network";
import { formatDateTime, getLang, t, type MessageKey } from "../../i18n";
import { api } from "../../api";
import { uuid, type LocalRecord, type OutboxOp } from "../../data/db";
import { enqueue, listOps } from "../../data/outbox";
import { requestFlush } from "../../data/flush";
import { cachedMe } from "../auth/session";

const MEDIA_PATH = "/api/v1/media/";
const DESK_ROLES = new Set(["duty_officer", "admin"]);
const MERGE_OP = "report.reject";

export interface Candidate {
  id: string;
  description: string;
  reporter_name?: string;
  reported_at: string;
  status: string;
  media_ids: string[];
  distance_m: number;
  apart_s: number;
}

interface Answer {
  items: Candidate[];
}

export interface Merged {
  id: string;
  reporter_name?: string;
  reported_at: string;
  description: string;
  media_ids: string[];
}

// The last answer per report, kept for this session: the list stays when the signal goes.
const answers = new Map<string, Candidate[]>();
const asked = new Set<string>();

/** "相距 150 米" / "150 m away": whole metres under a kilometre, then tenths of a km. */
export function distanceWords(m: number): string {
  return m < 1000 ? t("dup.metres", { n: Math.round(m) }) : t("dup.km", { n: (m / 1000).toFixed(1) });
}

/** "相隔 3 小时" / "3 hours apart": minutes under an hour, hours under two days, then days. */
export function apartWords(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t("dup.minutes", { n: minutes });
  const hours = Math.round(seconds / 3600);
  if (hours < 48) return t("dup.hours", { n: hours });
  return t("dup.days", { n: Math.round(seconds / 86400) });
}

function thumb(mediaId: string | undefined, alt: string): HTMLElement {
  if (!mediaId) return h("p", { class: "hint dup-nophoto" }, t("rd.noPhotos"));
  if (!isOnline()) return h("p", { class: "hint dup-nophoto" }, t("rd.photoOffline"));
  return h("img", { class: "dup-thumb", src: MEDIA_PATH + encodeURIComponent(mediaId), alt, loading: "lazy", "data-media": mediaId });
}

function mergeOps(ops: OutboxOp[], reportId: string): OutboxOp[] {
  return ops.filter((o) => o.type === MERGE_OP && o.data.report_id === reportId && o.data.rejection === "duplicate");
}

function block(section: HTMLElement): HTMLElement {
  const found = section.querySelector<HTMLElement>(".dup-block");
  if (found) return found;
  const el = h("div", { class: "dup-block", "data-dup": "block" });
  // Right after the report's own photos: the merged reports' photos are kept with them.
  const photos = section.querySelector("#rd-photos");
  if (photos) photos.after(el);
  else section.querySelector(".screen-body")?.append(el);
  return el;
}

/**
 * Draws (again) the near-duplicates block of report `rec` inside the detail `section`; called
 * on every repaint of the detail. `fromServer`: `rec` is the server's copy (only it knows the
 * state and the merged reports).
 */
export function showDuplicates(section: HTMLElement, rec: LocalRecord, fromServer: boolean): void {
  const el = block(section);
  latest.set(el, { id: String(rec.id), rec, fromServer });
  void draw(el);
}

// What each block was last asked to show; a draw always uses the latest.
const latest = new WeakMap<HTMLElement, { id: string; rec: LocalRecord; fromServer: boolean }>();
let drawing = 0;

async function draw(el: HTMLElement): Promise<void> {
  // Repaints come in bursts (each outbox change): only the latest one draws.
  const mine = ++drawing;
  const { id, rec, fromServer } = latest.get(el)!;
  const merged = Array.isArray(rec.merged) ? (rec.merged as Merged[]) : [];
  const desk = DESK_ROLES.has(cachedMe()?.user.role ?? "");
  const ops = mergeOps(await listOps().catch(() => [] as OutboxOp[]), id);
  const wanted = desk && fromServer && (rec.status === "reported" || ops.length > 0);
  if (wanted && !answers.has(id) && !asked.has(id) && isOnline()) {
    asked.add(id);
    api.get<Answer>(`/api/v1/reports/${encodeURIComponent(id)}/duplicates`).then(
      (answer) => {
        answers.set(id, answer.items);
        void draw(el);
      },
      () => asked.delete(id), // asked again on the next repaint
    );
  }
  if (mine !== drawing) return;
  // Redrawn only when what it shows changed: no flicker of the photos on each outbox change.
  const sig = JSON.stringify([merged.map((m) => m.id), answers.get(id)?.map((c) => c.id) ?? null, ops.map((o) => [o.op_id, o.state]), rec.status, wanted, isOnline(), getLang()]);
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  const parts: HTMLElement[] = [];
  if (merged.length) parts.push(mergedView(merged));
  if (wanted) parts.push(candidatesView(id, answers.get(id), ops, rec.status === "reported"));
  el.replaceChildren(...parts);
}

function mergedView(merged: Merged[]): HTMLElement {
  return h(
    "section",
    { class: "dup-merged", "aria-labelledby": "dup-merged-head" },
    h("h2", { id: "dup-merged-head" }, t("dup.mergedHead", { n: merged.length })),
    h(
      "ul",
      { class: "dup-list" },
      ...merged.map((m) =>
        h(
          "li",
          { class: "dup-item", "data-merged": m.id },
          h("p", { class: "dup-meta" }, [m.reporter_name ?? "", formatDateTime(m.reported_at)].filter(Boolean).join(" · ")),
          h("p", { class: "dup-desc" }, m.description),
          m.media_ids.length
            ? h("ul", { class: "rd-photos dup-photos" }, ...m.media_ids.map((mid, i) => h("li", {}, thumb(mid, t("dup.photoAlt", { name: m.reporter_name ?? "", n: i + 1 })))))
            : h("p", { class: "hint" }, t("rd.noPhotos")),
        ),
      ),
    ),
  );
}

function candidatesView(id: string, items: Candidate[] | undefined, ops: OutboxOp[], open: boolean): HTMLElement {
  const head = h("h2", { id: "dup-head" }, t("dup.head"));
  const box = h("section", { class: "dup-candidates", "aria-labelledby": "dup-head" }, head);
  // The merge this phone holds for this report, if any: it says where it stands.
  const mine = ops.filter((o) => o.state !== "refused").pop() ?? ops[ops.length - 1];
  if (mine) {
    const target = String(mine.data.duplicate_of ?? "");
    box.append(
      h(
        "div",
        { class: "dup-state", id: "dup-state" },
        h("p", { class: "rd-phone-state" }, `${t("dup.mergeState")}：`, stateBadge(mine.state)),
        mine.state === "refused" ? refusalView(mine.error) : null,
        mine.state === "sent" ? h("p", { class: "dup-done" }, t("dup.merged")) : null,
      ),
    );
    if (mine.state !== "refused") {
      // Waiting, sending or sent: one merge per report; the list only says which it was.
      const chosen = items?.find((c) => c.id === target);
      if (chosen) box.append(h("ul", { class: "dup-list" }, candidateItem(id, chosen, false)));
      return box;
    }
  }
  if (!open) return box;
  if (items === undefined) {
    box.append(h("p", { class: "hint dup-offline" }, isOnline() ? t("dup.loading") : t("dup.offline")));
    return box;
  }
  if (!items.length) {
    box.append(h("p", { class: "hint dup-none" }, t("dup.none")));
    return box;
  }
  box.append(h("p", { class: "hint" }, t("dup.explain")), h("ul", { class: "dup-list" }, ...items.map((c) => candidateItem(id, c, true))));
  return box;
}

function candidateItem(id: string, c: Candidate, withButton: boolean): HTMLElement {
  const button = withButton ? h("button", { type: "button", class: "btn btn-secondary btn-block dup-merge", "data-into": c.id }, t("dup.mergeInto")) : null;
  if (button) button.addEventListener("click", () => void once([button], () => merge(id, c)));
  return h(
    "li",
    { class: "dup-item", "data-candidate": c.id },
    h("div", { class: "dup-row" }, thumb(c.media_ids[0], t("dup.thumbAlt")), h("div", { class: "dup-text" },
      h("p", { class: "dup-measure" }, `${distanceWords(c.distance_m)} · ${apartWords(c.apart_s)}`),
      h("p", { class: "dup-desc" }, c.description),
      h("p", { class: "dup-meta" }, [c.reporter_name ?? "", formatDateTime(c.reported_at), t(`report.status.${c.status}` as MessageKey)].filter(Boolean).join(" · ")),
    )),
    button,
  );
}

async function merge(id: string, c: Candidate): Promise<void> {
  const yes = await confirmStep({
    title: t("dup.confirmTitle"),
    body: t("dup.confirmBody", { where: distanceWords(c.distance_m), when: apartWords(c.apart_s) }),
    confirm: t("dup.confirm"),
    danger: true,
  });
  if (!yes) return;
  const ops = mergeOps(await listOps().catch(() => [] as OutboxOp[]), id);
  if (ops.some((o) => o.state !== "refused")) return; // already on its way (another tab, a double tap)
  await enqueue({
    type: MERGE_OP,
    entity_id: id,
    data: {
      id: uuid(), // the step's own id: sent twice by any path, written once
      report_id: id,
      rejection: "duplicate",
      duplicate_of: c.id,
      reason: t("dup.reason", { where: distanceWords(c.distance_m), when: apartWords(c.apart_s) }),
    },
  });
  void requestFlush();
}
