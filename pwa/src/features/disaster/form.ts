// The officer's figure form for one event: four groups of big numeric inputs, prefilled from the
// village's last report (so a follow-up changes only what changed), the reason shown as soon as a
// figure goes down, a draft kept on the phone as one types, and the report sent through the
// outbox: 已存本机 at once, 已发送 when the server has it, 被退回 with why.
import "./disaster.css";
import { h, whileAttached } from "../../shared/dom";
import { showToast } from "../../shared/toast";
import { confirmStep } from "../../shared/confirm";
import { screenHead, stateBadge } from "../../shared/ui";
import { refusalView } from "../../shared/refusal";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { uuid, type Draft, type OutboxOp } from "../../data/db";
import { enqueue, requeue } from "../../data/outbox";
import { deleteDraft, getDraft, saveDraft } from "../../data/stores";
import { requestFlush } from "../../data/flush";
import { onDataChanged } from "../../data/events";
import type { User } from "../../api";
import { loadEvent, myOps, type EventDetail } from "./data";
import { kindLabel } from "./disasters";
import { DECIMALS, emptyFigures, figureErrors, fromServer, GROUPS, lowered, nextKind, toPayload, type Figure, type Figures, type ReportKind } from "./model";

interface FormDraft extends Draft {
  id: string;
  kind: ReportKind | null;
  values: Figures;
  note: string;
  reason: string;
}

interface Base {
  kind: ReportKind | null;
  figures: Figures | null;
  at?: string;
}

/** The village's last report as this phone knows it: its own unrefused ops after the server's. */
function baseOf(detail: EventDetail | null, ops: OutboxOp[], villageId: number): Base {
  const server = (detail?.reports ?? []).filter((r) => r.region_id === villageId);
  const last = server[server.length - 1];
  const known = new Set(server.map((r) => r.id));
  const pending = ops.filter((op) => op.state !== "refused" && !known.has(String(op.data.id)));
  const mine = pending[pending.length - 1];
  if (mine) return { kind: mine.data.kind as ReportKind, figures: fromServer(mine.data), at: mine.at };
  if (last) return { kind: last.kind, figures: fromServer(last.figures), at: last.reported_at };
  return { kind: null, figures: null };
}

