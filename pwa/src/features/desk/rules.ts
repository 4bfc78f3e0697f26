// /desk/rules: the county's deadline rules for supervising hazard reports (节点时限). Per node
// (核实/交办/整改/销号) the fallback rule and any rule for a category and/or colour, each with how
// long, when to remind and the grace before escalation, in numbers and in words. The county
// administrator edits and saves the whole set (PUT); a duty officer reads it.
import { h } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { once } from "../../shared/guard";
import { confirmStep } from "../../shared/confirm";
import { isOnline, onNetworkChange } from "../../shared/network";
import { showToast } from "../../shared/toast";
import { api, ApiError, OfflineError, type User } from "../../api";
import { problemSlug } from "../../data/problem";
import { problemSentence } from "../../i18n/problem";
import { t, type MessageKey } from "../../i18n";
import {
  checkRules,
  isFallback,
  NODES,
  RULE_CATEGORIES,
  RULE_SEVERITIES,
  ruleKey,
  ruleWords,
  serverErrors,
  sortRules,
  splitMinutes,
  toMinutes,
  type MinuteUnit,
  type Node,
  type Rule,
  type RuleErrors,
} from "./rules-model";

const word = (key: string): string => t(key as MessageKey);
const catLabel = (c: string) => (c === "any" ? t("rules.anyCategory") : word(`cat.${c}`));
const sevLabel = (s: string) => (s === "any" ? t("rules.anySeverity") : word(`sev.${s}`));

function sevTag(s: string): HTMLElement {
  return h("span", { class: "rules-sev" }, s === "any" ? null : h("span", { class: `swatch sev-${s}`, "aria-hidden": "true" }), sevLabel(s));
}

function select(id: string, options: [string, string][], value: string, label: string): HTMLSelectElement {
  const el = h("select", { id, "aria-label": label }, ...options.map(([v, text]) => h("option", { value: v }, text)));
  el.value = value;
  return el;
}

function numberIn(id: string, value: number, label: string, editable: boolean): HTMLInputElement {
  return h("input", { type: "text", inputmode: "numeric", id, value: String(value), "aria-label": label, class: "rules-num", disabled: !editable, autocomplete: "off" });
}

