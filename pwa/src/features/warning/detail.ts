// /warnings/<id>: one warning in full, from the phone's copy (readable offline): level and kind in
// words on the level's colour, where it stands (in force, lifted, updated, expired), the text and
// what to do, the area, onset and expiry in China time, who issued it, the chain's 发布 / 更新 /
// 解除 history, and 收到 for a responsible person: one tap, an outbox op, shown where it stands.
import "./warning.css";
import { h, whileAttached } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { showToast } from "../../shared/toast";
import { armLater, once } from "../../shared/guard";
import { screenHead, stateBadge } from "../../shared/ui";
import { refusalOf, refusalView } from "../../shared/refusal";
import { notFoundView } from "../../shared/not-found";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import type { User } from "../../api";
import type { LocalRecord, OpState } from "../../data/db";
import { listOps } from "../../data/outbox";
import { onDataChanged } from "../../data/events";
import { requestFlush } from "../../data/flush";
import { cancelOf, chainKey, chains, latestOf, mustAck, standing, type Warning } from "./model";
import { acknowledge, fetchOne, getWarning, listWarnings } from "./store";
import { kindWord, levelChip, levelStyle, msgWord, standingWord } from "./words";

/** Where this phone's 收到 for the warning stands: its newest warning.ack op. */
async function ackOp(id: string): Promise<{ state: OpState; op_id: string } | null> {
  const ops = (await listOps()).filter((op) => op.type === "warning.ack" && op.entity_id === id);
  return ops.length ? ops[ops.length - 1] : null;
}

function row(label: MessageKey, value: string | null | undefined): Node[] {
  if (!value) return [];
  return [h("dt", {}, t(label)), h("dd", {}, value)];
}

const when = (v: unknown) => (typeof v === "string" && v ? formatDateTime(v) : null);

