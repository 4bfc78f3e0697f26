// A report's life on the phone: the steps the signed-in person may take now (steps.ts), each
// opening its short form (step-forms.ts) and going through the outbox as its `report.<kind>` op
// with a step id made here, so a double tap or a resend is one step. The steps this phone holds
// show in the timeline at once: saved here, sent, or refused with the reason in words.
import { h } from "../../shared/dom";
import { armLater } from "../../shared/guard";
import { refusalView } from "../../shared/refusal";
import { showToast } from "../../shared/toast";
import { stateBadge } from "../../shared/ui";
import { t, type MessageKey } from "../../i18n";
import type { Draft, LocalRecord, OutboxOp } from "../../data/db";
import { discard, enqueue, requeue } from "../../data/outbox";
import { deleteDraft, getDraft, saveDraft } from "../../data/stores";
import { problemSlug } from "../../data/problem";
import { requestFlush } from "../../data/flush";
import { cachedMe } from "../auth/session";
import { allowedSteps, isStepKind, predict, type StepKind } from "./steps";
import { queuedOf, stateRefusalText, stepOpsFor, type StepOp } from "./life-model";
import { newStepId, renderStepForm, type StepFormState, type StepSubmission } from "./step-forms";

/** A step form left half-way, kept as the person goes (drafts store), one per person and report. */
interface StepDraft extends Draft, StepFormState {
  kind: string;
  step_id: string;
}
import { stepLine, type TimelineLine } from "./timeline";

export { notYetShown, stepOpsFor } from "./life-model";

// A refusal that sending again cannot mend (the report moved on, the person may not) is only cleared.
const FINAL = new Set(["report-state", "not-assignee", "own-work", "forbidden", "not-found", "validation", "conflict"]);

/** One line of the timeline for a step still on this phone (or refused): what, who, its state. */
export function pendingItem(s: StepOp): HTMLLIElement {
  const { op } = s;
  const kept = op.kept ?? {};
  const line: TimelineLine = stepLine({ ...op.data, kind: s.kind, actor_name: kept.actor_name ?? "", assignee_name: kept.assignee_name, at: op.at });
  const stateText = stateRefusalText(op.error);
  const slug = problemSlug(op.error);
  const actions: HTMLElement[] = [];
  if (op.state === "refused") {
    if (!FINAL.has(slug) && !op.scrubbed)
      actions.push(h("button", { type: "button", class: "btn btn-secondary", onclick: () => void requeue(op.op_id).then(() => requestFlush()) }, t("outbox.retry")));
    actions.push(h("button", { type: "button", class: "btn btn-secondary", "data-action": "dismiss", onclick: () => void discard(op.op_id) }, t("life.dismiss")));
  }
  return h(
    "li",
    { class: `tl-step tl-phone tl-${s.kind} tl-${op.state}`, "data-kind": s.kind, "data-op-state": op.state, "data-step": s.stepId },
    h("p", { class: "tl-what" }, line.what, " ", stateBadge(op.state)),
    h("p", { class: "tl-meta" }, [line.who, line.when].filter(Boolean).join(" · ")),
    line.note ? h("p", { class: "tl-note" }, line.note) : null,
    line.photos ? h("p", { class: "tl-photos" }, t("tl.photos", { n: line.photos })) : null,
    op.state === "refused"
      ? stateText
        ? h(
            "div",
            { class: "refusal refused-reason", "data-problem": slug },
            h("p", { class: "refusal-message" }, stateText),
            h("p", { class: "hint" }, t("life.refused.refreshed")),
          )
        : refusalView(op.error)
      : null,
    actions.length ? h("div", { class: "card-actions" }, ...actions) : null,
  );
}

export interface LifePanel {
  el: HTMLElement;
  update(rec: LocalRecord | undefined, ops: OutboxOp[]): void;
}

