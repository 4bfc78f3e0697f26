// /teams/<id>/insurance: each member of a team with his accident cover (保险至 2027-03-01, or
// 无有效保险 in words beside the red), his policies on demand, and a small form to add one. For the
// team's captain and the desk of its region (the server checks who; a refusal is said by its
// problem type, never the server's text). REST only: with no signal it says so and sends nothing.
import "./teams.css";
import { h } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { once } from "../../shared/guard";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { showToast } from "../../shared/toast";
import { t } from "../../i18n";
import { api, ApiError, type User } from "../../api";
import { problemSlug } from "../../data/problem";
import { describeProblem, problemSentence } from "../../i18n/problem";
import { checkPolicy, coverOf, coverWords, readPolicies, type PolicyInput } from "./insurance-model";

interface Member {
  id: string;
  display_name: string;
  username: string;
  team_role?: string | null;
  insured?: boolean;
  insurance_until?: string | null;
}

const FIELDS = ["insurer", "number", "cover_yuan", "starts_on", "ends_on", "note"] as const;
type Field = (typeof FIELDS)[number];

export function coverBadge(m: Member): HTMLElement {
  const c = coverOf(m);
  const tone = c === "covered" ? "ok" : c === "none" ? "bad" : "none";
  return h("span", { class: `tone tone-${tone} ins-badge`, "data-cover": c }, coverWords(m) || "—");
}

function policyForm(member: Member, done: () => void, cancel: () => void): HTMLElement {
  const ids = (f: Field) => `ins-${member.id}-${f}`;
  const input = (f: Field, attrs: Record<string, string>) => h("input", { id: ids(f), name: f, class: "ins-input", ...attrs });
  const controls: Record<Field, HTMLInputElement> = {
    insurer: input("insurer", { type: "text", maxlength: "80", autocomplete: "organization" }),
    number: input("number", { type: "text", maxlength: "60", autocomplete: "off" }),
    cover_yuan: input("cover_yuan", { type: "text", inputmode: "numeric", autocomplete: "off" }),
    starts_on: input("starts_on", { type: "date" }),
    ends_on: input("ends_on", { type: "date" }),
    note: input("note", { type: "text", maxlength: "500" }),
  };
  const slots = Object.fromEntries(FIELDS.map((f) => [f, errorSlot(`${ids(f)}-err`)])) as Record<Field, HTMLElement>;
  const labels: Record<Field, string> = {
    insurer: t("ins.insurer"),
    number: t("ins.number"),
    cover_yuan: t("ins.cover"),
    starts_on: t("ins.startsOn"),
    ends_on: t("ins.endsOn"),
    note: t("ins.note"),
  };
  const status = h("p", { class: "notice notice-error", role: "alert", hidden: true });
  const save = h("button", { type: "submit", class: "btn btn-primary btn-block ins-save" }, t("ins.save"));
  const back = h("button", { type: "button", class: "btn btn-secondary btn-block", onclick: cancel }, t("ins.cancel"));
  const form = h(
    "form",
    { class: "shelter-form ins-form", novalidate: true, "aria-label": t("ins.addFor", { name: member.display_name || member.username }) },
    ...FIELDS.map((f) => h("div", { class: "field", "data-field": f }, h("label", { for: ids(f) }, labels[f]), controls[f], slots[f])),
    status,
    h("div", { class: "form-actions" }, save, back),
  );
  const show = (errors: Partial<Record<Field, string>>) => {
    for (const f of FIELDS) markField(controls[f], slots[f], errors[f] ?? null);
    const first = FIELDS.find((f) => errors[f]);
    if (first) revealField(form.querySelector(`[data-field="${first}"]`), controls[first]);
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void once([save, back], async () => {
      status.hidden = true;
      const value: PolicyInput = {
        insurer: controls.insurer.value,
        number: controls.number.value,
        cover: controls.cover_yuan.value,
        starts_on: controls.starts_on.value,
        ends_on: controls.ends_on.value,
        note: controls.note.value,
      };
      const { errors, body } = checkPolicy(value);
      show(errors);
      if (!body) return;
      save.textContent = t("ins.saving");
      try {
        await api.post(`/api/v1/members/${encodeURIComponent(member.id)}/insurance`, body);
        showToast(t("ins.saved", { name: member.display_name || member.username }));
        done();
      } catch (err) {
        if (err instanceof ApiError) {
          const said = describeProblem(err.problem);
          if (problemSlug(err.problem) === "validation" && Object.keys(said.fields).length) {
            show(Object.fromEntries(Object.entries(said.fields).filter(([k]) => (FIELDS as readonly string[]).includes(k))));
          }
          status.textContent = said.message;
        } else {
          // No answer: it may have reached the server; a second save of the same number is refused, not doubled.
          status.textContent = t("ins.offline");
        }
        status.hidden = false;
      } finally {
        save.textContent = t("ins.save");
      }
    });
  });
  queueMicrotask(() => controls.insurer.focus({ preventScroll: true }));
  return form;
}

