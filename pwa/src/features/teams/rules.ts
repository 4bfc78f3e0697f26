// 招募条件 (/desk/team-rules): the county's recruiting rules in force, in words. The county's
// administrator changes them in a form checked on the phone, whose draft is kept on this phone;
// saving asks first (it checks every member in the county again), is sent once per tap, and is
// online only (disabled offline, with the reason). Everyone else reads them. A refusal is said
// from its problem type.
import "./rules.css";
import { api, ApiError, OfflineError, type User } from "../../api";
import { deleteDraft, getDraft, saveDraft } from "../../data/stores";
import { h } from "../../shared/dom";
import { once } from "../../shared/guard";
import { confirmStep } from "../../shared/confirm";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { isOnline, onNetworkChange } from "../../shared/network";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { describeProblem } from "../../i18n/problem";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import {
  canEditRules,
  changes,
  checkRulesForm,
  DEFAULT_RULES,
  EDUCATION,
  educationWord,
  formOf,
  readRules,
  ruleLines,
  RULES_PATH,
  rulesBody,
  type Rules,
  type RulesForm,
} from "./rules-model";

const TEXT_FIELDS = ["max_age", "min_team_size"] as const;

export function renderTeamRules(user: User): HTMLElement {
  const editor = canEditRules(user.role);
  const draftKey = `team-rules:${user.id}`;
  let rules: Rules | null = null;
  let touched = false;
  const status = h("p", { class: "hint", id: "trules-status", role: "status" }, t("desk.loading"));
  const current = h("div", { id: "trules-current" });

  const inputs = {
    max_age: h("input", { id: "trules-max_age", type: "text", inputmode: "numeric", autocomplete: "off", maxlength: 4 }),
    min_team_size: h("input", { id: "trules-min_team_size", type: "text", inputmode: "numeric", autocomplete: "off", maxlength: 4 }),
  };
  const education = h("select", { id: "trules-min_education" }, ...EDUCATION.map((e) => h("option", { value: e }, educationWord(e))));
  const captain = h("input", { id: "trules-captain_required", type: "checkbox" });
  const slots = {
    max_age: errorSlot("trules-max_age-error"),
    min_team_size: errorSlot("trules-min_team_size-error"),
    min_education: errorSlot("trules-min_education-error"),
  };
  const kept = h("p", { class: "hint", id: "trules-kept", role: "status" });
  const offlineWhy = h("p", { class: "hint", id: "trules-offline" });
  const said = h("p", { class: "notice", id: "trules-said", role: "status", hidden: true });
  const save = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "trules-save" }, t("trules.save"));

  const read = (): RulesForm => ({
    max_age: inputs.max_age.value,
    min_team_size: inputs.min_team_size.value,
    min_education: education.value,
    captain_required: captain.checked,
  });
  function fill(f: RulesForm): void {
    inputs.max_age.value = f.max_age;
    inputs.min_team_size.value = f.min_team_size;
    education.value = f.min_education;
    captain.checked = f.captain_required;
  }
  function paintNetwork(): void {
    const online = isOnline();
    if (save.dataset.busy !== "true") save.disabled = !online;
    offlineWhy.textContent = online ? "" : t("trules.offline");
  }
  function say(text: string, tone = ""): void {
    said.textContent = text;
    said.className = `notice ${tone}`.trim();
    said.hidden = !text;
  }
  function edited(): void {
    touched = true;
    say("");
    void saveDraft({ key: draftKey, saved_at: "", ...read() })
      .then(() => (kept.textContent = t("trules.draftKept")))
      .catch(() => undefined);
  }
  for (const k of TEXT_FIELDS)
    inputs[k].addEventListener("input", () => {
      markField(inputs[k], slots[k], null);
      edited();
    });
  education.addEventListener("change", () => {
    markField(education, slots.min_education, null);
    edited();
  });
  captain.addEventListener("change", edited);

  function showRules(r: Rules): void {
    current.replaceChildren(
      h(
        "div",
        { class: "card" },
        h("ul", { class: "trules-lines", id: "trules-lines" }, ...ruleLines(r).map((line) => h("li", {}, line))),
        h("p", { class: "hint", id: "trules-since" }, r.saved && r.updatedAt ? t("trules.savedAt", { time: formatDateTime(r.updatedAt) }) : t("trules.defaults")),
      ),
    );
  }

  async function load(): Promise<void> {
    try {
      rules = readRules(await api.get<unknown>(RULES_PATH));
      status.textContent = "";
      status.hidden = true;
      showRules(rules);
      if (editor && !touched) fill(formOf(rules));
    } catch (err) {
      status.hidden = false;
      status.className = "notice notice-warn";
      status.textContent = err instanceof OfflineError ? t("trules.offlineRead") : describeProblem(err instanceof ApiError ? err.problem : undefined).message;
    }
  }

  save.addEventListener("click", () =>
    void once([save], async () => {
      say("");
      const form = read();
      const errors = checkRulesForm(form);
      const controls = { max_age: inputs.max_age, min_team_size: inputs.min_team_size, min_education: education };
      for (const k of ["max_age", "min_education", "min_team_size"] as const)
        markField(controls[k], slots[k], errors[k] ? t(`trules.err.${errors[k]}` as MessageKey) : null);
      const first = (["max_age", "min_education", "min_team_size"] as const).find((k) => errors[k]);
      if (first) return revealField(controls[first].closest(".field"), controls[first]);
      const before = rules ?? DEFAULT_RULES;
      const what = changes(before, form);
      if (!what.length && rules?.saved) return say(t("trules.noChange"));
      const yes = await confirmStep({
        title: t("trules.confirmTitle"),
        body: t("trules.confirmBody", { changes: what.length ? what.join("；") : ruleLines(readRules(rulesBody(form))).join("；") }),
        confirm: t("trules.confirmYes"),
      });
      if (!yes) return;
      say(t("trules.saving"));
      try {
        rules = readRules(await api.put<unknown>(RULES_PATH, rulesBody(form)));
        await deleteDraft(draftKey).catch(() => undefined);
        touched = false;
        kept.textContent = "";
        fill(formOf(rules));
        showRules(rules);
        say(t("trules.saved"));
      } catch (err) {
        const d = describeProblem(err instanceof ApiError ? err.problem : undefined);
        for (const k of ["max_age", "min_education", "min_team_size"] as const) if (d.fields[k]) markField(controls[k], slots[k], d.fields[k]);
        say(err instanceof OfflineError ? t("trules.offline") : d.message, "notice-error");
      }
    }),
  );

  const field = (id: string, label: string, control: HTMLElement, slot: HTMLElement) =>
    h("div", { class: "field" }, h("label", { for: id }, label), control, slot);
  const form = editor
    ? h(
        "section",
        { class: "card trules-form", "aria-labelledby": "trules-edit-title" },
        h("h2", { id: "trules-edit-title" }, t("trules.edit")),
        h("p", { class: "hint" }, t("trules.editHint")),
        field("trules-max_age", t("trules.f.max_age"), inputs.max_age, slots.max_age),
        field("trules-min_education", t("trules.f.min_education"), education, slots.min_education),
        field("trules-min_team_size", t("trules.f.min_team_size"), inputs.min_team_size, slots.min_team_size),
        h("label", { class: "trules-check", for: "trules-captain_required" }, captain, t("trules.f.captain_required")),
        kept,
        h("div", { class: "form-actions" }, said, offlineWhy, save),
      )
    : h("p", { class: "hint", id: "trules-readonly" }, t("trules.readOnly"));

  const section = h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "trules-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("trules-title", t("trules.title")),
      h("p", { class: "hint" }, t("trules.intro")),
      status,
      current,
      h("div", { class: "trules-links" }, h("button", { type: "button", class: "btn btn-secondary", id: "trules-to-flags", onclick: () => navigate("/desk/flags") }, t("trules.toFlags"))),
      form,
    ),
  );
  if (editor) {
    fill(formOf(DEFAULT_RULES));
    // A draft from a form left half-way wins over the rules as loaded, unless something was typed.
    void getDraft<RulesForm & { key: string; saved_at: string }>(draftKey)
      .then((d) => {
        if (d && !touched) {
          touched = true;
          fill({ max_age: String(d.max_age ?? ""), min_team_size: String(d.min_team_size ?? ""), min_education: String(d.min_education ?? ""), captain_required: d.captain_required !== false });
          kept.textContent = t("trules.draftKept");
        }
      })
      .catch(() => undefined)
      .finally(() => void load());
    paintNetwork();
    const stop = onNetworkChange(() => {
      if (!section.isConnected) return stop();
      paintNetwork();
    });
  } else void load();
  return section;
}
