// 补贴标准 (/desk/subsidy/rules): the county's subsidy rules, the version in force this month
// (yuan per hour per weight class 一般/较重/繁重, the caps per day and per month, from which
// month) and every version. The county administrator adds a version from a month: a checked
// form whose draft is kept on this phone, sent once per tap. Online only.
import "./subsidy.css";
import { api, ApiError, OfflineError, type User } from "../../api";
import { deleteDraft, getDraft, saveDraft } from "../../data/stores";
import { h } from "../../shared/dom";
import { once } from "../../shared/guard";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { isOnline, onNetworkChange } from "../../shared/network";
import { screenHead } from "../../shared/ui";
import { describeProblem } from "../../i18n/problem";
import { t, type MessageKey } from "../../i18n";
import {
  canManage,
  checkRuleForm,
  EMPTY_RULE_FORM,
  recentMonths,
  RULE_MONEY,
  RULES_PATH,
  ruleBody,
  ruleFor,
  type RuleForm,
  type SubsidyRule,
} from "./subsidy-model";

const FIELDS = ["effective_from", ...RULE_MONEY, "note"] as const;

function ruleList(r: SubsidyRule, id: string): HTMLElement {
  return h(
    "dl",
    { class: "subsidy-rule", id },
    ...RULE_MONEY.flatMap((k) => [h("dt", {}, t(`subsidy.rule.${k}` as MessageKey)), h("dd", { "data-field": k }, t("subsidy.rule.value", { amount: r[k] }))]),
    ...(r.note ? [h("dt", {}, t("subsidy.rule.note")), h("dd", {}, r.note)] : []),
  );
}

export function renderSubsidyRules(user: User): HTMLElement {
  const manager = canManage(user.role);
  const draftKey = `subsidy-rule:${user.id}`;
  let rules: SubsidyRule[] = [];
  let touched = false;
  const status = h("p", { class: "hint", id: "srules-status", role: "status" }, t("desk.loading"));
  const current = h("div", { id: "srules-current" });
  const history = h("div", { id: "srules-history" });

  const inputs = {} as Record<(typeof FIELDS)[number], HTMLInputElement>;
  const slots = {} as Record<(typeof FIELDS)[number], HTMLElement>;
  const fields = FIELDS.map((k) => {
    const money = k !== "effective_from" && k !== "note";
    inputs[k] = h("input", { id: `srule-${k}`, type: "text", inputmode: money ? "decimal" : "text", autocomplete: "off", maxlength: k === "note" ? 200 : 16 });
    slots[k] = errorSlot(`srule-${k}-error`);
    return h("div", { class: "field" }, h("label", { for: `srule-${k}` }, t(`subsidy.rule.${k}` as MessageKey)), inputs[k], slots[k]);
  });
  const kept = h("p", { class: "hint", id: "srule-kept", role: "status" });
  const offlineWhy = h("p", { class: "hint", id: "srule-offline" });
  const said = h("p", { class: "notice", id: "srule-said", role: "status", hidden: true });
  const save = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "srule-save" }, t("subsidy.rule.save"));

  const read = (): RuleForm => Object.fromEntries(FIELDS.map((k) => [k, inputs[k].value])) as RuleForm;
  function fill(form: Partial<RuleForm>): void {
    for (const k of FIELDS) inputs[k].value = form[k] ?? "";
  }
  function paintNetwork(): void {
    const online = isOnline();
    if (save.dataset.busy !== "true") save.disabled = !online;
    offlineWhy.textContent = online ? "" : t("subsidy.rule.offline");
  }
  function say(text: string): void {
    said.textContent = text;
    said.hidden = !text;
  }

  for (const k of FIELDS)
    inputs[k].addEventListener("input", () => {
      touched = true;
      markField(inputs[k], slots[k], null);
      void saveDraft({ key: draftKey, saved_at: "", ...read() })
        .then(() => (kept.textContent = t("subsidy.rule.draftKept")))
        .catch(() => undefined);
    });

  function showRules(): void {
    const month = recentMonths()[0];
    const now = ruleFor(rules, month);
    current.replaceChildren(
      now
        ? h("div", { class: "card" }, h("h2", { id: "srules-now-title" }, t("subsidy.ruleNow", { month: now.effective_from })), ruleList(now, "srules-now"))
        : h("p", { class: "notice", id: "srules-none" }, t("subsidy.ruleNone")),
    );
    history.replaceChildren(
      ...(rules.length > 1
        ? [
            h("h2", {}, t("subsidy.ruleHistory")),
            ...[...rules].reverse().map((r) => h("details", { class: "card" }, h("summary", {}, t("subsidy.ruleFrom", { month: r.effective_from })), ruleList(r, `srules-${r.effective_from}`))),
          ]
        : []),
    );
  }

  async function load(): Promise<void> {
    try {
      const answer = await api.get<{ items: SubsidyRule[] }>(RULES_PATH);
      rules = answer.items;
      status.textContent = "";
      showRules();
    } catch (err) {
      status.textContent = err instanceof OfflineError ? t("stats.notLoaded") : describeProblem(err instanceof ApiError ? err.problem : undefined).message;
    }
  }

  save.addEventListener("click", () =>
    void once([save], async () => {
      say("");
      const form = read();
      const errors = checkRuleForm(form, rules);
      for (const k of FIELDS) markField(inputs[k], slots[k], errors[k] ? t(`subsidy.rule.err.${errors[k]}` as MessageKey) : null);
      const first = FIELDS.find((k) => errors[k]);
      if (first) return revealField(inputs[first].closest(".field"), inputs[first]);
      try {
        const rule = await api.post<SubsidyRule>(RULES_PATH, ruleBody(form));
        await deleteDraft(draftKey).catch(() => undefined);
        fill(EMPTY_RULE_FORM);
        touched = false;
        kept.textContent = "";
        say(t("subsidy.rule.saved", { month: rule.effective_from }));
        await load();
      } catch (err) {
        const d = describeProblem(err instanceof ApiError ? err.problem : undefined);
        for (const k of FIELDS) if (d.fields[k]) markField(inputs[k], slots[k], d.fields[k]);
        say(err instanceof OfflineError ? t("subsidy.rule.offline") : d.message);
      }
    }),
  );

  const form = manager
    ? h(
        "section",
        { class: "card srule-form", "aria-labelledby": "srule-add-title" },
        h("h2", { id: "srule-add-title" }, t("subsidy.rule.add")),
        h("p", { class: "hint" }, t("subsidy.rule.addHint")),
        ...fields,
        kept,
        h("div", { class: "form-actions" }, said, offlineWhy, save),
      )
    : null;

  const section = h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "srules-title" },
    h("div", { class: "screen-body" }, screenHead("srules-title", t("subsidy.rulesTitle")), status, current, form, history),
  );
  if (manager) {
    // A draft from a form left half-way, unless something was typed meanwhile.
    void getDraft<RuleForm & { key: string; saved_at: string }>(draftKey)
      .then((d) => {
        if (d && !touched) {
          fill(d);
          kept.textContent = t("subsidy.rule.draftKept");
        }
      })
      .catch(() => undefined);
    paintNetwork();
    const stop = onNetworkChange(() => {
      if (!section.isConnected) return stop();
      paintNetwork();
    });
  }
  void load();
  return section;
}
