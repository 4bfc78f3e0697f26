// Check in / check out: where the member stands now, the GPS point, and one big button that does
// the next thing. The action is an outbox op, so it works in a valley with no signal.
import { refusalView } from "../../shared/refusal";
import { h, whileAttached } from "../../shared/dom";
import { showToast } from "../../shared/toast";
import { screenHead, stateBadge } from "../../shared/ui";
import { failureText, fixText, GeoError, locate, type Fix } from "../../shared/geo";
import { formatDateTime, t } from "../../i18n";
import { getMeta, isoWithOffset, uuid, type LocalRecord, type OpState } from "../../data/db";
import { enqueue, listOps } from "../../data/outbox";
import { listRecords, openCheckin } from "../../data/stores";
import { onDataChanged } from "../../data/events";
import { requestFlush } from "../../data/flush";

const point = (fix: Fix | null) => (fix ? (fix.accuracy !== undefined ? { lat: fix.lat, lon: fix.lon, accuracy: fix.accuracy } : { lat: fix.lat, lon: fix.lon }) : null);

export function renderCheckin(): HTMLElement {
  let fix: Fix | null = null;
  let locating: Promise<void> | null = null;
  let open: LocalRecord | null = null;
  let userId: string | null = null;

  const stateText = h("p", { class: "big-state", id: "checkin-state", "aria-live": "polite" });
  const stateBadgeSlot = h("span", {});
  const locText = h("p", { class: "loc-text", id: "checkin-location", "aria-live": "polite" });
  const retry = h("button", { type: "button", class: "btn btn-secondary", onclick: () => void findMe() }, t("geo.retry"));
  const history = h("ul", { class: "cards" });
  const empty = h("p", { class: "hint", hidden: true }, t("checkin.empty"));
  const action = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", disabled: true }, t("checkin.checkin"));

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
      open = await openCheckin(userId);
      const ops = await listOps();
      const byOp = new Map(ops.map((op) => [op.op_id, op.state]));
      const stateOf = (r: LocalRecord): OpState => (r._status === "synced" ? "sent" : ((r._op_id && byOp.get(r._op_id)) || "waiting"));
      stateText.textContent = open ? t("checkin.stateIn", { time: formatDateTime(String(open.checkin_at)) }) : t("checkin.stateOut");
      stateBadgeSlot.replaceChildren(open ? stateBadge(stateOf(open)) : "");
      action.textContent = open ? t("checkin.checkout") : t("checkin.checkin");
      action.disabled = false;
      const refused = new Map(ops.filter((op) => op.state === "refused" && op.entity_id).map((op) => [String(op.entity_id), op.error]));
      const mine = (await listRecords("checkins"))
        .filter((c) => !userId || !c.user_id || c.user_id === userId)
        .sort((a, b) => String(b.checkin_at ?? "").localeCompare(String(a.checkin_at ?? "")))
        .slice(0, 5);
      history.replaceChildren(
        ...mine.map((c) =>
          h(
            "li",
            { class: "card" },
            h(
              "div",
              { class: "card-top" },
              h("span", { class: "card-title" }, t("checkin.in", { time: formatDateTime(String(c.checkin_at)) })),
              stateBadge(stateOf(c)),
            ),
            c.checkout_at ? h("p", { class: "card-meta" }, t("checkin.out", { time: formatDateTime(String(c.checkout_at)) })) : null,
            stateOf(c) === "refused" ? refusalView(refused.get(String(c.id))) : null,
          ),
        ),
      );
      empty.hidden = mine.length > 0;
    } catch {
      action.disabled = false;
    }
  }

  action.addEventListener("click", async () => {
    if (action.disabled) return;
    action.disabled = true;
    // A fix on its way is worth a few seconds; no fix at all never blocks the check-in.
    if (locating) await Promise.race([locating, new Promise((r) => setTimeout(r, 8000))]);
    const now = isoWithOffset();
    const loc = point(fix);
    try {
      if (!open) {
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
      } else {
        const data: Record<string, unknown> = { id: open.id };
        if (loc) data.location = loc;
        await enqueue({
          type: "attendance.checkout",
          data,
          entity_id: open.id,
          record: {
            store: "checkins",
            value: { ...open, checkout_at: now, checkout_location: loc, open: false, _status: open._status === "created" ? "created" : "updated" },
          },
        });
        showToast(t("checkin.doneOut"));
      }
    } catch {
      showToast(t("report.error.storage"));
    }
    await refresh();
    void requestFlush();
  });

  const section = h(
    "section",
    { class: "screen", "aria-labelledby": "checkin-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("checkin-title", t("checkin.title")),
      h("div", { class: "state-box" }, stateText, stateBadgeSlot),
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
