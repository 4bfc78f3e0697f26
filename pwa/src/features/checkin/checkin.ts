// Check in / check out: where the member stands now, the GPS point, and one big button that does
// the next thing. The action is an outbox op, so it works in a valley with no signal.
// Duty time (值班, no dispatch_id) and task time (任务, opened on arrival at a dispatched task and
// closed by 完成任务) are separate records, and the subsidy is paid from them: this button acts on
// the duty record only, and every record says which kind it is.
import { refusalView } from "../../shared/refusal";
import { h, whileAttached } from "../../shared/dom";
import { showToast } from "../../shared/toast";
import { armLater, once } from "../../shared/guard";
import { confirmStep } from "../../shared/confirm";
import { screenHead, stateBadge } from "../../shared/ui";
import { failureText, fixText, GeoError, locate, type Fix } from "../../shared/geo";
import { formatDateTime, t } from "../../i18n";
import { getMeta, isoWithOffset, uuid, type LocalRecord, type OpState } from "../../data/db";
import { enqueue, listOps } from "../../data/outbox";
import { listRecords } from "../../data/stores";
import { getOrder } from "../../data/dispatch";
import { onDataChanged } from "../../data/events";
import { requestFlush } from "../../data/flush";

const isOpen = (c: LocalRecord) => !c.checkout_at && c.open !== false;
const isTask = (c: LocalRecord) => typeof c.dispatch_id === "string" && c.dispatch_id !== "";

/** 值班, or 任务：<the order's title> (from the phone's copy of the order, when it has one). */
async function kindLabel(c: LocalRecord): Promise<string> {
  if (!isTask(c)) return t("checkin.kind.duty");
  const order = await getOrder(String(c.dispatch_id)).catch(() => undefined);
  return order?.title ? t("checkin.kind.task", { title: String(order.title) }) : t("checkin.kind.taskUntitled");
}

const point = (fix: Fix | null) => (fix ? (fix.accuracy !== undefined ? { lat: fix.lat, lon: fix.lon, accuracy: fix.accuracy } : { lat: fix.lat, lon: fix.lon }) : null);

