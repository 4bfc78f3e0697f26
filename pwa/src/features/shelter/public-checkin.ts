// /s/<code>: where a shelter's QR poster lands. Residents have no account, so this page must
// never ask them to log in; the check-in form itself comes later.
import { h } from "../../shared/dom";
import { t } from "../../i18n";

export function shelterCodeFromPath(pathname: string): string | null {
  const m = /^\/s\/([^/]+)\/?$/.exec(pathname);
  return m ? decodeURIComponent(m[1]) : null;
}

export function renderPublicCheckin(code: string): HTMLElement {
  return h(
    "section",
    { class: "screen", "aria-labelledby": "shelter-title" },
    h(
      "div",
      { class: "screen-body" },
      h("h1", { id: "shelter-title", tabindex: "-1" }, t("shelterPublic.title")),
      h("p", { class: "region" }, t("shelterPublic.code", { code })),
      h("p", { class: "notice" }, t("shelterPublic.comingSoon")),
    ),
  );
}
