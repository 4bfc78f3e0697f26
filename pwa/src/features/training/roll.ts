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
import { cancelTraining, loadRoll, mark, markByBadge } from "./store";
import { kindWord } from "./list";
import { badgeMember } from "./plan-model";
import { once } from "../../shared/guard";
import { confirmStep } from "../../shared/confirm";
import { navigate } from "../../shared/router";
import { isOnline } from "../../shared/network";
import { showToast } from "../../shared/toast";
import { ApiError } from "../../api";

const WORD: Record<Mark, MessageKey> = { present: "training.mark.present", absent: "training.mark.absent", late: "training.mark.late" };

export function renderRoll(user: User, trainingId: string): HTMLElement {
  const status = h("p", { class: "hint", id: "roll-status", "aria-live": "polite" }, t("desk.loading"));
  const facts = h("div", { id: "roll-facts" });
  const counts = h("p", { class: "tr-counts", id: "roll-counts", "aria-live": "polite" });
  const rows = h("ul", { class: "tr-roll", id: "roll-list" });
  // The badge scanner (to the top: the one thing a roll is for, with many members to mark) and,
  // below the roll, the plan's own steps: change it, cancel it (both need the signal).
  const scanBtn = h("button", { type: "button", class: "btn btn-primary btn-block", id: "roll-scan", hidden: true }, t("training.scan.button"));
  const scanLine = h("p", { class: "hint", id: "roll-scan-result", role: "status", "aria-live": "polite" });
  const editBtn = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "roll-edit", hidden: true }, t("training.plan.edit"));
  const cancelBtn = h("button", { type: "button", class: "btn btn-danger btn-block", id: "roll-cancel", hidden: true }, t("training.cancel.button"));
  const planNote = h("p", { class: "hint", id: "roll-plan-note", hidden: true });
  const planError = h("p", { class: "notice notice-error", id: "roll-plan-error", role: "alert", hidden: true });
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
    paintSteps();
  }

  function paintSteps(): void {
    const open = roll !== null && roll.status !== "cancelled";
    scanBtn.hidden = !open;
    editBtn.hidden = cancelBtn.hidden = !open;
    const online = isOnline();
    if (cancelBtn.dataset.busy !== "true") cancelBtn.disabled = !online;
    editBtn.disabled = !online;
    planNote.hidden = !open || online;
    planNote.textContent = t("training.plan.stepsOffline");
  }

  /** A scanned code: 到 for that member of this roll, once; anything else says so and marks no one. */
  async function scanned(memberId: string): Promise<void> {
    if (!roll) return;
    const ops = await listOps().catch(() => []);
    const r = rollRows(roll, ops).find((x) => x.member_id === memberId);
    if (!r) return; // accept() only lets this roll's members through
    if (!needsMark(r, "present")) {
      scanLine.textContent = t("training.scan.already", { name: r.name });
      return;
    }
    if (saving.has(memberId)) return;
    saving.add(memberId);
    try {
      await markByBadge(roll.id, memberId);
    } finally {
      saving.delete(memberId);
    }
    scanLine.textContent = t("training.scan.marked", { name: r.name });
    await paint();
  }

  scanBtn.addEventListener("click", () =>
    void once([scanBtn], async () => {
      if (!roll) return;
      const members = new Set(roll.roll.map((e) => e.member_id));
      const { scanReceipt } = await import("../kiosk/scan");
      const code = await scanReceipt({
        accept: (text) => {
          const id = badgeMember(text);
          return id && members.has(id) ? id : null;
        },
        refused: (text) => t(badgeMember(text) ? "training.scan.notExpected" : "training.scan.notBadge"),
        words: {
          title: t("training.scan.title"),
          aim: t("training.scan.aim"),
          photo: t("training.scan.photo"),
          noCode: t("training.scan.noCode"),
          "camera.denied": t("training.scan.camera.denied"),
          "camera.none": t("training.scan.camera.none"),
          "camera.failed": t("training.scan.camera.failed"),
        },
      });
      if (code) await scanned(code);
    }),
  );
  editBtn.addEventListener("click", () => navigate(`/trainings/${trainingId}/edit`));
  cancelBtn.addEventListener("click", () =>
    void once([cancelBtn], async () => {
      if (!roll || !isOnline()) return;
      const yes = await confirmStep({ title: t("training.cancel.title"), body: t("training.cancel.body", { title: roll.title }), confirm: t("training.cancel.confirm"), cancel: t("training.cancel.keep"), danger: true });
      if (!yes) return;
      planError.hidden = true;
      try {
        await cancelTraining(roll.id);
        showToast(t("training.cancel.done", { title: roll.title }));
        await load();
      } catch (err) {
        planError.textContent = err instanceof ApiError ? problemSentence(err.problem) : t("training.plan.noAnswerCancel");
        planError.hidden = false;
      }
    }).then(paintSteps),
  );

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
    h(
      "div",
      { class: "screen-body" },
      screenHead("roll-title", t("training.rollTitle")),
      facts,
      status,
      counts,
      scanBtn,
      scanLine,
      rows,
      h("div", { class: "form-actions tr-plan-steps" }, planNote, planError, editBtn, cancelBtn),
    ),
  );
  // The outbox moved (sent, refused): the rows follow.
  whileAttached<void>(section, onDataChanged, () => void paint());
  // The signal came back: the server's roll again (a roll shown from this phone says so until then).
  whileAttached<boolean>(section, onNetworkChange, (online) => {
    paintSteps();
    if (online) void load();
  });
  return section;
}