export function renderCheckin(): HTMLElement {
  let fix: Fix | null = null;
  let locating: Promise<void> | null = null;
  let open: LocalRecord | null = null;
  let userId: string | null = null;
  let firstRender = true;

  const stateText = h("p", { class: "big-state", id: "checkin-state", "aria-live": "polite" });
  const stateBadgeSlot = h("span", {});
  const locText = h("p", { class: "loc-text", id: "checkin-location", "aria-live": "polite" });
  const retry = h("button", { type: "button", class: "btn btn-secondary", onclick: () => void findMe() }, t("geo.retry"));
  const history = h("ul", { class: "cards" });
  const empty = h("p", { class: "hint", hidden: true }, t("checkin.empty"));
  const taskNote = h("p", { class: "notice", id: "checkin-task", hidden: true });
  const action = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "checkin-action", disabled: true }, t("checkin.checkin"));

  function findMe(): Promise<void> {
    locText.textContent = t("geo.locating");
    locating = locate()
      .then((f) => {
        fix = f;
        locText.textContent = fixText(f);
      })
      .catch((err) => {
        locText.textContent = t("checkin.noLocation", { reason: failureText(err instanceof GeoError ? err.reason : "unavailable") });
      })
      .finally(() => (locating = null));
    return locating;
  }

  async function refresh(): Promise<void> {
    try {
      userId = (await getMeta<string>("user_id")) ?? null;
      const ops = await listOps();
      const byOp = new Map(ops.map((op) => [op.op_id, op.state]));
      const stateOf = (r: LocalRecord): OpState => (r._status === "synced" ? "sent" : ((r._op_id && byOp.get(r._op_id)) || "waiting"));
      const refused = new Map(ops.filter((op) => op.state === "refused" && op.entity_id).map((op) => [String(op.entity_id), op.error]));
      const mine = (await listRecords("checkins"))
        .filter((c) => !userId || !c.user_id || c.user_id === userId)
        .sort((a, b) => String(b.checkin_at ?? "").localeCompare(String(a.checkin_at ?? "")));
      open = mine.find((c) => isOpen(c) && !isTask(c)) ?? null;
      const onTask = mine.filter((c) => isOpen(c) && isTask(c));
      stateText.textContent = open ? t("checkin.stateIn", { time: formatDateTime(String(open.checkin_at)) }) : t("checkin.stateOut");
      stateBadgeSlot.replaceChildren(open ? stateBadge(stateOf(open)) : "");
      const taskLabels = await Promise.all(onTask.map(kindLabel));
      taskNote.hidden = onTask.length === 0;
      taskNote.textContent = onTask.map((c, i) => t("checkin.onTask", { task: taskLabels[i] ?? "", time: formatDateTime(String(c.checkin_at)) })).join("\n");
      const label = open ? t("checkin.checkout") : t("checkin.checkin");
      const changed = action.textContent !== label;
      action.textContent = label;
      action.dataset.step = open ? "checkout" : "checkin";
      // The button that replaces 签到 with 签退 under the same thumb is not live at once, nor on a
      // screen just opened by a tap (it was inert until it knew whether it is 签到 or 签退).
      if (changed || firstRender) armLater(action);
      firstRender = false;
      const recent = mine.slice(0, 5);
      const labels = await Promise.all(recent.map(kindLabel));
      history.replaceChildren(
        ...recent.map((c, i) =>
          h(
            "li",
            { class: "card", "data-kind": isTask(c) ? "task" : "duty" },
            h(
              "div",
              { class: "card-top" },
              h("span", { class: isTask(c) ? "kind-tag kind-task" : "kind-tag kind-duty" }, labels[i] ?? ""),
              stateBadge(stateOf(c)),
            ),
            h("span", { class: "card-title" }, t("checkin.in", { time: formatDateTime(String(c.checkin_at)) })),
            c.checkout_at ? h("p", { class: "card-meta" }, t("checkin.out", { time: formatDateTime(String(c.checkout_at)) })) : null,
            stateOf(c) === "refused" ? refusalView(refused.get(String(c.id))) : null,
          ),
        ),
      );
      empty.hidden = recent.length > 0;
    } catch {
      // The local copy could not be read: the button stays usable, the outbox still takes the op.
      if (action.dataset.busy !== "true") action.disabled = false;
    }
  }

  async function step(): Promise<void> {
    if (!open) {
      // A fix on its way is worth a few seconds; no fix at all never blocks the check-in.
      if (locating) await Promise.race([locating, new Promise((r) => setTimeout(r, 8000))]);
      const now = isoWithOffset();
      const loc = point(fix);
      const id = uuid();
      const data: Record<string, unknown> = { id, dispatch_id: null };
      if (loc) data.location = loc;
      await enqueue({
        type: "attendance.checkin",
        data,
        entity_id: id,
        record: {
          store: "checkins",
          value: { id, user_id: userId, dispatch_id: null, checkin_at: now, checkin_location: loc, checkout_at: null, checkout_location: null, open: true, _status: "created" },
        },
      });
      showToast(t("checkin.doneIn"));
      return;
    }
    // Checking out ends the duty record the subsidy is paid from: it asks first.
    const since = formatDateTime(String(open.checkin_at));
    if (!(await confirmStep({ title: t("checkin.confirmOut.title"), body: t("checkin.confirmOut.body", { time: since }), confirm: t("checkin.confirmOut.yes"), cancel: t("checkin.confirmOut.no") }))) return;
    if (locating) await Promise.race([locating, new Promise((r) => setTimeout(r, 8000))]);
    const current = open;
    const now = isoWithOffset();
    const loc = point(fix);
    const data: Record<string, unknown> = { id: current.id };
    if (loc) data.location = loc;
    await enqueue({
      type: "attendance.checkout",
      data,
      entity_id: current.id,
      record: {
        store: "checkins",
        value: { ...current, checkout_at: now, checkout_location: loc, open: false, _status: current._status === "created" ? "created" : "updated" },
      },
    });
    showToast(t("checkin.doneOut"));
  }

  action.addEventListener("click", () =>
    void once([action], async () => {
      try {
        await step();
      } catch {
        showToast(t("report.error.storage"));
      }
      await refresh();
      void requestFlush();
    }),
  );

  const section = h(
    "section",
    { class: "screen", "aria-labelledby": "checkin-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("checkin-title", t("checkin.title")),
      h("div", { class: "state-box" }, stateText, stateBadgeSlot),
      taskNote,
      h("div", { class: "field" }, h("span", { class: "field-label" }, t("checkin.location")), locText, retry),
      h("h2", {}, t("checkin.history")),
      empty,
      history,
    ),
    h("div", { class: "screen-actions" }, action),
  );
  void refresh();
  void findMe();
  whileAttached<void>(section, onDataChanged, () => void refresh());
  return section;
}