/** The buttons of the steps the person may take now, and the form of the one they opened. */
export function renderLife(reportId: string): LifePanel {
  const head = h("h2", { id: "life-head" }, t("life.head"));
  const buttons = h("div", { class: "life-buttons", id: "life-buttons" });
  const el = h("section", { class: "life", "aria-labelledby": "life-head", hidden: true }, head, buttons);
  let open: { kind: StepKind; form: HTMLElement } | null = null;
  let drawn = "";
  const draftKey = () => `step:${cachedMe()?.user.id ?? "-"}:${reportId}`;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;

  function close(): void {
    open?.form.remove();
    open = null;
    buttons.hidden = false;
    drawn = "";
    if (saveTimer) clearTimeout(saveTimer);
    void deleteDraft(draftKey()).catch(() => undefined);
  }

  function start(kind: StepKind, draft?: StepDraft): void {
    if (open) return;
    // Made once per form (and kept with its draft): whatever happens to the op, or to the app
    // half-way, this step is one step on the server.
    const stepId = draft?.step_id ?? newStepId();
    const key = draftKey();
    let photoCount = draft?.photos.length ?? 0;
    const form = renderStepForm({
      kind,
      restore: draft,
      onChange: (state) => {
        if (saveTimer) clearTimeout(saveTimer);
        const write = () => void saveDraft({ key, saved_at: "", kind, step_id: stepId, ...state }).catch(() => undefined);
        // A photo is written at once (its bytes are already kept); typing, a moment later.
        if (state.photos.length !== photoCount) write();
        else saveTimer = setTimeout(write, 250);
        photoCount = state.photos.length;
      },
      cancel: () => close(),
      submit: (s) => queue(kind, stepId, s),
    });
    open = { kind, form };
    buttons.hidden = true;
    el.append(form);
    form.querySelector<HTMLElement>("h2")?.scrollIntoView({ block: "start" });
  }

  async function queue(kind: StepKind, stepId: string, s: StepSubmission): Promise<void> {
    const me = cachedMe()?.user;
    await enqueue({
      type: `report.${kind}`,
      data: { ...s.body, id: stepId, report_id: reportId },
      media_ids: s.media_ids,
      entity_id: reportId,
      kept: { ...s.kept, actor_name: me?.display_name ?? "" },
    });
    if (saveTimer) clearTimeout(saveTimer);
    close();
    showToast(t("life.saved"));
    void requestFlush();
  }

  function update(rec: LocalRecord | undefined, ops: OutboxOp[]): void {
    const me = cachedMe()?.user;
    if (!rec || typeof rec.status !== "string" || !me || rec._status === "created") {
      el.hidden = true;
      return;
    }
    const steps = stepOpsFor(ops, reportId);
    const facts = predict(
      { status: rec.status, assignee_id: typeof rec.assignee_id === "string" ? rec.assignee_id : null, steps: Array.isArray(rec.steps) ? (rec.steps as { kind?: unknown; actor_id?: unknown }[]) : [] },
      queuedOf(rec, steps),
    );
    const allowed = allowedSteps(me, facts);
    el.hidden = !allowed.length && !open;
    const key = allowed.join(",");
    if (open || key === drawn) return;
    drawn = key;
    buttons.replaceChildren(
      // Inert for a moment when they appear: the second tap of a double tap on "send" that closed
      // the form must not open the next step's form in its place.
      ...allowed.map((kind, i) =>
        armLater(h(
          "button",
          { type: "button", class: `btn ${i === 0 ? "btn-primary" : "btn-secondary"}${kind === "reject" ? " btn-danger" : ""} btn-block`, id: `step-${kind}`, "data-kind": kind, onclick: () => start(kind) },
          t(`life.step.${kind}` as MessageKey),
        )),
      ),
    );
  }

  // A form left half-way on this report comes back as it was.
  void getDraft<StepDraft>(draftKey())
    .then((d) => {
      if (d && isStepKind(d.kind) && !open) {
        start(d.kind, d);
        el.hidden = false;
      }
    })
    .catch(() => undefined);

  return { el, update };
}
