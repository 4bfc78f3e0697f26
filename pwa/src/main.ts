// Boots the shell: top bar, the screen for the current path (from this phone's memory first, then
// the server's word), the outbox and its triggers, and the service worker through sw-bridge.
import "./styles.css";
import { h } from "./shared/dom";
import { renderTopbar } from "./shared/topbar";
import { mountToasts } from "./shared/toast";
import { isOnline } from "./shared/network";
import { currentPath, onRoute } from "./shared/router";
import { applyDocumentLang, onLangChange, t, type MessageKey } from "./i18n";
import { api, ApiError, type User } from "./api";
import { adoptUser, cachedMe, fetchMe, forgetMe } from "./features/auth/session";
import { renderLogin } from "./features/auth/login";
import { renderHome } from "./features/home/home";
import { renderReport } from "./features/report/report";
import { renderMyReports } from "./features/report/my-reports";
import { renderCheckin } from "./features/checkin/checkin";
import { renderOutbox } from "./features/outbox/outbox";
import { renderPublicCheckin, shelterCodeFromPath } from "./features/shelter/public-checkin";
import { getCounts, onSyncResult, requestFlush, startOutbox } from "./data/flush";
import { startServiceWorker } from "./sw-bridge/prompt";
import { prefetchMapSettings } from "./shared/picker";
import { renderOrder, renderOrders } from "./features/dispatch/orders";
import { renderReportDetail } from "./features/report/report-detail";
import { DESK_ROLES, renderBoard, renderDesk, renderNewOrder } from "./features/desk/desk";
import { MAP_ROLES, renderDeskMap } from "./features/desk/map";
import { listenToWorker, resubscribe } from "./features/dispatch/push";

const root = document.getElementById("app")!;
const main = h("main", { id: "main", class: "content" });
let render: (() => HTMLElement) | null = null;
let user: User | null = null;
let cachedAt: string | undefined;

/** Swaps the screen. `focus` moves the reader to the new heading (not done for quiet refreshes). */
function show(next: () => HTMLElement, focus = true): void {
  render = next;
  main.replaceChildren(next());
  if (focus) {
    main.querySelector<HTMLElement>("h1")?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
}

function showLogin(notice?: MessageKey): void {
  user = null;
  const waiting = getCounts().waiting;
  // The outbox survives a lost session: say how much waits, so the user knows why to log in.
  const extra = waiting > 0 ? t("login.reloginToSend", { n: waiting }) : undefined;
  show(() => renderLogin({ notice, noticeExtra: extra, onLoggedIn: (u) => signedIn(u) }));
}

function signedIn(u: User, at?: string, focus = true): void {
  user = u;
  cachedAt = at;
  route(currentPath(), focus);
  if (!at) {
    void requestFlush();
    prefetchMapSettings(u.region_id);
    void resubscribe();
  }
}

/** The screen for a path; every screen but the shelter poster's needs a signed-in user. */
function route(path: string, focus = true): void {
  if (!user) return showLogin();
  const url = new URL(path, location.origin);
  const u = user;
  switch (url.pathname) {
    case "/report":
      return show(() => renderReport(url.searchParams.get("fix") ?? undefined), focus);
    case "/reports":
      return show(() => renderMyReports(), focus);
    case "/checkin":
      return show(() => renderCheckin(), focus);
    case "/outbox":
      return show(() => renderOutbox({ onRelogin: () => sessionOver() }), focus);
    case "/orders":
      return show(() => renderOrders(), focus);
    case "/desk":
      if (DESK_ROLES.has(u.role)) return show(() => renderDesk(), focus);
      break;
    case "/desk/new":
      if (DESK_ROLES.has(u.role)) return show(() => renderNewOrder(), focus);
      break;
    case "/desk/map":
      if (MAP_ROLES.has(u.role)) return show(() => renderDeskMap(url.searchParams.get("order") ?? undefined), focus);
      break;
    default: {
      const order = /^\/orders\/([\w-]+)$/.exec(url.pathname);
      if (order) return show(() => renderOrder(order[1]), focus);
      if (/^\/reports\/[\w-]+$/.test(url.pathname)) return show(() => renderReportDetail(url.pathname.slice("/reports/".length)), focus);
      const board = /^\/desk\/([\w-]+)$/.exec(url.pathname);
      if (board && DESK_ROLES.has(u.role)) return show(() => renderBoard(board[1]), focus);
    }
  }
  return show(() => renderHome({ user: u, cachedAt, onLoggedOut: () => loggedOut() }), focus);
}

function loggedOut(): void {
  history.replaceState(null, "", "/");
  showLogin("login.loggedOut");
}

function sessionOver(): void {
  if (!user) return;
  forgetMe();
  showLogin("login.sessionExpired");
}

/** Asks the server who we are; keeps the phone's copy when the server cannot be reached. */
async function confirmSession(hadCache: boolean): Promise<void> {
  try {
    const fresh = await fetchMe();
    const wasOnHome = location.pathname === "/";
    user = fresh;
    cachedAt = undefined;
    // Re-draw home (to drop "shown offline"); never a form the user may be typing in.
    if (!hadCache || wasOnHome) route(currentPath(), !hadCache);
    void requestFlush();
    // The map picker must open offline later: its tile settings and region centre, kept now.
    prefetchMapSettings(fresh.region_id);
    // Web push: re-send this device's subscription on every open (only if already allowed).
    void resubscribe();
  } catch (err) {
    if (hadCache && user && err instanceof ApiError && err.status === 401) sessionOver();
    // No answer with a cached user: stay where we are, that is the offline promise.
  }
}

function boot(): void {
  applyDocumentLang();
  document.title = t("app.name");
  root.replaceChildren(renderTopbar(), main);
  mountToasts(root);

  onLangChange(() => {
    document.title = t("app.name");
    if (render) show(render, false);
  });
  onRoute((path) => route(path));

  // Refresh failed mid-use, in the page or in the sync engine: the session is over. Say so, and
  // keep everything waiting for after the next login.
  api.setOnAuthLost(() => sessionOver());
  onSyncResult((r) => {
    if (r.stopped === "auth") sessionOver();
  });

  const shelterCode = shelterCodeFromPath(location.pathname);
  if (shelterCode) {
    show(() => renderPublicCheckin(shelterCode));
  } else {
    const cached = cachedMe();
    // Show something useful at once: waiting on /me over a weak signal could take many seconds.
    if (cached) {
      void adoptUser(cached.user).then(() => startOutbox());
      signedIn(cached.user, cached.saved_at);
    } else {
      startOutbox();
      showLogin();
    }
    // Valid cookies but no cached user (storage cleared) still lands on home once the server says so.
    if (isOnline()) void confirmSession(Boolean(cached));
  }

  startServiceWorker();
  listenToWorker();
}

boot();
