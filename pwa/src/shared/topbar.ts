// The top bar on every screen: app name, where the connection stands, what waits to be sent,
// the language switch, and (signed in) the way to 设置: account, language, signing out.
// It updates itself; screens never have to remember it.
import { h } from "./dom";
import { isOnline, onNetworkChange } from "./network";
import { getPendingCount, onPendingChange } from "./pending";
import { navigate, onRoute } from "./router";
import { startOrderBadge } from "./order-badge";
import { cachedMe } from "../features/auth/session";
import { getLang, onLangChange, setLang, t } from "../i18n";

export function renderTopbar(): HTMLElement {
  const name = h("span", { class: "topbar-name" });
  const netDot = h("span", { class: "dot", "aria-hidden": "true" });
  const netText = h("span", {});
  const net = h("span", { class: "net" }, netDot, netText);
  // A link to the outbox: "3 条待发送" is where someone taps to see what waits and why.
  const pending = h("a", {
    class: "pending",
    href: "/outbox",
    onclick: (e: Event) => {
      e.preventDefault();
      navigate("/outbox");
    },
  });
  // One toggle named in the language it switches to ("English" / "中文"): readable by someone
  // who cannot read the current one, and narrow enough for a 320 px bar with a long English name.
  const langToggle = h("button", {
    type: "button",
    class: "lang-btn",
    onclick: () => setLang(getLang() === "zh-CN" ? "en" : "zh-CN"),
  });
  // A gear, named for readers; shown only to someone signed in (not on login or a shelter poster).
  const settingsBtn = h(
    "button",
    { type: "button", class: "settings-btn", id: "topbar-settings", hidden: true, onclick: () => navigate("/settings") },
    gearIcon(),
  );
  const bar = h(
    "header",
    { class: "topbar" },
    // Name and status stacked on the left, so a long English name or "N waiting" never pushes
    // the language switch onto a second row at 320 px.
    h(
      "div",
      { class: "topbar-main" },
      h("span", { class: "topbar-brand" }, h("img", { src: "/icon.svg", alt: "", width: 24, height: 24 }), name),
      h("span", { class: "topbar-status", "aria-live": "polite" }, net, pending),
    ),
    h("div", { class: "topbar-actions" }, langToggle, settingsBtn),
  );

  function update(): void {
    const online = isOnline();
    name.textContent = t("app.name");
    net.classList.toggle("is-offline", !online);
    netText.textContent = online ? t("net.online") : t("net.offline");
    const n = getPendingCount();
    pending.hidden = n === 0;
    pending.textContent = t("net.pending", { n });
    const target = getLang() === "zh-CN" ? "en" : "zh-CN";
    langToggle.lang = target;
    langToggle.textContent = target === "en" ? t("lang.en") : t("lang.zh");
    langToggle.title = t("lang.switch");
    settingsBtn.setAttribute("aria-label", t("settings.title"));
    settingsBtn.title = t("settings.title");
  }

  /** Whether someone is signed in: the screen on show says so (login and the poster page are not). */
  function updateAccount(): void {
    const main = document.getElementById("main");
    const signedIn = cachedMe() !== null && !!main?.firstElementChild && !main.querySelector(".screen-login, .screen-public");
    settingsBtn.hidden = !signedIn;
    if (signedIn) startOrderBadge();
  }
  queueMicrotask(() => {
    const main = document.getElementById("main");
    if (main) new MutationObserver(updateAccount).observe(main, { childList: true });
    updateAccount();
  });
  onRoute(() => queueMicrotask(updateAccount));

  update();
  onNetworkChange(update);
  onPendingChange(update);
  onLangChange(update);
  return bar;
}

function gearIcon(): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const p = document.createElementNS(ns, "path");
  p.setAttribute(
    "d",
    "M19.4 13a7.6 7.6 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.5 7.5 0 0 0-1.7-1L15 3h-4l-.4 2.9a7.5 7.5 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.6 7.6 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.5 7.5 0 0 0 1.7 1L11 21h4l.4-2.9a7.5 7.5 0 0 0 1.7-1l2.5 1 2-3.5L19.4 13ZM12 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7Z",
  );
  p.setAttribute("fill-rule", "evenodd");
  svg.appendChild(p);
  return svg;
}
