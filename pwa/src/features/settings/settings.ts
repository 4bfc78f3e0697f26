// 设置: who is signed in (name, role, region), the language, and signing out, which asks first.
// Signing out lives here, not on home, where it sat under the resting thumb at 320 px.
import { h } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { showToast } from "../../shared/toast";
import { confirmStep } from "../../shared/confirm";
import { once } from "../../shared/guard";
import { clearOrderBadge } from "../../shared/order-badge";
import { getCounts } from "../../data/flush";
import { getLang, LANGS, roleName, setLang, t, type Lang } from "../../i18n";
import { ApiError, OfflineError, type User } from "../../api";
import { logout } from "../auth/session";

export interface SettingsOptions {
  user: User;
  onLoggedOut: () => void;
}

const LANG_LABEL: Record<Lang, "lang.zh" | "lang.en"> = { "zh-CN": "lang.zh", en: "lang.en" };

export function renderSettings({ user, onLoggedOut }: SettingsOptions): HTMLElement {
  const row = (label: string, value: string) => [h("dt", {}, label), h("dd", {}, value)];
  const account = h(
    "dl",
    { class: "order-details settings-account", id: "settings-account" },
    ...row(t("settings.name"), user.display_name || user.username),
    ...row(t("settings.username"), user.username),
    ...row(t("settings.role"), roleName(user.role)),
    ...row(t("settings.region"), user.region_name || t("settings.regionUnknown")),
  );

  const current = getLang();
  const langs = LANGS.map((lang) => {
    const input = h("input", { type: "radio", name: "lang", value: lang, class: "visually-hidden", checked: lang === current });
    input.addEventListener("change", () => setLang(lang));
    return h("label", { class: "chip", lang }, input, h("span", { class: "chip-face" }, t(LANG_LABEL[lang])));
  });

  const logoutBtn = h("button", { type: "button", class: "btn btn-secondary btn-danger btn-block", id: "settings-logout" }, t("home.logout"));
  logoutBtn.addEventListener("click", () =>
    void once([logoutBtn], async () => {
      const { waiting } = getCounts();
      const yes = await confirmStep({
        title: t("settings.logoutConfirm.title"),
        body: waiting > 0 ? t("home.logoutPending", { n: waiting }) : t("settings.logoutConfirm.body"),
        confirm: t("settings.logoutConfirm.yes"),
        cancel: t("confirm.cancel"),
        danger: true,
      });
      if (!yes) return;
      logoutBtn.textContent = t("home.loggingOut");
      try {
        await logout();
        clearOrderBadge();
        onLoggedOut();
        return;
      } catch (err) {
        // Offline the server session cannot be revoked, and the cookies would sign us straight
        // back in on the next start; so say so rather than pretend to have signed out.
        if (err instanceof OfflineError) showToast(t("home.logoutNeedsNetwork"));
        else showToast(t("home.logoutFailed", { status: err instanceof ApiError ? err.status : 0 }));
      }
      logoutBtn.textContent = t("home.logout");
    }),
  );

  return h(
    "section",
    { class: "screen", "aria-labelledby": "settings-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("settings-title", t("settings.title")),
      h("h2", {}, t("settings.account")),
      account,
      h("fieldset", { class: "chips" }, h("legend", {}, t("lang.switch")), h("div", { class: "chip-row" }, ...langs)),
      h("h2", {}, t("settings.session")),
      logoutBtn,
    ),
  );
}
