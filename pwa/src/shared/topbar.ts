// The top bar on every screen: app name, where the connection stands, what waits to be sent,
// and the language switch. It updates itself; screens never have to remember it.
import { h } from "./dom";
import { isOnline, onNetworkChange } from "./network";
import { getPendingCount, onPendingChange } from "./pending";
import { navigate } from "./router";
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
    langToggle,
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
  }

  update();
  onNetworkChange(update);
  onPendingChange(update);
  onLangChange(update);
  return bar;
}
