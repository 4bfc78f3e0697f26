// 申请补偿 (/desk/claims/new): the helper township's desk files a claim from one of the orders
// that called its members into another township's area (the server lists them, with their time
// from the records), with the equipment consumed or damaged and what each costs. The draft is
// kept on this phone as it is typed; sent once per tap; online only.
import "./subsidy.css";
import { api, ApiError, OfflineError, type User } from "../../api";
import { deleteDraft, getDraft, saveDraft } from "../../data/stores";
import { h } from "../../shared/dom";
import { once } from "../../shared/guard";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { isOnline, onNetworkChange } from "../../shared/network";
import { navigate } from "../../shared/router";
import { showToast } from "../../shared/toast";
import { screenHead } from "../../shared/ui";
import { describeProblem } from "../../i18n/problem";
import { t, type MessageKey } from "../../i18n";
import { checkLine, claimBody, CLAIMABLE_PATH, CLAIMS_PATH, emptyLine, LINE_KINDS, linesTotal, openClaimables, type Claim, type Claimable, type LineDraft } from "./claims-model";

interface ClaimDraft {
  key: string;
  saved_at: string;
  pick: string; // "<dispatch id>|<helper township id>"
  lines: LineDraft[];
  note: string;
}

const pickKey = (x: Claimable) => `${x.dispatch_id}|${x.helper_township_id}`;
const LINE_FIELDS = ["kind", "description", "quantity", "amount"] as const;

