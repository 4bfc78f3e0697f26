// /trainings/<id>: the roll call. One row per member expected, with 到 and 缺 (48 px); each tap
// is a `training.attend` op in the outbox, so the roll is taken in a field with no signal, and the
// row says where its mark stands (saved on this phone, sent, refused and why). The roll opens
// offline from the last answer kept on this phone.
import "./training.css";
import { h, whileAttached } from "../../shared/dom";
import { screenHead, stateBadge } from "../../shared/ui";
import { refusalView } from "../../shared/refusal";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import type { User } from "../../api";
import { problemSentence } from "../../i18n/problem";
import { listOps } from "../../data/outbox";
import { onDataChanged } from "../../data/events";
import { onNetworkChange } from "../../shared/network";
import { countRows, needsMark, rollRows, type Mark, type Roll, type RowView } from "./model";
import { loadRoll, mark } from "./store";
import { kindWord } from "./list";

const WORD: Record<Mark, MessageKey> = { present: "training.mark.present", absent: "training.mark.absent", late: "training.mark.late" };

export function renderRoll(user: User, trainingId: string): HTMLElement {
  const status = h("p", { class: "hint", id: "roll-status", "aria-live": "polite" }, t("desk.loading"));
  const facts = h("div", { id: "roll-facts" });
  const counts = h("p", { class: "tr-counts", id: "roll-counts", "aria-live": "polite" });
  const rows = h("ul", { class: "tr-roll", id: "roll-list" });
  let roll: Roll | null = null;
  // Member ids whose tap is being saved: a second tap meanwhile is the same intent.
  const saving = new Set<string>();

  function row(r: RowView, cancelled: boolean): HTMLElement {
    const button = (wanted: Mark, cls: string) =>
      h(
        "button",
        {
          type: "button",
          class: `btn ${cls}`,
          "data-mark": wanted,
          "aria-pressed": String(r.mark === wanted),
          disabled: cancelled,
          onclick: () => void tap(r, wanted),
        },
        t(WORD[wanted]),
      );
    const now = r.mark ? t(WORD[r.mark]) : t("training.mark.none");
    return h(
      "li",
      { class: "tr-row", "data-member": r.member_id, "data-mark": r.mark ?? "none", "data-state": r.state ?? "none" },
      h("span", { class: "tr-name" }, r.name),
      h("span", { class: "tr-now" }, h("span", { class: `tone ${r.mark === "absent" ? "tone-bad" : r.mark ? "tone-ok" : "tone-done"}` }, now), r.state ? stateBadge(r.state) : null),
      h("span", { class: "tr-buttons" }, button("present", "btn-primary"), button("absent", "btn-secondary")),
      r.state === "refused" ? refusalView(r.problem) : null,
    );
  }

  async function paint(): Promise<void> {
    if (!roll) return;
    const ops = await listOps().catch(() => []);
    const view = rollRows(roll, ops);
    const c = countRows(view);
    counts.textContent = t("training.counts", { expected: c.expected, present: c.present + c.late, absent: c.absent, unmarked: c.unmarked });
    rows.replaceChildren(...view.map((r) => row(r, roll!.status === "cancelled")));
  }

  async function tap(r: RowView, wanted: Mark): Promise<void> {
    if (!roll || saving.has(r.member_id) || !needsMark(r, wanted)) return;
    saving.add(r.member_id);
    try {
      await mark(roll.id, r.member_id, wanted);
    } finally {
      saving.delete(r.member_id);
    }
    await paint();
  }

  let loading = false;
  async function load(): Promise<void> {
    if (loading) return;
    loading = true;
    const got = await loadRoll(trainingId, user.id).finally(() => (loading = false));
    if (got.source === "none") {
      status.className = got.error ? "notice notice-error" : "notice notice-warn";
      status.textContent = got.error ? problemSentence(got.error.problem) : t("training.offlineNone");
      return;
    }
    roll = got.body;
    facts.replaceChildren(
      h("p", {}, h("span", { class: "tr-kind" }, kindWord(roll.kind)), " ", h("strong", {}, roll.title)),
      h("p", { class: "card-meta" }, t("training.when", { time: formatDateTime(roll.starts_at) })),
      h("p", { class: "card-meta" }, t("training.where", { place: roll.place })),
      roll.status === "cancelled" ? h("p", { class: "notice notice-error", id: "roll-cancelled" }, t("training.cancelledNote")) : "",
    );
    status.className = got.source === "kept" ? "notice notice-warn" : "hint";
    status.dataset.state = got.source;
    status.textContent = got.source === "kept" ? t("training.offlineAt", { time: formatDateTime(new Date(got.savedAt).toISOString()) }) : t("training.rollHint");
    await paint();
  }
  void load();

  const section = h(
    "section",
    { class: "screen", "aria-labelledby": "roll-title" },
    h("div", { class: "screen-body" }, screenHead("roll-title", t("training.rollTitle")), facts, status, counts, rows),
  );
  // The outbox moved (sent, refused): the rows follow.
  whileAttached<void>(section, onDataChanged, () => void paint());
  // The signal came back: the server's roll again (a roll shown from this phone says so until then).
  whileAttached<boolean>(section, onNetworkChange, (online) => {
    if (online) void load();
  });
  return section;
}
