// The home screen after login: who you are, where you serve, and big tiles for each workflow,
// with the count of orders waiting for your answer on 我的任务. Signing out is in 设置 (top bar).
import { h, whileAttached } from "../../shared/dom";
import { showToast } from "../../shared/toast";
import { navigate } from "../../shared/router";
import { getCounts, onCounts } from "../../data/flush";
import { onOrderBadge } from "../../shared/order-badge";
import { formatDateTime, roleName, t, type MessageKey } from "../../i18n";
import type { User } from "../../api";

export interface HomeOptions {
  user: User;
  /** Set when the details come from this phone's copy rather than a fresh server answer. */
  cachedAt?: string;
  /** Kept for the caller; signing out is on the settings screen now. */
  onLoggedOut?: () => void;
}

interface Tile {
  id: string;
  label: MessageKey;
  icon: string; // an SVG path on a 24x24 grid: a shape, so the tile is found without reading
  wide?: boolean;
  /** Where the tile goes; none yet means "coming soon". */
  route?: string;
  /** Shown only to these roles. */
  roles?: string[];
}

// Reporting a hazard is the most common field action, so it gets the widest tile.
const TILES: Tile[] = [
  { id: "desk", label: "tile.desk", wide: true, route: "/desk", roles: ["duty_officer", "admin"], icon: "M3 4h18v12H3V4Zm2 2v8h14V6H5Zm3 12h8v2H8v-2Zm1-10h2v4H9V8Zm4 2h2v2h-2v-2Z" },
  // Captains lead on the ground: the map of their region, not the dispatch desk.
  { id: "team", label: "tile.team", route: "/team", roles: ["captain"], icon: "M16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm-8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm0 2c-2.3 0-7 1.2-7 3.5V19h14v-2.5C15 14.2 10.3 13 8 13Zm8 0c-.3 0-.6 0-1 .1 1.2.8 2 2 2 3.4V19h6v-2.5c0-2.3-4.7-3.5-7-3.5Z" },
  // 本队装备: the team's items, 领用 and 归还 at the scene (the captain), read by members.
  { id: "equipment", label: "tile.equipment", route: "/equipment", roles: ["captain", "member"], icon: "M10 3h4v2h6v4h-2v11H6V9H4V5h6V3Zm-2 6v9h8V9H8Zm2 2h4v2h-4v-2Z" },
  { id: "trainings", label: "tile.trainings", route: "/trainings", roles: ["captain"], icon: "M12 3 1 9l11 6 9-4.9V17h2V9L12 3Zm-7 9.2V16l7 4 7-4v-3.8L12 16l-7-3.8Z" },
  // 我的队员证: the QR the captain scans at a training's roll.
  { id: "badge", label: "tile.badge", route: "/badge", roles: ["captain", "member"], icon: "M4 4h7v7H4V4Zm2 2v3h3V6H6Zm7-2h7v7h-7V4Zm2 2v3h3V6h-3ZM4 13h7v7H4v-7Zm2 2v3h3v-3H6Zm7-2h2v2h-2v-2Zm2 2h2v2h-2v-2Zm2-2h3v2h-3v-2Zm-4 4h2v3h-2v-3Zm4 0h3v3h-3v-3Z" },
  { id: "map", label: "tile.map", route: "/desk/map", roles: ["captain"], icon: "M15 5.1 9 3 3 5v16l6-2 6 2 6-2V3l-6 2.1ZM10 5.4l4 1.4v11.8l-4-1.4V5.4ZM5 6.4l3-1v11.8l-3 1V6.4Zm14 11.2-3 1V6.8l3-1v11.8Z" },
  { id: "report", label: "tile.report", wide: true, route: "/report", icon: "M12 2 1 21h22L12 2Zm0 6 1 7h-2l1-7Zm-1 9h2v2h-2v-2Z" },
  // 灾情报告: information officers file their village's figures; the desk reads the sums.
  { id: "disasters", label: "tile.disasters", route: "/disasters", roles: ["info_officer", "duty_officer", "admin"], icon: "M3 20h18v2H3v-2Zm2-2V9h3v9H5Zm5 0V4h3v14h-3Zm5 0v-6h3v6h-3Z" },
  { id: "checkin", label: "tile.checkin", route: "/checkin", icon: "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2Z" },
  { id: "tasks", label: "tile.tasks", route: "/orders", icon: "M4 4h16v3H4V4Zm0 6.5h16v3H4v-3ZM4 17h16v3H4v-3Z" },
  { id: "warnings", label: "tile.warnings", route: "/warnings", icon: "M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.8V3h-3v1.2A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" },
  // 人员与队伍: users, teams and the roster import (the county, and a township within itself).
  { id: "admin", label: "tile.admin", route: "/admin/users", roles: ["duty_officer", "admin"], icon: "M16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm-8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm0 2c-2.3 0-7 1.2-7 3.5V19h14v-2.5C15 14.2 10.3 13 8 13Zm8 0c-.3 0-.6 0-1 .1 1.2.8 2 2 2 3.4V19h6v-2.5c0-2.3-4.7-3.5-7-3.5Z" },
  { id: "shelters", label: "tile.shelters", route: "/shelters", roles: ["shelter_manager", "duty_officer", "admin"], icon: "M12 3 2 12h3v8h5v-5h4v5h5v-8h3L12 3Z" },
];

