// /trainings/new and /trainings/<id>/edit: the captain plans a training or drill (kind, title,
// place, China day and times, hours, the members expected). Everything typed is kept on this phone
// as a draft and comes back after a reload or a killed app. There is no op for planning: it goes to
// the server at once, so with no signal the button is disabled and says why, and the draft stays.
import "./training.css";
import { h, whileAttached } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { once } from "../../shared/guard";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { showToast } from "../../shared/toast";
import { navigate } from "../../shared/router";
import { isOnline, onNetworkChange } from "../../shared/network";
import { getLang, t, type MessageKey } from "../../i18n";
import { ApiError, OfflineError, type User } from "../../api";
import { describeProblem } from "../../i18n/problem";
import { deleteDraft, getDraft, saveDraft } from "../../data/stores";
import { savedAtText } from "../desk/draft";
import { kindWord } from "./list";
import { checkPlan, draftFromTraining, emptyPlanDraft, findSent, KINDS, PLAN_FIELDS, planDraftKey, planHasContent, restorePlanDraft, suggestedHours, tickedMembers, type PlanDraft, type PlanField } from "./plan-model";
import { loadMembers, loadRoll, planTraining, serverTrainings, updateTraining, type TeamMember } from "./store";

const SAVE_MS = 300;
// Server field names to the form's.
const SERVER_FIELD: Record<string, PlanField> = { kind: "kind", title: "title", place: "place", starts_at: "start", ends_at: "end", planned_hours: "hours", member_ids: "members" };