export function renderNewClaim(user: User): HTMLElement {
  const draftKey = `claim-new:${user.id}`;
  let options: Claimable[] = [];
  let touched = false;
  // The lines' controls, each row built once and kept: typing never rebuilds what is typed in.
  interface Row {
    el: HTMLElement;
    controls: Record<(typeof LINE_FIELDS)[number], HTMLInputElement | HTMLSelectElement>;
    slots: Record<(typeof LINE_FIELDS)[number], HTMLElement>;
    title: HTMLElement;
    remove: HTMLButtonElement;
  }
  const rows: Row[] = [];
  let serial = 0;

  const status = h("p", { class: "hint", id: "cnew-status", role: "status" }, t("desk.loading"));
  const picks = h("fieldset", { class: "field", id: "cnew-picks" }, h("legend", {}, t("claims.pick")));
  const pickSlot = errorSlot("cnew-pick-error");
  const linesBox = h("div", { id: "cnew-lines" });
  const addLine = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "cnew-add-line" }, t("claims.addLine"));
  const note = h("textarea", { id: "cnew-note", rows: 2, maxlength: 500 });
  const total = h("p", { class: "claim-total", id: "cnew-total", "aria-live": "polite" });
  const kept = h("p", { class: "hint", id: "cnew-kept", role: "status" });
  const said = h("p", { class: "notice", id: "cnew-said", role: "status", hidden: true });
  const offlineWhy = h("p", { class: "hint", id: "cnew-offline" });
  const submit = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "cnew-submit" }, t("claims.submit"));

  const picked = (): string => (picks.querySelector<HTMLInputElement>("input[name=cnew-pick]:checked")?.value ?? "");
  const readLines = (): LineDraft[] => rows.map((r) => ({ kind: r.controls.kind.value, description: r.controls.description.value, quantity: r.controls.quantity.value, amount: r.controls.amount.value }));

  function renumber(): void {
    rows.forEach((r, i) => {
      r.title.textContent = t("claims.line.title", { n: i + 1 });
      r.remove.textContent = t("claims.removeLine", { n: i + 1 });
      r.remove.hidden = rows.length === 1;
    });
    total.textContent = t("claims.total", { amount: linesTotal(readLines()) });
  }

  function changed(): void {
    touched = true;
    renumber();
    const d: ClaimDraft = { key: draftKey, saved_at: "", pick: picked(), lines: readLines(), note: note.value };
    void saveDraft(d as unknown as ClaimDraft & Record<string, unknown>)
      .then(() => (kept.textContent = t("claims.draftKept")))
      .catch(() => undefined);
  }

  function row(line: LineDraft): Row {
    const n = ++serial;
    const id = (f: string) => `cnew-line${n}-${f}`;
    const kind = h("select", { id: id("kind") }, ...LINE_KINDS.map((k) => h("option", { value: k }, t(`claims.kind.${k}` as MessageKey))));
    kind.value = line.kind;
    const controls = {
      kind,
      description: h("input", { id: id("description"), type: "text", maxlength: 200, value: line.description, autocomplete: "off" }),
      quantity: h("input", { id: id("quantity"), type: "text", inputmode: "numeric", value: line.quantity, autocomplete: "off" }),
      amount: h("input", { id: id("amount"), type: "text", inputmode: "decimal", value: line.amount, autocomplete: "off" }),
    };
    const slots = Object.fromEntries(LINE_FIELDS.map((f) => [f, errorSlot(id(`${f}-error`))])) as Row["slots"];
    const title = h("h3", {});
    const remove = h("button", { type: "button", class: "btn btn-secondary", "data-remove": String(n) });
    const el = h(
      "fieldset",
      { class: "card cnew-line", "data-line": String(n) },
      title,
      ...LINE_FIELDS.map((f) => h("div", { class: "field" }, h("label", { for: id(f) }, t(`claims.line.${f}` as MessageKey)), controls[f], slots[f])),
      remove,
    );
    const r: Row = { el, controls, slots, title, remove };
    for (const f of LINE_FIELDS)
      controls[f].addEventListener("input", () => {
        markField(controls[f], slots[f], null);
        changed();
      });
    remove.addEventListener("click", () => {
      rows.splice(rows.indexOf(r), 1);
      el.remove();
      changed();
    });
    return r;
  }

  function setLines(lines: LineDraft[]): void {
    rows.splice(0).forEach((r) => r.el.remove());
    for (const l of lines.length ? lines : [emptyLine()]) {
      const r = row(l);
      rows.push(r);
      linesBox.append(r.el);
    }
    renumber();
  }

  addLine.addEventListener("click", () => {
    const r = row(emptyLine());
    rows.push(r);
    linesBox.append(r.el);
    changed();
    r.controls.description.focus();
  });
  note.addEventListener("input", changed);

  function showPicks(chosen: string): void {
    options = openClaimables(options);
    picks.replaceChildren(
      h("legend", {}, t("claims.pick")),
      ...(options.length
        ? options.map((x) =>
            h(
              "label",
              { class: "cnew-pick" },
              h("input", { type: "radio", name: "cnew-pick", value: pickKey(x), checked: pickKey(x) === chosen, onchange: () => (markField([], pickSlot, null), changed()) }),
              h("span", {}, t("claims.pickItem", { title: x.title, helper: x.helper_township_name, helped: x.helped_township_name, members: x.members, hours: x.hours })),
            ),
          )
        : [h("p", { class: "hint", id: "cnew-none" }, t("claims.pickNone"))]),
      pickSlot,
    );
  }

  function paintNetwork(): void {
    if (submit.dataset.busy !== "true") submit.disabled = !isOnline();
    offlineWhy.textContent = isOnline() ? "" : t("claims.offline");
  }
  function say(text: string): void {
    said.textContent = text;
    said.hidden = !text;
  }

  submit.addEventListener("click", () =>
    void once([submit], async () => {
      say("");
      const choice = options.find((x) => pickKey(x) === picked());
      markField([], pickSlot, choice ? null : t("claims.err.pick"));
      let first: HTMLElement | null = choice ? null : picks;
      for (const r of rows) {
        const e = checkLine({ kind: r.controls.kind.value, description: r.controls.description.value, quantity: r.controls.quantity.value, amount: r.controls.amount.value });
        for (const f of LINE_FIELDS) {
          markField(r.controls[f], r.slots[f], e[f] ? t(`claims.err.${e[f]}` as MessageKey) : null);
          if (e[f] && !first) first = r.controls[f];
        }
      }
      if (first || !choice) return revealField(first?.closest(".field") ?? first, first);
      try {
        const made = await api.post<Claim>(CLAIMS_PATH, claimBody(choice.dispatch_id, choice.helper_township_id, readLines(), note.value));
        await deleteDraft(draftKey).catch(() => undefined);
        showToast(t("claims.created"));
        navigate(`/desk/claims/${made.id}`, true);
      } catch (err) {
        say(err instanceof OfflineError ? t("claims.offline") : describeProblem(err instanceof ApiError ? err.problem : undefined).message);
      }
    }),
  );

  const section = h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "cnew-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("cnew-title", t("claims.newTitle")),
      status,
      picks,
      h("h2", {}, t("claims.lines")),
      linesBox,
      addLine,
      h("div", { class: "field" }, h("label", { for: "cnew-note" }, t("claims.note")), note),
      total,
      kept,
      h("div", { class: "form-actions" }, said, offlineWhy, submit),
    ),
  );
  setLines([]);

  async function load(): Promise<void> {
    const draft = await getDraft<ClaimDraft & Record<string, unknown>>(draftKey).catch(() => undefined);
    if (draft && !touched) {
      setLines(draft.lines ?? []);
      note.value = draft.note ?? "";
      kept.textContent = t("claims.draftKept");
    }
    try {
      options = (await api.get<{ items: Claimable[] }>(CLAIMABLE_PATH)).items;
      status.textContent = "";
      showPicks(picked() || draft?.pick || "");
    } catch (err) {
      status.textContent = err instanceof OfflineError ? t("claims.offline") : describeProblem(err instanceof ApiError ? err.problem : undefined).message;
    }
  }
  paintNetwork();
  const stop = onNetworkChange(() => {
    if (!section.isConnected) return stop();
    paintNetwork();
  });
  void load();
  return section;
}