function icon(path: string): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const p = document.createElementNS(ns, "path");
  p.setAttribute("d", path);
  svg.appendChild(p);
  return svg;
}

export function renderHome({ user, cachedAt }: HomeOptions): HTMLElement {
  // 我的任务 carries the number of orders that wait for an answer (hidden at zero).
  const waitingNum = h("span", { class: "tile-count", "aria-hidden": "true", hidden: true });
  const waitingText = h("span", { class: "visually-hidden" });
  const tiles = TILES.filter((tile) => !tile.roles || tile.roles.includes(user.role)).map((tile) =>
    h(
      "button",
      {
        type: "button",
        class: tile.wide ? "tile tile-wide" : "tile",
        "data-tile": tile.id,
        // Not built yet: say so when tapped, never a dead link.
        onclick: () => (tile.route ? navigate(tile.route) : showToast(t("tile.comingSoonToast", { name: t(tile.label) }))),
      },
      icon(tile.icon),
      h("span", { class: "tile-label" }, t(tile.label)),
      tile.route ? null : h("span", { class: "tile-badge" }, t("tile.comingSoon")),
      tile.id === "tasks" ? waitingNum : null,
      tile.id === "tasks" ? waitingText : null,
    ),
  );

  // What waits on this phone, and what the server refused: one tap from home.
  const outboxCount = h("span", { class: "link-count" });
  const refusedBanner = h("button", { type: "button", class: "notice notice-error banner-btn", hidden: true, onclick: () => navigate("/outbox") });
  const links = h(
    "div",
    { class: "home-links" },
    h("button", { type: "button", class: "btn btn-secondary btn-block", onclick: () => navigate("/reports") }, t("home.myReports")),
    h("button", { type: "button", class: "btn btn-secondary btn-block", onclick: () => navigate("/outbox") }, t("home.outbox"), outboxCount),
  );
  const showCounts = ({ waiting, refused }: { waiting: number; refused: number }) => {
    outboxCount.textContent = waiting + refused > 0 ? ` (${waiting + refused})` : "";
    refusedBanner.hidden = refused === 0;
    refusedBanner.textContent = t("home.refusedBanner", { n: refused });
  };

  const screen = h(
    "section",
    { class: "screen screen-home", "aria-labelledby": "home-title" },
    h(
      "div",
      { class: "screen-body" },
      h(
        "div",
        { class: "who" },
        h("h1", { id: "home-title", tabindex: "-1" }, t("home.greeting", { name: user.display_name || user.username })),
        h("p", { class: "role-chip" }, roleName(user.role)),
        h("p", { class: "region" }, user.region_name ? t("home.region", { region: user.region_name }) : t("home.regionUnknown")),
        cachedAt ? h("p", { class: "notice" }, t("home.cachedAt", { time: formatDateTime(cachedAt) })) : null,
      ),
      refusedBanner,
      h("h2", { class: "visually-hidden" }, t("home.tiles")),
      h("div", { class: "tiles" }, ...tiles),
      links,
    ),
  );
  showCounts(getCounts());
  whileAttached(screen, onCounts, showCounts);
  whileAttached<number>(screen, onOrderBadge, (n) => {
    waitingNum.hidden = n === 0;
    waitingNum.textContent = String(n);
    waitingText.textContent = n > 0 ? t("home.waitingAnswer", { n }) : "";
  });
  return screen;
}
