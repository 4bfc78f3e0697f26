// The screen a user whose password was reset sees before anything else: the temporary password,
// a new one typed twice, saved with PATCH /me. The server refuses every other call until then
// (password-change-required), so nothing else is offered, only logging out.
import { h } from "../../shared/dom";
import { once } from "../../shared/guard";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { api, ApiError, type User } from "../../api";
import { describeProblem, problemSentence } from "../../i18n/problem";
import { t } from "../../i18n";
import { loadFailed } from "./users";

export interface ChangePasswordOptions {
  user: User;
  onChanged: (user: User) => void;
  onLogout: () => void;
}

// Only in memory while the screen is open (a language switch re-renders it); never stored.
const typed = { current: "", next: "", again: "" };

export function renderChangePassword({ user, onChanged, onLogout }: ChangePasswordOptions): HTMLElement {
  const current = h("input", { id: "pw-current", type: "password", autocomplete: "current-password", value: typed.current });
  const next = h("input", { id: "pw-new", type: "password", autocomplete: "new-password", value: typed.next });
  const again = h("input", { id: "pw-again", type: "password", autocomplete: "new-password", value: typed.again });
  current.addEventListener("input", () => (typed.current = current.value));
  next.addEventListener("input", () => (typed.next = next.value));
  again.addEventListener("input", () => (typed.again = again.value));
  const errs = { current: errorSlot("pw-current-err"), next: errorSlot("pw-new-err"), again: errorSlot("pw-again-err") };
  const status = h("p", { class: "notice", role: "alert", hidden: true });
  const save = h("button", { type: "submit", class: "btn btn-primary btn-block btn-huge", id: "pw-save" }, t("pw.save"));
  const logout = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "pw-logout" }, t("pw.logout"));
  logout.addEventListener("click", () => onLogout());

  const field = (id: string, label: string, el: HTMLElement, err: HTMLElement) => h("div", { class: "field adm-field" }, h("label", { for: id }, label), el, err);
  const form = h(
    "form",
    { class: "adm-form", novalidate: true, id: "pw-form" },
    field("pw-current", t("pw.current"), current, errs.current),
    field("pw-new", t("pw.new"), next, errs.next),
    field("pw-again", t("pw.again"), again, errs.again),
    status,
    h("div", { class: "form-actions" }, save),
    logout,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void once([save], async () => {
      status.hidden = true;
      const problems: [HTMLInputElement, HTMLElement, string | null][] = [
        [current, errs.current, typed.current ? null : t("pw.err.current")],
        [next, errs.next, typed.next.length >= 8 ? (typed.next === typed.current ? t("pw.err.same") : null) : t("pw.err.short")],
        [again, errs.again, typed.again === typed.next ? null : t("pw.err.again")],
      ];
      for (const [el, slot, msg] of problems) markField(el, slot, msg);
      const first = problems.find(([, , msg]) => msg);
      if (first) return revealField(first[0].closest(".field"), first[0]);
      try {
        const me = await api.request<User>("PATCH", "/api/v1/me", { current_password: typed.current, password: typed.next });
        typed.current = typed.next = typed.again = "";
        onChanged(me);
      } catch (err) {
        if (err instanceof ApiError) {
          const f = describeProblem(err.problem).fields;
          markField(current, errs.current, f.current_password ? t("pw.err.wrong") : null);
          markField(next, errs.next, f.password ?? null);
          status.textContent = f.current_password ? t("pw.err.wrong") : problemSentence(err.problem);
        } else status.textContent = loadFailed(err);
        status.hidden = false;
      }
    });
  });
  return h(
    "section",
    { class: "screen adm", "aria-labelledby": "pw-title" },
    h("div", { class: "screen-body" }, h("h1", { id: "pw-title", tabindex: "-1" }, t("pw.title")), h("p", { class: "notice" }, t("pw.why", { name: user.display_name })), form),
  );
}
