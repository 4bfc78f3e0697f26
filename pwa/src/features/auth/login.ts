// The login screen: two labelled fields, one big button at the bottom, errors read out loud.
import { h, whileAttached } from "../../shared/dom";
import { isOnline, onNetworkChange } from "../../shared/network";
import { t, type MessageKey } from "../../i18n";
import { ApiError, OfflineError, type User } from "../../api";
import { login } from "./session";

export interface LoginOptions {
  onLoggedIn: (user: User) => void;
  /** A message to show on arrival, e.g. "session expired". */
  notice?: MessageKey;
  /** A second line, e.g. "请重新登录后发送 3 条". */
  noticeExtra?: string;
}

// Kept outside the render so switching language (which re-renders) keeps what was typed.
// Only in memory: the password is never written anywhere.
const draft = { username: "", password: "", error: null as { key: MessageKey; status?: number } | null };

export function renderLogin({ onLoggedIn, notice, noticeExtra }: LoginOptions): HTMLElement {
  const username = h("input", {
    id: "login-username", name: "username", type: "text", autocomplete: "username",
    autocapitalize: "none", spellcheck: "false", required: true, value: draft.username,
  });
  const password = h("input", {
    id: "login-password", name: "password", type: "password", autocomplete: "current-password",
    required: true, value: draft.password,
  });
  username.addEventListener("input", () => (draft.username = username.value));
  password.addEventListener("input", () => (draft.password = password.value));

  const error = h("p", { class: "form-error", role: "alert", id: "login-error" });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("login.submit"));
  const offlineNote = h("p", { class: "notice notice-warn" }, t("login.offlineFirst"));
  const noticeEl = notice ? h("p", { class: "notice" }, t(notice)) : null;
  const extraEl = noticeExtra ? h("p", { class: "notice notice-warn", role: "status" }, noticeExtra) : null;

  function showError(key: MessageKey | null, status?: number): void {
    draft.error = key ? { key, status } : null;
    error.textContent = key ? t(key, { status: status ?? "" }) : "";
    const invalid = key === "login.error.credentials" || key === "login.error.required";
    for (const input of [username, password]) {
      input.toggleAttribute("aria-invalid", invalid);
      if (invalid) input.setAttribute("aria-describedby", "login-error");
      else input.removeAttribute("aria-describedby");
    }
  }

  async function onSubmit(event: Event): Promise<void> {
    event.preventDefault();
    if (submit.disabled) return;
    const name = username.value.trim();
    if (!name || !password.value) {
      showError("login.error.required");
      (name ? password : username).focus();
      return;
    }
    showError(null);
    submit.disabled = true;
    submit.textContent = t("login.submitting");
    try {
      const user = await login(name, password.value);
      draft.username = "";
      draft.password = "";
      draft.error = null;
      onLoggedIn(user);
      return;
    } catch (err) {
      if (err instanceof OfflineError) showError("login.error.network");
      else if (err instanceof ApiError && err.status === 401) showError("login.error.credentials");
      else if (err instanceof ApiError && err.status === 429) showError("login.error.rateLimited");
      else if (err instanceof ApiError && err.status === 422) showError("login.error.required");
      else showError("login.error.generic", err instanceof ApiError ? err.status : 0);
    }
    submit.disabled = false;
    submit.textContent = t("login.submit");
  }

  const form = h(
    "form",
    { class: "screen screen-login", novalidate: true, onsubmit: (e: Event) => void onSubmit(e) },
    h(
      "div",
      { class: "screen-body" },
      h(
        "div",
        { class: "brand" },
        h("img", { src: "/icon.svg", alt: "", width: 64, height: 64 }),
        h("h1", { tabindex: "-1" }, t("app.name")),
        h("p", { class: "tagline" }, t("app.tagline")),
      ),
      noticeEl,
      extraEl,
      offlineNote,
      h("div", { class: "field" }, h("label", { for: "login-username" }, t("login.username")), username),
      h("div", { class: "field" }, h("label", { for: "login-password" }, t("login.password")), password),
      error,
    ),
    h("div", { class: "screen-actions" }, submit),
  );

  if (draft.error) showError(draft.error.key, draft.error.status);
  offlineNote.hidden = isOnline();
  whileAttached(form, onNetworkChange, (online) => (offlineNote.hidden = online));
  return form;
}