export function renderWarning(user: User, id: string): HTMLElement {
  let busy = false;
  const head = h("div", { class: "warn-head" });
  const title = h("h2", { class: "warn-title", id: "warning-title" });
  const status = h("p", { class: "warn-status", id: "warning-status", "aria-live": "polite" });
  const body = h("div", { class: "warn-text" });
  const details = h("dl", { class: "order-details warn-details" });
  const history = h("div", { class: "warn-history" });
  const missing = h("p", { class: "notice", hidden: true, id: "warning-missing" }, t("warning.detail.missing"));
  const ackBox = h("div", { class: "screen-actions warn-actions" });
  let ackShown = "";

  async function refresh(): Promise<void> {
    const w = (await getWarning(id)) as (LocalRecord & Warning) | undefined;
    if (!w) {
      missing.hidden = false;
      return;
    }
    missing.hidden = true;
    const chain = chains(await listWarnings()).get(chainKey(w)) ?? [w];
    const now = new Date();
    const s = standing(w, chain, now);
    head.replaceChildren(
      levelChip(w),
      h("span", { class: "warn-kind" }, kindWord(w.kind)),
      h("span", { class: "warn-msg" }, msgWord(w.msg_type)),
      h("span", { class: `warn-standing standing-${s}`, "data-standing": s }, standingWord(s)),
    );
    head.setAttribute("style", levelStyle(w));
    title.textContent = String(w.title ?? "");
    const latest = latestOf(chain);
    const lifted = cancelOf(chain);
    const liftedWhy = lifted && typeof lifted.reason === "string" && lifted.reason ? " " + t("warning.detail.reason", { reason: lifted.reason }) : "";
    const statusText =
      s === "cancelled" ? t("warning.detail.cancelled") + liftedWhy : s === "expired" ? t("warning.detail.expired") : s === "superseded" ? t("warning.detail.superseded") : s === "upcoming" && w.onset_at ? t("warning.detail.upcoming", { time: formatDateTime(String(w.onset_at)) }) : "";
    status.replaceChildren(statusText);
    if (s === "superseded" && latest.id !== w.id)
      status.append(" ", h("button", { type: "button", class: "btn btn-secondary", id: "warning-latest", onclick: () => navigate(`/warnings/${latest.id}`) }, t("warning.detail.showLatest")));
    status.hidden = !statusText;
    status.className = `warn-status notice ${s === "cancelled" || s === "expired" ? "" : "notice-warn"}`;
    body.replaceChildren(h("h3", {}, t("warning.detail.body")), h("p", { class: "warn-body" }, String(w.body ?? "")));
    if (w.instructions) body.append(h("h3", {}, t("warning.detail.instructions")), h("p", { class: "warn-instructions", id: "warning-instructions" }, String(w.instructions)));
    const regions = Array.isArray(w.regions) ? w.regions.map((r) => r.name).join("、") : "";
    const area = [regions, Array.isArray(w.polygon) && w.polygon.length ? t("warning.detail.polygon") : ""].filter(Boolean).join(" ");
    details.replaceChildren(
      ...row("warning.detail.area", area),
      ...row("warning.detail.onset", when(w.onset_at)),
      ...row("warning.detail.expires", when(w.expires_at)),
      ...row("warning.detail.issuedBy", w.issued_by?.display_name ?? null),
      ...row("warning.detail.issuedAt", when(w.issued_at)),
      ...row("warning.detail.identifier", typeof w.identifier === "string" ? w.identifier : null),
    );
    history.replaceChildren(
      ...(chain.length > 1
        ? [
            h("h3", {}, t("warning.detail.history")),
            h(
              "ol",
              { class: "warn-chain", id: "warning-history" },
              ...chain.map((m) =>
                h(
                  "li",
                  { class: m.id === w.id ? "is-current" : "" },
                  m.id === w.id
                    ? h("span", { class: "warn-chain-item" }, `${msgWord(m.msg_type)} · ${when(m.issued_at) ?? ""} ${t("warning.detail.thisOne")}`)
                    : h("button", { type: "button", class: "warn-chain-item btn-link", onclick: () => navigate(`/warnings/${m.id}`) }, `${msgWord(m.msg_type)} · ${when(m.issued_at) ?? ""}`),
                  typeof m.reason === "string" && m.reason ? h("span", { class: "warn-chain-reason" }, t("warning.detail.reason", { reason: m.reason })) : null,
                ),
              ),
            ),
          ]
        : []),
    );
    await drawAck(w, s);
  }

  async function drawAck(w: LocalRecord & Warning, s: string): Promise<void> {
    const op = await ackOp(w.id);
    const state = op?.state ?? null;
    // A refused 收到 is not given, whatever the phone showed while it waited.
    const acked = Boolean(w.acked) && state !== "refused";
    const asked = mustAck(w, user.role, user.id, user.region_id) && (s === "active" || s === "upcoming");
    const key = `${asked}|${acked}|${state}|${w.acked_at ?? ""}`;
    if (key === ackShown) return;
    ackShown = key;
    if (!asked && !acked) {
      ackBox.replaceChildren();
      return;
    }
    if (acked) {
      const at = typeof w.acked_at === "string" && w.acked_at ? formatDateTime(w.acked_at) : null;
      ackBox.replaceChildren(h("p", { class: "big-state warn-acked", id: "warning-acked" }, "✓ ", at ? t("warning.ack.doneAt", { time: at }) : t("warning.ack.done")));
      if (state) ackBox.append(h("p", { class: "warn-ack-state", id: "warning-ack-state" }, t("warning.ack.sentLabel"), stateBadge(state)));
      return;
    }
    const refused = state === "refused" ? refusalView(await refusalOf(w.id)) : null;
    const btn = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "warning-ack", onclick: () => void ack(btn, state === "refused" ? op?.op_id : undefined) }, t("warning.ack"));
    ackBox.replaceChildren(
      refused ? h("div", { id: "warning-ack-state" }, t("warning.ack.sentLabel"), stateBadge("refused"), refused) : h("p", { class: "hint" }, t("warning.ack.hint")),
      btn,
    );
    // Not live under the thumb that opened the screen (a double tap on the banner).
    armLater(btn);
  }

  async function ack(btn: HTMLButtonElement, refusedOpId?: string): Promise<void> {
    if (busy) return;
    await once([btn], async () => {
      const w = (await getWarning(id)) as (LocalRecord & Warning) | undefined;
      if (!w || (w.acked && !refusedOpId)) return;
      busy = true;
      try {
        await acknowledge(w, refusedOpId);
        showToast(t("warning.ack.saved"));
      } catch {
        showToast(t("report.error.storage"));
      }
      busy = false;
      await refresh();
    });
    void requestFlush();
  }

  const section = h(
    "section",
    { class: "screen screen-warning", "aria-labelledby": "warning-head" },
    h("div", { class: "screen-body" }, screenHead("warning-head", t("warning.detail.head")), missing, head, title, status, body, details, history),
    ackBox,
  );
  void refresh().then(async () => {
    // Online, the server's copy is fetched anyway (an update or a lift since the last pull).
    const r = await fetchOne(id);
    if (r === "missing" && !(await getWarning(id))) {
      missing.replaceWith(notFoundView("warning.detail.notFound", "warning.detail.backList", "/warnings"));
    }
  });
  whileAttached<void>(section, onDataChanged, () => {
    if (!busy) void refresh();
  });
  // The clock alone can end it (expiry) while it is open.
  const tick = setInterval(() => {
    if (!section.isConnected) clearInterval(tick);
    else void refresh();
  }, 30_000);
  return section;
}