function memberCard(member: Member, reload: () => void): HTMLElement {
  const slot = h("div", { class: "ins-slot" });
  const history = h("ul", { class: "ins-history" });
  const details = h("details", { class: "ins-details" }, h("summary", {}, t("ins.history")), history);
  let loaded = false;
  details.addEventListener("toggle", () => {
    if (!details.open || loaded) return;
    loaded = true;
    history.replaceChildren(h("li", { class: "hint" }, t("desk.loading")));
    api
      .get<unknown>(`/api/v1/members/${encodeURIComponent(member.id)}/insurance`)
      .then((body) => {
        const items = readPolicies(body);
        history.replaceChildren(
          ...(items.length
            ? items.map((p) =>
                h(
                  "li",
                  { "data-policy": p.id },
                  h("span", { class: `tone tone-${p.state === "valid" ? "ok" : p.state === "future" ? "none" : "done"}` }, t(`ins.state.${p.state}`)),
                  " ",
                  t("ins.policyLine", { insurer: p.insurer, number: p.number, cover: p.cover.toLocaleString("zh-CN"), from: p.startsOn, to: p.endsOn }),
                ),
              )
            : [h("li", { class: "hint" }, t("ins.noPolicies"))]),
        );
      })
      .catch((err: unknown) => {
        loaded = false;
        history.replaceChildren(h("li", { class: "notice notice-error" }, err instanceof ApiError ? problemSentence(err.problem) : t("ins.offline")));
      });
  });
  const add = h("button", { type: "button", class: "btn btn-secondary ins-add", "aria-expanded": "false" }, t("ins.add"));
  add.addEventListener("click", () => {
    if (slot.firstChild) return; // one form at a time for a member: a second tap does nothing
    add.setAttribute("aria-expanded", "true");
    add.hidden = true;
    const close = () => {
      // The focus goes back to 添加保单 only from this form: not from the form of another member
      // the captain is typing in while this one's save was on its way.
      const here = slot.contains(document.activeElement);
      slot.replaceChildren();
      add.hidden = false;
      add.setAttribute("aria-expanded", "false");
      if (here || document.activeElement === document.body) add.focus();
    };
    // Saved: this form closes, and the list is read again (the other open forms stay, see load).
    slot.replaceChildren(policyForm(
        member,
        () => {
          close();
          reload();
        },
        close,
      ));
  });
  return h(
    "li",
    { class: "card ins-member", "data-member": member.id, "data-cover": coverOf(member) },
    h("div", { class: "ins-head" }, h("span", { class: "ins-name" }, member.display_name || member.username), coverBadge(member)),
    details,
    add,
    slot,
  );
}

/** Puts `next` in `list` in order, moving the cards that stay rather than taking them out and
 * back (moveBefore where the browser has it): a field being typed in keeps the focus. */
function place(list: HTMLElement, next: HTMLElement[]): void {
  const active = document.activeElement;
  const keep = new Set<Element>(next);
  for (const el of [...list.children]) if (!keep.has(el)) el.remove();
  const move = (list as unknown as { moveBefore?: (node: Node, child: Node | null) => void }).moveBefore;
  next.forEach((el, i) => {
    const at = list.children[i] ?? null;
    if (at === el) return;
    if (move && el.parentNode === list) move.call(list, el, at);
    else list.insertBefore(el, at);
  });
  if (active instanceof HTMLElement && active !== document.activeElement && list.contains(active)) active.focus({ preventScroll: true });
}

export function renderTeamInsurance(_user: User, teamId: string): HTMLElement {
  const list = h("ul", { class: "cards ins-list", id: "ins-list" });
  const status = h("p", { class: "hint", id: "ins-status", "aria-live": "polite" }, t("desk.loading"));
  let busy = false;
  async function load(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      const page = await api.get<{ items: Member[] }>(`/api/v1/members?team_id=${encodeURIComponent(teamId)}&limit=200`);
      // Those without valid cover first, then by name.
      const rank = (m: Member) => (coverOf(m) === "none" ? 0 : 1);
      const members = [...page.items].sort((a, b) => rank(a) - rank(b) || (a.display_name || a.username).localeCompare(b.display_name || b.username, "zh-CN"));
      // A member whose form is open keeps his card (what is typed in it, and the keyboard); only
      // his cover mark is new. The others are drawn afresh.
      const open = new Map(
        [...list.querySelectorAll<HTMLElement>(".ins-member")].filter((el) => el.querySelector(".ins-slot")?.firstChild).map((el) => [el.dataset.member ?? "", el]),
      );
      const cards = members.map((m) => {
        const kept = open.get(m.id);
        if (!kept) return memberCard(m, () => void load());
        kept.dataset.cover = coverOf(m);
        kept.querySelector(".ins-badge")?.replaceWith(coverBadge(m));
        return kept;
      });
      place(list, cards.length ? cards : [h("li", { class: "hint" }, t("ins.noMembers"))]);
      status.hidden = true;
    } catch (err) {
      status.hidden = false;
      status.className = "notice notice-error";
      status.textContent = err instanceof ApiError ? problemSentence(err.problem) : t("ins.offline");
    } finally {
      busy = false;
    }
  }
  void load();
  return h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "ins-title" },
    h("div", { class: "screen-body" }, screenHead("ins-title", t("ins.title")), h("p", { class: "hint" }, t("ins.intro")), status, list),
  );
}