export function renderRules(user: User): HTMLElement {
  let rules: Rule[] = [];
  let editable = user.role === "admin";
  let errors: RuleErrors = new Map();
  let fallbackMissing = false;
  let loaded = false; // nothing to save until the set is on the screen

  const status = h("p", { class: "notice", role: "status", hidden: true });
  const savedNote = h("p", { class: "hint", id: "rules-saved" });
  const body = h("div", { class: "rules-body" }, h("p", { class: "hint" }, t("desk.loading")));
  const save = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "rules-save", hidden: true }, t("rules.save"));
  const offlineWhy = h("p", { class: "hint", id: "rules-offline" });
  const actions = h("div", { class: "form-actions rules-actions" }, offlineWhy, save);

  function paintNetwork(): void {
    const online = isOnline();
    save.hidden = !editable || !loaded;
    save.disabled = !online || save.dataset.busy === "true";
    offlineWhy.textContent = editable && !online ? t("rules.offline") : "";
  }

  function changed(): void {
    savedNote.textContent = t("rules.unsaved");
  }

  function ruleCard(r: Rule): HTMLElement {
    const i = rules.indexOf(r);
    const id = `rule-${r.node}-${r.category}-${r.severity}`;
    const err = errors.get(i) ?? {};
    const words = h("p", { class: "rules-words", id: `${id}-words` }, ruleWords(r));
    const errLine = (f: "amount" | "remind" | "grace" | "rule") => (err[f] ? h("p", { class: "form-error field-error", id: `${id}-${f}-err`, role: "alert" }, err[f]) : null);
    const mark = (el: HTMLElement, f: "amount" | "remind" | "grace") => {
      if (err[f]) {
        el.setAttribute("aria-invalid", "true");
        el.setAttribute("aria-describedby", `${id}-${f}-err`);
      }
      return el;
    };
    const title = `${word(`rules.node.${r.node}`)} · ${catLabel(r.category)} · ${sevLabel(r.severity)}`;

    const amount = mark(numberIn(`${id}-amount`, r.amount, t("rules.amountOf", { rule: title }), editable), "amount") as HTMLInputElement;
    const unit = select(`${id}-unit`, [["hours", t("rules.unit.hours")], ["workdays", t("rules.unit.workdays")]], r.unit, t("rules.unitOf", { rule: title }));
    unit.disabled = !editable;
    const minutePair = (f: "remind" | "grace", min: number) => {
      const split = splitMinutes(min);
      const n = mark(numberIn(`${id}-${f}`, split.n, t(f === "remind" ? "rules.remindOf" : "rules.graceOf", { rule: title }), editable), f) as HTMLInputElement;
      const u = select(`${id}-${f}-unit`, [["min", t("rules.mu.min")], ["hour", t("rules.mu.hour")], ["day", t("rules.mu.day")]], split.unit, t(f === "remind" ? "rules.remindUnitOf" : "rules.graceUnitOf", { rule: title }));
      u.disabled = !editable;
      return { n, u };
    };
    const remind = minutePair("remind", r.remind_before_min);
    const grace = minutePair("grace", r.grace_min);
    const num = (el: HTMLInputElement) => (/^\d{1,7}$/.test(el.value.trim()) ? Number(el.value.trim()) : Number.NaN);
    const update = () => {
      r.amount = num(amount);
      r.unit = unit.value as Rule["unit"];
      r.remind_before_min = toMinutes(num(remind.n), remind.u.value as MinuteUnit);
      r.grace_min = toMinutes(num(grace.n), grace.u.value as MinuteUnit);
      words.textContent = [r.amount, r.remind_before_min, r.grace_min].some(Number.isNaN) ? t("rules.words.incomplete") : ruleWords(r);
      changed();
    };
    for (const el of [amount, remind.n, grace.n]) el.addEventListener("input", update);
    for (const el of [unit, remind.u, grace.u]) el.addEventListener("change", update);

    const remove =
      editable && !isFallback(r)
        ? h(
            "button",
            {
              type: "button",
              class: "btn btn-danger rules-remove",
              "aria-label": t("rules.removeOf", { rule: title }),
              onclick: () => {
                rules = rules.filter((x) => x !== r);
                errors = new Map();
                changed();
                paint();
              },
            },
            t("rules.remove"),
          )
        : null;
    return h(
      "li",
      { class: `rules-card${isFallback(r) ? " rules-fallback" : ""}`, "data-rule": ruleKey(r) },
      h("div", { class: "rules-card-head" }, h("strong", {}, catLabel(r.category)), h("span", { "aria-hidden": "true" }, "·"), sevTag(r.severity), isFallback(r) ? h("span", { class: "hint" }, t("rules.fallback")) : null),
      errLine("rule"),
      h("div", { class: "rules-row" }, h("span", { class: "rules-label" }, t("rules.amount")), amount, unit),
      errLine("amount"),
      h("div", { class: "rules-row" }, h("span", { class: "rules-label" }, t("rules.remind")), remind.n, remind.u),
      errLine("remind"),
      h("div", { class: "rules-row" }, h("span", { class: "rules-label" }, t("rules.grace")), grace.n, grace.u),
      errLine("grace"),
      words,
      remove,
    );
  }

  function addRow(node: Node): HTMLElement | null {
    if (!editable) return null;
    const cat = select(`rules-add-${node}-cat`, RULE_CATEGORIES.map((c) => [c, catLabel(c)]), "any", t("rules.addCategory"));
    const sev = select(`rules-add-${node}-sev`, RULE_SEVERITIES.map((s) => [s, sevLabel(s)]), "red", t("rules.addSeverity"));
    const why = h("p", { class: "form-error field-error", role: "alert", id: `rules-add-${node}-err` });
    const add = h("button", { type: "button", class: "btn btn-secondary", id: `rules-add-${node}` }, t("rules.add"));
    add.addEventListener("click", () => {
      const key = ruleKey({ node, category: cat.value, severity: sev.value });
      if (rules.some((x) => ruleKey(x) === key)) {
        why.textContent = t("rules.err.exists");
        return;
      }
      // A new rule starts from the node's fallback: the person changes only what differs.
      const base = rules.find((x) => x.node === node && isFallback(x));
      rules.push({ ...(base ?? { amount: 1, unit: "workdays", remind_before_min: 60, grace_min: 60 }), node, category: cat.value, severity: sev.value });
      changed();
      paint();
      document.querySelector<HTMLElement>(`[data-rule="${CSS.escape(key)}"] input`)?.focus();
    });
    return h(
      "div",
      { class: "rules-add", role: "group", "aria-label": t("rules.addFor", { node: word(`rules.node.${node}`) }) },
      h("span", { class: "rules-label" }, t("rules.addFor", { node: word(`rules.node.${node}`) })),
      h("div", { class: "rules-add-row" }, cat, sev, add),
      why,
    );
  }

  function paint(): void {
    const sorted = sortRules(rules);
    body.replaceChildren(
      fallbackMissing ? h("p", { class: "notice", role: "alert" }, t("rules.err.fallback")) : "",
      ...NODES.map((node) =>
        h(
          "section",
          { class: "rules-node", "aria-labelledby": `rules-node-${node}` },
          h("h2", { id: `rules-node-${node}` }, word(`rules.node.${node}`), h("span", { class: "hint" }, ` ${word(`rules.from.${node}`)}`)),
          h("ul", { class: "rules-list" }, ...sorted.filter((r) => r.node === node).map(ruleCard)),
          addRow(node),
        ),
      ),
    );
    paintNetwork();
  }

  function firstError(): void {
    const el = body.querySelector<HTMLElement>('[aria-invalid="true"], .field-error:not(:empty), .notice[role="alert"]');
    el?.scrollIntoView({ block: "center" });
    if (el instanceof HTMLInputElement) el.focus({ preventScroll: true });
  }

  save.addEventListener("click", () =>
    void once([save], async () => {
      status.hidden = true;
      fallbackMissing = NODES.some((n) => !rules.some((r) => r.node === n && isFallback(r)));
      errors = checkRules(rules);
      if (errors.size || fallbackMissing) {
        paint();
        status.textContent = t("dz.fixFirst");
        status.hidden = false;
        firstError();
        return;
      }
      const yes = await confirmStep({ title: t("rules.confirmTitle"), body: t("rules.confirmBody"), confirm: t("rules.confirmYes") });
      if (!yes) return;
      // The body in the same order as the screen, so the server's indexes point at what is shown.
      const sent = sortRules(rules);
      try {
        const got = await api.put<{ saved: boolean; rules: Rule[] }>("/api/v1/reports/deadline-rules", { rules: sent });
        rules = got.rules;
        errors = new Map();
        savedNote.textContent = t("rules.savedNow");
        paint();
        showToast(t("rules.savedToast"));
      } catch (err) {
        if (err instanceof ApiError && problemSlug(err) === "validation") {
          rules = sent;
          const got = serverErrors(err.errors);
          errors = got.byRule;
          fallbackMissing = got.fallbackMissing;
          paint();
          status.textContent = t("dz.fixFirst");
          firstError();
        } else status.textContent = err instanceof ApiError ? problemSentence(err.problem) : t("rules.noAnswer");
        status.hidden = false;
      }
    }).then(paintNetwork),
  );

  async function load(): Promise<void> {
    try {
      const [got, region] = await Promise.all([
        api.get<{ saved: boolean; rules: Rule[] }>("/api/v1/reports/deadline-rules"),
        // Only the county's administrator may save: a township's admin reads, like a duty officer.
        editable && user.region_id ? api.get<{ parent_id: number | null }>(`/api/v1/regions/${encodeURIComponent(user.region_id)}`).catch(() => null) : Promise.resolve(null),
      ]);
      if (region && region.parent_id !== null) editable = false;
      rules = got.rules;
      loaded = true;
      savedNote.textContent = got.saved ? t("rules.countySet") : t("rules.defaults");
      readOnly.hidden = editable;
      paint();
    } catch (err) {
      body.replaceChildren(h("p", { class: "notice" }, err instanceof OfflineError ? t("rules.loadOffline") : err instanceof ApiError ? problemSentence(err.problem) : t("dz.loadFailed")));
    }
  }

  const readOnly = h("p", { class: "notice", id: "rules-readonly", hidden: true }, t("rules.readOnly"));
  const section = h(
    "section",
    { class: "screen screen-wide screen-rules", "aria-labelledby": "rules-title" },
    h("div", { class: "screen-body" }, screenHead("rules-title", t("rules.title")), h("p", { class: "hint" }, t("rules.hint")), readOnly, savedNote, body, status, actions),
  );
  const off = onNetworkChange(() => {
    if (!section.isConnected) return off();
    paintNetwork();
  });
  paintNetwork();
  void load();
  return section;
}
