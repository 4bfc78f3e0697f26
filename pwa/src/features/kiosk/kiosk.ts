// The shelter kiosk (/shelters/<id>): the count inside (the server's occupancy plus what this
// phone has not sent yet), capacity and places left, three big actions (scan a receipt to check
// out, check a household in, check out from the present list), and this phone's last actions,
// each saved on this phone, sent or refused. Every change is an outbox op: it works offline.
import type { User } from "../../api";
import { h, whileAttached } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead, stateBadge } from "../../shared/ui";
import { describeProblem } from "../../i18n/problem";
import { problemSlug } from "../../data/problem";
import { confirmStep } from "../../shared/confirm";
import { once } from "../../shared/guard";
import { showToast } from "../../shared/toast";
import { onNetworkChange } from "../../shared/network";
import { formatDateTime, t } from "../../i18n";
import type { LocalRecord, OutboxOp } from "../../data/db";
import { enqueue, listOps } from "../../data/outbox";
import { getRecord } from "../../data/stores";
import { onDataChanged } from "../../data/events";
import { requestFlush } from "../../data/flush";
import { alreadyCheckedOut, countInside, lastActions, receiptToken, tokenCheckinId, type Action } from "./model";
import { reachable, runs, shelterState, stateTag } from "./shelters";
import { scanReceipt } from "./scan";
import { renderManagePanel } from "./manage";
import { canOperate } from "./manage-model";

const online = reachable;
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

function actionCard(a: Action): HTMLElement {
  const what = a.kind === "checkin" ? t("kiosk.action.checkin") : a.byReceipt ? t("kiosk.action.checkoutReceipt") : t("kiosk.action.checkout");
  const who = a.who ? ` · ${a.who}` : "";
  // A refused check-out by receipt never learns its size: say nothing rather than "to be confirmed".
  const size = a.size !== null ? t("kiosk.action.size", { n: a.size }) : a.state === "refused" ? null : t("kiosk.action.sizeUnknown");
  return h(
    "li",
    { class: `card card-${a.state} kiosk-action`, "data-op": a.op_id, "data-kind": a.kind },
    h("div", { class: "card-top" }, h("strong", { class: "card-title" }, `${what}${who}`), stateBadge(a.state)),
    size ? h("p", { class: "card-text" }, size) : null,
    h("p", { class: "card-meta" }, formatDateTime(a.at)),
    // The reason in the user's words only: the server's own text is never shown at the kiosk.
    a.state === "refused" ? h("p", { class: "refusal refused-reason", "data-problem": problemSlug(a.error) || "none" }, describeProblem(a.error).message) : null,
  );
}

/** Puts a check-out by receipt in the outbox, after asking. Returns false when nothing was queued. */
async function checkoutByReceipt(shelter: LocalRecord, token: string): Promise<boolean> {
  const checkinId = tokenCheckinId(token);
  if (checkinId && alreadyCheckedOut(await listOps(), checkinId)) {
    showToast(t("kiosk.scan.already"));
    return false;
  }
  const yes = await confirmStep({
    title: t("kiosk.confirmOut.title"),
    body: t("kiosk.confirmOut.receiptBody", { shelter: String(shelter.name ?? "") }),
    confirm: t("kiosk.confirmOut.yes"),
    cancel: t("kiosk.confirmOut.no"),
  });
  if (!yes) return false;
  await enqueue({ type: "shelter.checkout", data: { token, shelter_id: shelter.id }, kept: checkinId ? { checkin_id: checkinId } : undefined });
  showToast(t("kiosk.savedOut"));
  void requestFlush();
  return true;
}