export function renderPlan(user: User, trainingId: string | null): HTMLElement {
  const teamId = String((user as User & { team_id?: string | null }).team_id ?? "");
  const key = planDraftKey(user.id, trainingId);
  let draft: PlanDraft = emptyPlanDraft(key, trainingId ?? "");
  let team: TeamMember[] = [];
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let finished = false;
  let blocked = false; // an edit of a training that cannot be changed (cancelled, not found)

  const restored = h("p", { class: "notice", id: "plan-restored", hidden: true });
  const missing = h("p", { class: "notice notice-warn", id: "plan-missing", hidden: true });
  const savedLine = h("p", { class: "draft-line", id: "plan-draft", "aria-live": "polite" });
  const offline = h("p", { class: "notice notice-warn", id: "plan-offline", hidden: true }, t("training.plan.offline"));
  const errorBox = h("p", { class: "notice notice-error", id: "plan-error", role: "alert", hidden: true });

  const writeNow = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    if (finished) return;
    saveDraft({ ...draft, member_ids: draft.member_ids ? [...draft.member_ids] : null }).then(
      () => {
        if (finished) return void deleteDraft(key).catch(() => undefined);
        draft.saved_at = new Date().toISOString();
        savedLine.textContent = t("deskf.savedAt", { time: savedAtText(draft.saved_at, getLang()) });
      },
      () => (savedLine.textContent = t("deskf.notSaved")),
    );
  };
  const changed = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(writeNow, SAVE_MS);
  };

  // Fields ----------------------------------------------------------------------------------------
  const slots = Object.fromEntries(PLAN_FIELDS.map((f) => [f, errorSlot(`plan-err-${f}`)])) as Record<PlanField, HTMLElement>;
  const wraps = {} as Record<PlanField, HTMLElement>;
  const controls = {} as Record<PlanField, HTMLElement[]>;
  const setError = (f: PlanField, message: string | null) => markField(controls[f], slots[f], message);
  const label = (f: PlanField) => t(`training.plan.f.${f}` as MessageKey);

  const kindButtons = KINDS.map((k) =>
    h("button", { type: "button", class: "btn btn-secondary tr-kind-choice", "data-kind": k, "aria-pressed": "false", onclick: () => {
      draft.kind = k;
      setError("kind", null);
      paintKind();
      changed();
    } }, kindWord(k)),
  );
  const paintKind = () => kindButtons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.kind === draft.kind)));
  controls.kind = kindButtons;

  const input = (f: "title" | "place" | "day" | "start" | "end" | "hours", attrs: Record<string, string>) => {
    const el = h("input", { id: `plan-${f}`, name: f, ...attrs });
    el.addEventListener("input", () => {
      const before = suggestedHours(draft.start, draft.end);
      draft[f] = el.value;
      setError(f, null);
      // The hours follow the times until the captain types his own.
      if ((f === "start" || f === "end") && (!draft.hours || draft.hours === before)) {
        draft.hours = suggestedHours(draft.start, draft.end);
        hoursIn.value = draft.hours;
      }
      changed();
    });
    controls[f] = [el];
    return el;
  };
  const titleIn = input("title", { type: "text", maxlength: "120", autocomplete: "off" });
  const placeIn = input("place", { type: "text", maxlength: "120", autocomplete: "off" });
  const dayIn = input("day", { type: "date" });
  const startIn = input("start", { type: "time" });
  const endIn = input("end", { type: "time" });
  const hoursIn = input("hours", { type: "text", inputmode: "decimal", autocomplete: "off" });

  const membersBox = h("div", { class: "tr-members", id: "plan-members" });
  const membersCount = h("p", { class: "hint", id: "plan-members-count", "aria-live": "polite" });
  controls.members = [membersBox];
  let shownMembers = "";
  function paintMembers(): void {
    const ids = team.map((m) => m.id);
    const ticked = new Set(tickedMembers(draft, ids));
    const shape = team.map((m) => `${m.id}:${m.display_name}`).join("|");
    if (shape !== shownMembers) {
      // Rebuilt only when the team itself changed: a tick being made is never thrown away.
      shownMembers = shape;
      membersBox.replaceChildren(
        ...team.map((m) => {
          const box = h("input", { type: "checkbox", value: m.id, "data-member": m.id });
          box.addEventListener("change", () => {
            const now = new Set(tickedMembers(draft, ids));
            if (box.checked) now.add(m.id);
            else now.delete(m.id);
            draft.member_ids = ids.filter((id) => now.has(id));
            setError("members", null);
            paintMembers();
            changed();
          });
          return h("label", { class: "tr-member" }, box, h("span", {}, m.display_name || m.username));
        }),
      );
    }
    for (const box of membersBox.querySelectorAll<HTMLInputElement>("input[type=checkbox]")) box.checked = ticked.has(box.value);
    membersCount.textContent = team.length ? t("training.plan.membersCount", { n: ticked.size, of: team.length }) : t("training.plan.noMembers");
  }

  const field = (f: PlanField, control: HTMLElement, hint?: string) => {
    const wrap = h("div", { class: "field", "data-field": f }, h("label", { for: control.id }, label(f)), hint ? h("p", { class: "hint" }, hint) : null, control, slots[f]);
    wraps[f] = wrap;
    return wrap;
  };
  const group = (f: PlanField, ...children: HTMLElement[]) => {
    const wrap = h("div", { class: "field", "data-field": f, role: "group", "aria-labelledby": `plan-label-${f}` }, h("p", { class: "field-label", id: `plan-label-${f}` }, label(f)), ...children, slots[f]);
    wraps[f] = wrap;
    return wrap;
  };

  function fill(): void {
    paintKind();
    titleIn.value = draft.title;
    placeIn.value = draft.place;
    dayIn.value = draft.day;
    startIn.value = draft.start;
    endIn.value = draft.end;
    hoursIn.value = draft.hours;
    paintMembers();
  }

  // Sending ---------------------------------------------------------------------------------------
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block", id: "plan-submit" }, t(trainingId ? "training.plan.saveEdit" : "training.plan.create"));
  const discard = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "plan-discard" }, t("training.plan.discard"));
  const net = () => {
    const off = !isOnline();
    offline.hidden = !off;
    submit.disabled = off || blocked;
  };

  function showErrors(errors: Partial<Record<PlanField, string>>): void {
    for (const f of PLAN_FIELDS) setError(f, errors[f] ?? null);
    const first = PLAN_FIELDS.find((f) => errors[f]);
    if (first) revealField(wraps[first], controls[first][0] ?? null);
  }

  async function send(): Promise<void> {
    errorBox.hidden = true;
    const { errors, body } = checkPlan(draft, team.map((m) => m.id));
    showErrors(Object.fromEntries(Object.entries(errors).map(([f, e]) => [f, t(`training.plan.err.${e}` as MessageKey, { field: label(f as PlanField) })])));
    if (!body) return;
    if (!isOnline()) return net();
    submit.textContent = t("training.plan.saving");
    try {
      let made = null;
      if (!trainingId && draft.sent_at) made = findSent(await serverTrainings(teamId), body); // the last send got no answer
      if (!made) {
        if (!trainingId) {
          draft.sent_at = new Date().toISOString();
          await saveDraft({ ...draft }).catch(() => undefined);
        }
        made = trainingId ? await updateTraining(trainingId, body) : await planTraining(teamId, body);
      }
      finished = true;
      if (saveTimer) clearTimeout(saveTimer);
      await deleteDraft(key).catch(() => undefined);
      showToast(t(trainingId ? "training.plan.saved" : "training.plan.created", { title: made.title }));
      navigate(`/trainings/${made.id}`, true);
    } catch (err) {
      if (err instanceof OfflineError) {
        errorBox.textContent = t("training.plan.noAnswer");
      } else if (err instanceof ApiError) {
        draft.sent_at = null; // refused: nothing was made
        changed();
        const said = describeProblem(err.problem);
        const placed: Partial<Record<PlanField, string>> = {};
        for (const [name, words] of Object.entries(said.fields)) if (SERVER_FIELD[name]) placed[SERVER_FIELD[name]] = words;
        showErrors(placed);
        errorBox.textContent = said.message;
      } else {
        errorBox.textContent = t("report.error.storage");
      }
      errorBox.hidden = false;
    } finally {
      submit.textContent = t(trainingId ? "training.plan.saveEdit" : "training.plan.create");
      net();
    }
  }

  const form = h(
    "form",
    { class: "shelter-form tr-plan", id: "plan-form", novalidate: true, hidden: true },
    group("kind", h("div", { class: "tr-kinds" }, ...kindButtons)),
    field("title", titleIn),
    field("place", placeIn),
    field("day", dayIn),
    h("div", { class: "tr-times" }, field("start", startIn), field("end", endIn)),
    field("hours", hoursIn, t("training.plan.hoursHint")),
    group("members", membersCount, membersBox),
    errorBox,
    offline,
    savedLine,
    h("div", { class: "form-actions" }, submit, discard),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void once([submit], send).then(net);
  });
  discard.addEventListener("click", () =>
    void once([discard], async () => {
      if (saveTimer) clearTimeout(saveTimer);
      await deleteDraft(key).catch(() => undefined);
      draft = emptyPlanDraft(key, trainingId ?? "");
      if (trainingId) await startFromServer();
      restored.hidden = true;
      savedLine.textContent = "";
      showErrors({});
      fill();
    }),
  );

  async function startFromServer(): Promise<void> {
    const got = await loadRoll(trainingId!, user.id);
    if (got.source === "none" || got.body.status === "cancelled") {
      blocked = true;
      missing.hidden = false;
      missing.textContent = got.source !== "none" ? t("training.cancelledNote") : got.error ? describeProblem(got.error.problem).message : t("training.offlineNone");
      net();
      return;
    }
    draft = draftFromTraining(got.body, key);
  }

  // The form shows once the kept draft (or the training, to change it) is read: typing into it
  // before then would be overwritten by what arrives.
  const loading = h("p", { class: "hint", id: "plan-loading", "aria-live": "polite" }, t("desk.loading"));
  const shown = () => {
    form.hidden = false;
    loading.hidden = true;
  };

  async function start(): Promise<void> {
    const raw = await getDraft(key).catch(() => undefined);
    if (raw) draft = restorePlanDraft(raw, key, trainingId ?? "");
    if (raw && planHasContent(draft)) {
      restored.hidden = false;
      restored.textContent = t("training.plan.restored", { time: savedAtText(draft.saved_at, getLang()) });
    } else if (trainingId) {
      await startFromServer();
    }
    fill();
    shown();
    if (!teamId) {
      membersCount.textContent = t("training.noTeam");
      return;
    }
    const got = await loadMembers(teamId, user.id);
    if (got.source !== "none") team = got.body.items ?? [];
    paintMembers();
  }

  const section = h(
    "section",
    { class: "screen", "aria-labelledby": "plan-head" },
    h("div", { class: "screen-body" }, screenHead("plan-head", t(trainingId ? "training.plan.editTitle" : "training.plan.newTitle")), loading, missing, restored, form),
  );
  net();
  void start().finally(shown);
  whileAttached<boolean>(section, onNetworkChange, () => net());
  return section;
}