export function renderDisasterForm(user: User, eventId: string): HTMLElement {
  const key = `disaster:${eventId}`;
  let detail: EventDetail | null = null;
  let base: Base = { kind: null, figures: null };
  let draft: FormDraft = { key, saved_at: "", id: uuid(), kind: null, values: emptyFigures(), note: "", reason: "" };
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let sending = false;
  // The refused report being fixed: sent again in its place (the outbox keeps one, not two).
  let fixing: OutboxOp | null = null;
  // Until the event (and the village's last report) has come, on one bar of signal that can take
  // a while: what the officer types meanwhile outlives the draft and the prefill that come after.
  let loaded = false;
  const typedEarly = new Set<Figure | "note" | "reason">();

  const save = (now = false) => {
    draft.saved_at = new Date().toISOString();
    if (saveTimer) clearTimeout(saveTimer);
    const write = () => void saveDraft(draft).catch(() => undefined);
    if (now) write();
    else saveTimer = setTimeout(write, 250);
  };

  const title = h("h2", { class: "dz-kind", id: "dz-form-kind" });
  const heading = screenHead("dz-form-title", t("dz.formTitle"));
  const eventLine = h("p", { class: "hint" });
  const notice = h("p", { class: "notice", role: "status", hidden: true });
  const fixNotice = h("div", { class: "notice notice-warn", hidden: true });
  const doneNotice = h("p", { class: "notice notice-warn", hidden: true }, t("dz.verifiedDone"));
  const kindChoice = h("fieldset", { class: "chips", hidden: true });
  const errorBox = h("p", { class: "form-error", role: "alert" });
  const inputs = new Map<Figure, { input: HTMLInputElement; was: HTMLElement; err: HTMLElement }>();

  const groups = GROUPS.map((g) =>
    h(
      "fieldset",
      { class: "dz-group" },
      h("legend", {}, t(`dz.group.${g.id}` as MessageKey)),
      h(
        "div",
        { class: "dz-grid" },
        ...g.fields.map((f) => {
          const id = `dz-${f}`;
          const input = h("input", {
            id,
            name: f,
            type: "text",
            inputmode: DECIMALS.includes(f) ? "decimal" : "numeric",
            autocomplete: "off",
            enterkeyhint: "next",
            placeholder: "0",
          });
          const was = h("span", { class: "was" });
          const err = h("span", { class: "err", id: `${id}-err`, "aria-live": "polite" });
          input.addEventListener("input", () => {
            if (!loaded) typedEarly.add(f);
            draft.values[f] = input.value.trim();
            save();
            check();
          });
          inputs.set(f, { input, was, err });
          return h("div", { class: "dz-fig" }, h("label", { for: id }, t(`dz.f.${f}` as MessageKey)), input, was, err);
        }),
      ),
    ),
  );

  const note = h("textarea", { id: "dz-note", maxlength: 2000, rows: 3 });
  note.addEventListener("input", () => {
    if (!loaded) typedEarly.add("note");
    draft.note = note.value;
    save();
  });
  const reason = h("textarea", { id: "dz-reason", maxlength: 1000, rows: 3 });
  const reasonList = h("p", { class: "hint" });
  const reasonBox = h("div", { class: "dz-text dz-reason", hidden: true }, h("label", { for: "dz-reason" }, t("dz.reason")), reasonList, reason);
  reason.addEventListener("input", () => {
    if (!loaded) typedEarly.add("reason");
    draft.reason = reason.value;
    save();
    check();
  });

  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block btn-huge" }, t("dz.submit"));
  const mine = h("ul", { class: "dz-mine", "aria-label": t("dz.mine") });
  const mineHead = h("h2", { hidden: true }, t("dz.mine"));

  /** Marks what is wrong; answers whether the form may be sent. */
  function check(): boolean {
    const errs = figureErrors(draft.values);
    const down = lowered(draft.values, base.figures);
    for (const [f, parts] of inputs) {
      const e = errs[f];
      parts.err.textContent = e ? t(`dz.err.${e}` as MessageKey) : down.includes(f) ? "" : "";
      parts.input.setAttribute("aria-invalid", e ? "true" : "false");
      if (e) parts.input.setAttribute("aria-describedby", parts.err.id);
      else parts.input.removeAttribute("aria-describedby");
      parts.was.className = down.includes(f) ? "down" : "was";
      parts.was.textContent = base.figures ? t(down.includes(f) ? "dz.wasDown" : "dz.was", { n: base.figures[f] || "0" }) : "";
    }
    reasonBox.hidden = down.length === 0;
    reasonList.textContent = down.length ? t("dz.reasonWhy", { fields: down.map((f) => t(`dz.f.${f}` as MessageKey)).join("、") }) : "";
    return Object.keys(errs).length === 0 && (down.length === 0 || draft.reason.trim().length > 0);
  }

  function setKind(kind: ReportKind): void {
    draft.kind = kind;
    title.textContent = kindLabel2(kind);
    submit.textContent = t("dz.submitKind", { kind: kindLabel2(kind) });
  }

  function kindChips(): void {
    const options: ReportKind[] = base.kind ? ["follow_up", "verified"] : ["initial"];
    kindChoice.hidden = options.length < 2;
    kindChoice.replaceChildren(
      h("legend", {}, t("dz.kind")),
      h(
        "div",
        { class: "chip-row" },
        ...options.map((k) => {
          const input = h("input", { type: "radio", name: "dz-kind", value: k, class: "visually-hidden", checked: draft.kind === k });
          input.addEventListener("change", () => {
            setKind(k);
            save();
          });
          return h("label", { class: "chip" }, input, h("span", { class: "chip-face" }, kindLabel2(k)));
        }),
      ),
    );
  }

  function fill(): void {
    // Only what differs is written: the field being typed in keeps its caret.
    for (const [f, parts] of inputs) if (parts.input.value.trim() !== draft.values[f]) parts.input.value = draft.values[f];
    if (note.value !== draft.note) note.value = draft.note;
    if (reason.value !== draft.reason) reason.value = draft.reason;
    const allowed: ReportKind[] = base.kind ? ["follow_up", "verified"] : ["initial"];
    setKind(draft.kind && allowed.includes(draft.kind) ? draft.kind : nextKind(base.kind));
    kindChips();
    const closedForMe = base.kind === "verified" || detail?.status === "closed";
    doneNotice.hidden = !closedForMe;
    if (detail?.status === "closed") doneNotice.textContent = t("dz.closed");
    form.querySelectorAll<HTMLElement>(".dz-group, .dz-text, .chips").forEach((el) => el.toggleAttribute("inert", closedForMe));
    submit.hidden = closedForMe;
    check();
  }

  async function showMine(): Promise<void> {
    const ops = await myOps(eventId).catch(() => [] as OutboxOp[]);
    mineHead.hidden = ops.length === 0;
    mine.replaceChildren(
      ...ops
        .slice()
        .reverse()
        .map((op) =>
          h(
            "li",
            { "data-op": op.op_id },
            h("strong", {}, kindLabel2(op.data.kind as ReportKind)),
            h("span", { class: "card-meta" }, formatDateTime(op.at)),
            h("span", {}, t("dz.affectedN", { n: String(op.data.affected ?? 0) })),
            stateBadge(op.state),
            op.state === "refused" ? refusalView(op.error) : null,
          ),
        ),
    );
  }

  async function onSubmit(e: Event): Promise<void> {
    e.preventDefault();
    if (sending) return;
    if (!check()) {
      errorBox.textContent = t("dz.fixFirst");
      const bad = [...inputs.values()].find((p) => p.input.getAttribute("aria-invalid") === "true");
      (bad?.input ?? (reasonBox.hidden ? null : reason))?.focus();
      return;
    }
    errorBox.textContent = "";
    const kind = draft.kind ?? nextKind(base.kind);
    if (kind === "verified") {
      const ok = await confirmStep({ title: t("dz.confirmVerified"), body: t("dz.confirmVerifiedBody"), confirm: t("dz.confirmVerifiedYes") });
      if (!ok) return;
    }
    sending = true;
    submit.disabled = true;
    const data: Record<string, unknown> = {
      event_id: eventId,
      id: draft.id,
      kind,
      ...toPayload(draft.values),
      note: draft.note.trim() || null,
      reason: draft.reason.trim() || null,
    };
    try {
      const replaced = fixing ? await requeue(fixing.op_id, data) : null;
      if (!replaced) await enqueue({ type: "disaster.report", data, entity_id: draft.id });
      fixing = null;
      fixNotice.hidden = true;
      await deleteDraft(key);
    } catch {
      errorBox.textContent = t("dz.storageFailed");
      sending = false;
      submit.disabled = false;
      return;
    }
    showToast(t("dz.saved"));
    void requestFlush();
    // The next report starts from the one just saved, with a new id.
    base = { kind, figures: { ...draft.values }, at: new Date().toISOString() };
    draft = { key, saved_at: "", id: uuid(), kind: null, values: { ...draft.values }, note: "", reason: "" };
    fill();
    await showMine();
    sending = false;
    submit.disabled = false;
  }

  const form = h(
    "form",
    { class: "screen", novalidate: true, "aria-labelledby": "dz-form-title", onsubmit: (e: Event) => void onSubmit(e) },
    h(
      "div",
      { class: "screen-body" },
      heading,
      eventLine,
      notice,
      fixNotice,
      doneNotice,
      title,
      kindChoice,
      ...groups,
      reasonBox,
      h("div", { class: "dz-text" }, h("label", { for: "dz-note" }, t("dz.note")), note),
      errorBox,
      mineHead,
      mine,
    ),
    h("div", { class: "screen-actions" }, submit),
  );

  void (async () => {
    const [got, ops, saved] = await Promise.all([
      loadEvent(eventId).catch(() => ({ value: null }) as Awaited<ReturnType<typeof loadEvent>>),
      myOps(eventId).catch(() => [] as OutboxOp[]),
      getDraft<FormDraft>(key).catch(() => undefined),
    ]);
    detail = got.value;
    if (detail) eventLine.textContent = `${kindLabel(detail.kind)} · ${detail.name} · ${t("dz.dueBy", { time: formatDateTime(detail.initial_due_at) })}`;
    if (got.cachedAt) {
      notice.textContent = t("dz.cached", { time: formatDateTime(got.cachedAt) });
      notice.hidden = false;
    } else if (!detail) {
      notice.textContent = t("dz.offlineNoCopy");
      notice.hidden = false;
    }
    base = baseOf(detail, ops, Number(user.region_id));
    // The phone's last report was refused (a figure down without a reason, sent after another):
    // open it to fix, with the server's reason in words, and send it again in its place.
    const last = ops[ops.length - 1];
    if (last?.state === "refused" && !last.scrubbed) {
      fixing = last;
      fixNotice.replaceChildren(h("p", {}, t("dz.fixRefused")), refusalView(last.error));
      fixNotice.hidden = false;
    }
    if (saved) {
      draft = { ...draft, ...saved, values: { ...emptyFigures(), ...saved.values } };
      notice.textContent = t("dz.draftRestored");
      notice.hidden = false;
    } else if (fixing) {
      const d = fixing.data;
      draft = { ...draft, id: String(d.id), kind: d.kind as ReportKind, values: fromServer(d), note: String(d.note ?? ""), reason: String(d.reason ?? "") };
    } else if (base.figures) {
      draft.values = { ...base.figures };
    }
    // What was typed while this was on its way wins over the kept draft and the prefill.
    loaded = true;
    for (const f of typedEarly) {
      if (f === "note") draft.note = note.value;
      else if (f === "reason") draft.reason = reason.value;
      else draft.values[f] = (inputs.get(f)?.input.value ?? "").trim();
    }
    if (typedEarly.size) save();
    fill();
    await showMine();
  })();

  document.addEventListener("visibilitychange", function onHide() {
    if (!form.isConnected) return document.removeEventListener("visibilitychange", onHide);
    if (document.visibilityState === "hidden") save(true);
  });
  whileAttached<void>(form, onDataChanged, () => void showMine());
  return form;
}

function kindLabel2(kind: ReportKind): string {
  return t(`dz.rk.${kind}` as MessageKey);
}