export function renderKiosk(user: User, shelterId: string): HTMLElement {
  let shelter: LocalRecord | null = null;

  const title = h("span", {}, t("kiosk.title"));
  const stateSlot = h("span", {});
  const inside = h("p", { class: "kiosk-count-n", id: "kiosk-inside" });
  const unsent = h("p", { class: "kiosk-unsent", id: "kiosk-unsent", hidden: true });
  const capacity = h("p", { class: "kiosk-capacity", id: "kiosk-capacity" });
  const missing = h("p", { class: "notice notice-warn", hidden: true });
  const stateNote = h("p", { class: "notice notice-warn", id: "kiosk-state-note", hidden: true });
  const presentNote = h("p", { class: "hint", id: "kiosk-present-note", hidden: true }, t("kiosk.present.offline"));
  const history = h("ul", { class: "cards", id: "kiosk-actions" });
  const historyEmpty = h("p", { class: "hint" }, t("kiosk.history.empty"));

  const scan = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "kiosk-scan" }, t("kiosk.scan.button"));
  const checkin = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "kiosk-checkin" }, t("kiosk.checkin.button"));
  const present = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "kiosk-present" }, t("kiosk.present.button"));
  // Opening, closing, supplies, the record and the poster: for those who run it (service.manages).
  const manage = renderManagePanel(user, shelterId);
  manage.el.hidden = true;

  function show(ops: OutboxOp[]): void {
    if (!shelter) {
      missing.hidden = false;
      missing.textContent = online() ? t("kiosk.missing") : t("kiosk.missingOffline");
      for (const b of [scan, checkin, present]) b.disabled = true;
      return;
    }
    missing.hidden = true;
    title.textContent = String(shelter.name ?? t("kiosk.title"));
    stateSlot.replaceChildren(stateTag(shelter));
    // As this phone last heard: the server decides, but the manager should not be surprised.
    const state = shelterState(shelter);
    stateNote.hidden = state === "open";
    stateNote.textContent = state === "closed" ? t("kiosk.closedNote") : state === "full" ? t("kiosk.fullNote") : "";
    const cap = num(shelter.capacity);
    const c = countInside(num(shelter.occupancy), cap, ops, shelter.id);
    inside.textContent = t("kiosk.inside", { n: c.inside });
    const parts: string[] = [];
    if (c.pendingIn) parts.push(t("kiosk.unsentIn", { n: c.pendingIn }));
    if (c.pendingOut) parts.push(t("kiosk.unsentOut", { n: c.pendingOut }));
    if (c.pendingOutUnknown) parts.push(t("kiosk.unsentReceipts", { n: c.pendingOutUnknown }));
    unsent.hidden = parts.length === 0;
    unsent.textContent = parts.join(t("kiosk.sep"));
    capacity.textContent = t("kiosk.capacity", { capacity: cap, left: c.placesLeft ?? 0 });
    scan.disabled = checkin.disabled = false;
    present.disabled = !online();
    presentNote.hidden = online();
    const actions = lastActions(ops, shelter.id);
    history.replaceChildren(...actions.map(actionCard));
    historyEmpty.hidden = actions.length > 0;
    manage.el.hidden = !canOperate(user, shelter);
    if (!manage.el.hidden) manage.update(shelter);
  }

  async function refresh(): Promise<void> {
    try {
      const rec = (await getRecord("shelters", shelterId)) ?? null;
      shelter = rec && runs(user, rec) ? rec : null;
      show(await listOps());
    } catch {
      missing.hidden = false;
      missing.textContent = t("report.error.storage");
    }
  }

  scan.addEventListener("click", () =>
    void once([scan], async () => {
      if (!shelter) return;
      const token = await scanReceipt({ accept: receiptToken });
      if (token) await checkoutByReceipt(shelter, token).catch(() => showToast(t("report.error.storage")));
    }),
  );
  checkin.addEventListener("click", () => navigate(`/shelters/${shelterId}/checkin`));
  present.addEventListener("click", () => navigate(`/shelters/${shelterId}/present`));

  const section = h(
    "section",
    { class: "screen screen-kiosk", "aria-labelledby": "kiosk-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("kiosk-title", ""),
      missing,
      h(
        "div",
        { class: "state-box kiosk-count", "aria-live": "polite" },
        stateSlot,
        h("p", { class: "kiosk-count-label" }, t("kiosk.insideLabel")),
        inside,
        unsent,
        capacity,
      ),
      stateNote,
      h("div", { class: "kiosk-more" }, present, presentNote),
      manage.el,
      h("h2", {}, t("kiosk.history.title")),
      historyEmpty,
      history,
    ),
    h("div", { class: "screen-actions kiosk-actions-bar" }, scan, checkin),
  );
  section.querySelector("h1")!.replaceChildren(title);
  void refresh();
  void requestFlush();
  whileAttached<void>(section, onDataChanged, () => void refresh());
  whileAttached<boolean>(section, onNetworkChange, () => void refresh());
  return section;
}
