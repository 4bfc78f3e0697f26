// Boots the shell: top bar, the screen for the current path (from this phone's memory first, then
// the server's word), the outbox and its triggers, and the service worker through sw-bridge.
import "./styles.css";
import { h } from "./shared/dom";
import { renderTopbar } from "./shared/topbar";
import { mountToasts } from "./shared/toast";
import { isOnline } from "./shared/network";
import { currentPath, onRoute } from "./shared/router";
import { isServerPage } from "./shared/server-pages";
import { applyDocumentLang, onLangChange, t, type MessageKey } from "./i18n";
import { api, ApiError, readCookie, type User } from "./api";
import { adoptUser, cachedMe, fetchMe, forgetMe, logout, rememberMe } from "./features/auth/session";
import { renderLogin } from "./features/auth/login";
import { renderHome } from "./features/home/home";
import { getCounts, onSyncResult, requestFlush, startOutbox } from "./data/flush";
import { startServiceWorker } from "./sw-bridge/prompt";
import { prefetchMapSettings } from "./shared/picker";
import { listenToWorker, resubscribe } from "./features/dispatch/push";
// The other screens load when first opened (import() in route()), so the login page's script is
// the shell alone; the service worker precaches every chunk, so they open offline all the same.

const root = document.getElementById("app")!;
const main = h("main", { id: "main", class: "content" });
// The area's warnings in force, above every screen of a signed-in user (features/warning/banner).
const warningSlot = h("section", { id: "warning-banner", hidden: true });
let bannerOn = false;
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
  if (bannerOn) void import("./features/warning/banner").then((m) => m.stopBanner());
  const waiting = getCounts().waiting;
  // The outbox survives a lost session: say how much waits, so the user knows why to log in.
  const extra = waiting > 0 ? t("login.reloginToSend", { n: waiting }) : undefined;
  show(() => renderLogin({ notice, noticeExtra: extra, onLoggedIn: (u) => signedIn(u) }));
}

function signedIn(u: User, at?: string, focus = true): void {
  user = u;
  cachedAt = at;
  route(currentPath(), focus);
  // Its own chunk, loaded after sign-in: the login page's script stays the shell alone.
  bannerOn = true;
  void import("./features/warning/banner").then((m) => user && m.startBanner(warningSlot, user));
  if (!at) {
    void requestFlush();
    prefetchMapSettings(u.region_id);
    void resubscribe();
  }
}

type Screen = () => HTMLElement;
let routing = 0;

/**
 * The build's stylesheet (the screens' styles) is not render-blocking (vite.config.ts): a screen
 * that loads with import() waits for it, so it never flashes unstyled on a slow line. An error or
 * a long wait lets the screen show anyway.
 */
function screenStyles(): Promise<void> {
  const link = document.querySelector<HTMLLinkElement>('link[as="style"]');
  const applied = () => !link || [...document.styleSheets].some((sheet) => sheet.href === link.href);
  if (applied()) return Promise.resolve();
  return new Promise((resolve) => {
    // The first load is the preload; its onload makes it a stylesheet, whose load comes next.
    link!.addEventListener("load", () => applied() && resolve());
    link!.addEventListener("error", () => resolve());
    setTimeout(resolve, 5000);
  });
}

/**
 * Shows a screen whose code is a chunk of its own. Only the latest route wins (a tap elsewhere
 * while a chunk loads is not undone by it); a slow load says so, and a failed one offers a retry.
 */
function showLazy(load: () => Promise<Screen | null>, focus: boolean): void {
  const ticket = routing;
  const slow = setTimeout(() => {
    if (ticket === routing) show(() => h("p", { class: "boot", role: "status" }, t("app.opening")), false);
  }, 400);
  Promise.all([load(), screenStyles()]).then(
    ([next]) => {
      clearTimeout(slow);
      // Superseded, or signed out meanwhile (the login screen must stay).
      if (ticket !== routing || !user) return;
      if (next) show(next, focus);
      else showHome(focus);
    },
    () => {
      clearTimeout(slow);
      if (ticket !== routing || !user) return;
      show(
        () =>
          h(
            "div",
            { class: "screen-body" },
            h("h1", { tabindex: "-1" }, t("app.openFailed")),
            h("p", {}, t("app.openFailedHint")),
            // A reload, not a re-route: after a new release the old chunk is gone, and only a fresh
            // shell knows the new names (offline, the worker answers it from its cache).
            h("button", { type: "button", class: "btn btn-primary btn-block", onclick: () => location.reload() }, t("app.openRetry")),
          ),
        focus,
      );
    },
  );
}

function showHome(focus: boolean): void {
  const u = user!;
  show(() => renderHome({ user: u, cachedAt, onLoggedOut: () => loggedOut() }), focus);
}

/** The screen for a path; every screen needs a signed-in user. */
function route(path: string, focus = true): void {
  routing += 1;
  if (!user) return showLogin();
  const url = new URL(path, location.origin);
  const u = user;
  const lazy = (load: () => Promise<Screen | null>) => showLazy(load, focus);
  // A password reset by an administrator: the new one first, before any screen (the server
  // refuses every other call until then).
  if (u.must_change_password)
    return lazy(async () => {
      const { renderChangePassword } = await import("./features/admin/change-password");
      return () =>
        renderChangePassword({
          user: u,
          onChanged: (me) => {
            user = me;
            rememberMe(me);
            route(currentPath());
            // The outbox waited (the server refused it until now, keeping every op): send it.
            void requestFlush();
          },
          onLogout: () => void logout().finally(() => loggedOut()),
        });
    });
  switch (url.pathname) {
    case "/report":
      return lazy(async () => {
        const { renderReport } = await import("./features/report/report");
        return () => renderReport(url.searchParams.get("fix") ?? undefined);
      });
    case "/reports":
      return lazy(async () => (await import("./features/report/my-reports")).renderMyReports);
    case "/checkin":
      return lazy(async () => (await import("./features/checkin/checkin")).renderCheckin);
    case "/outbox":
      return lazy(async () => {
        const { renderOutbox } = await import("./features/outbox/outbox");
        return () => renderOutbox({ onRelogin: () => sessionOver() });
      });
    case "/orders":
      return lazy(async () => (await import("./features/dispatch/orders")).renderOrders);
    case "/settings":
      return lazy(async () => {
        const { renderSettings } = await import("./features/settings/settings");
        return () => renderSettings({ user: u, onLoggedOut: () => loggedOut() });
      });
    case "/desk":
    case "/desk/new":
      return lazy(async () => {
        const desk = await import("./features/desk/desk");
        if (!desk.DESK_ROLES.has(u.role)) return null;
        return url.pathname === "/desk" ? desk.renderDesk : desk.renderNewOrder;
      });
    case "/desk/people":
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderPeople }] = await Promise.all([import("./features/desk/desk"), import("./features/desk/people")]);
        return DESK_ROLES.has(u.role) ? renderPeople : null;
      });
    case "/desk/reports":
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderDeskReports }] = await Promise.all([import("./features/desk/desk"), import("./features/desk/reports")]);
        return DESK_ROLES.has(u.role) ? () => renderDeskReports(url.searchParams) : null;
      });
    case "/desk/stats":
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderStats }] = await Promise.all([import("./features/desk/desk"), import("./features/desk/stats")]);
        return DESK_ROLES.has(u.role) ? renderStats : null;
      });
    case "/desk/subsidy":
      // Before the generic /desk/<board> below, which would take "subsidy" for an order id.
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderSubsidy }] = await Promise.all([import("./features/desk/desk"), import("./features/desk/subsidy")]);
        return DESK_ROLES.has(u.role) ? () => renderSubsidy(u) : null;
      });
    case "/desk/subsidy/rules":
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderSubsidyRules }] = await Promise.all([import("./features/desk/desk"), import("./features/desk/subsidy-rules")]);
        return DESK_ROLES.has(u.role) ? () => renderSubsidyRules(u) : null;
      });
    case "/desk/claims":
      // Before the generic /desk/<board> below, which would take "claims" for an order id.
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderClaims }] = await Promise.all([import("./features/desk/desk"), import("./features/desk/claims")]);
        return DESK_ROLES.has(u.role) ? renderClaims : null;
      });
    case "/desk/claims/new":
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderNewClaim }] = await Promise.all([import("./features/desk/desk"), import("./features/desk/claims-new")]);
        return DESK_ROLES.has(u.role) ? () => renderNewClaim(u) : null;
      });
    case "/desk/supervised":
      // Before the generic /desk/<board> below, which would take "supervised" for an order id.
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderSupervised }] = await Promise.all([import("./features/desk/desk"), import("./features/desk/supervised")]);
        return DESK_ROLES.has(u.role) ? renderSupervised : null;
      });
    case "/desk/map":
      return lazy(async () => {
        const { MAP_ROLES, renderDeskMap } = await import("./features/desk/map");
        if (!MAP_ROLES.has(u.role)) return null;
        return () => renderDeskMap(url.searchParams.get("order") ?? undefined);
      });
    case "/shelters":
      return lazy(async () => {
        const { KIOSK_ROLES, renderShelters } = await import("./features/kiosk/shelters");
        return KIOSK_ROLES.has(u.role) ? () => renderShelters(u) : null;
      });
    case "/shelters/new":
      return lazy(async () => {
        const { renderShelterForm, canRegister } = await import("./features/kiosk/shelter-form");
        return canRegister(u) ? () => renderShelterForm(u, null) : null;
      });
    case "/disasters":
      return lazy(async () => {
        const { DISASTER_ROLES, renderDisasters } = await import("./features/disaster/disasters");
        return DISASTER_ROLES.has(u.role) ? () => renderDisasters(u) : null;
      });
    case "/disasters/new":
      // Before the /disasters/<id> pattern below, which would take "new" for an event id.
      return lazy(async () => {
        const [{ DISASTER_DESK }, { renderOpenEvent }] = await Promise.all([import("./features/disaster/disasters"), import("./features/disaster/open")]);
        return DISASTER_DESK.has(u.role) ? renderOpenEvent : null;
      });
    case "/desk/readiness":
      // Before the generic /desk/<board> below, which would take "readiness" for an order id.
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderReadiness }] = await Promise.all([import("./features/desk/desk"), import("./features/teams/readiness")]);
        return DESK_ROLES.has(u.role) ? () => renderReadiness(u) : null;
      });
    case "/desk/team-rules":
      // 招募条件; before the generic /desk/<board> below, which would take it for an order id.
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderTeamRules }] = await Promise.all([import("./features/desk/desk"), import("./features/teams/rules")]);
        return DESK_ROLES.has(u.role) ? () => renderTeamRules(u) : null;
      });
    case "/desk/flags":
      // 不符合招募条件的队员; before the generic /desk/<board> below.
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderFlags }] = await Promise.all([import("./features/desk/desk"), import("./features/teams/flags")]);
        return DESK_ROLES.has(u.role) ? () => renderFlags(u, url.searchParams.get("region_id")) : null;
      });
    case "/desk/equipment":
      // 逾期未保养的装备; before the generic /desk/<board> below, which would take it for an order id.
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderOverdueEquipment }] = await Promise.all([import("./features/desk/desk"), import("./features/equipment/overdue")]);
        return DESK_ROLES.has(u.role) ? () => renderOverdueEquipment(u, url.searchParams.get("region_id")) : null;
      });
    case "/team":
      // A captain's own team: his township's readiness.
      return lazy(async () => {
        const { renderReadiness } = await import("./features/teams/readiness");
        return u.role === "captain" ? () => renderReadiness(u, true) : null;
      });
    case "/equipment":
      // 本队装备: the captain's and the members' own team.
      return lazy(async () => {
        const { EQUIPMENT_ROLES, renderEquipment } = await import("./features/equipment/equipment");
        return EQUIPMENT_ROLES.has(u.role) ? () => renderEquipment(u) : null;
      });
    case "/equipment/new":
      // 登记装备: the captain (before /equipment/<id> below, which would take "new" for an id).
      return lazy(async () => {
        const { renderItemForm } = await import("./features/equipment/form");
        return u.role === "captain" ? () => renderItemForm(u, null) : null;
      });
    case "/trainings":
      // A captain's team's trainings and drills, and (below) a training's roll call.
      return lazy(async () => {
        const { TRAINING_ROLES, renderTrainings } = await import("./features/training/list");
        return TRAINING_ROLES.has(u.role) ? () => renderTrainings(u) : null;
      });
    case "/badge":
      // 我的队员证: a captain's or member's own badge, scanned at a training's roll.
      return lazy(async () => {
        const { BADGE_ROLES, renderBadge } = await import("./features/training/badge");
        return BADGE_ROLES.has(u.role) ? () => renderBadge(u) : null;
      });
    case "/warnings":
      return lazy(async () => {
        const { renderWarnings } = await import("./features/warning/list");
        return () => renderWarnings(u);
      });
    case "/desk/warnings":
      // Before the generic /desk/<board> below, which would take "warnings" for an order id.
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderWarnings }] = await Promise.all([import("./features/desk/desk"), import("./features/desk/warnings")]);
        return DESK_ROLES.has(u.role) ? renderWarnings : null;
      });
    case "/desk/warnings/new":
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderWarningForm }] = await Promise.all([import("./features/desk/desk"), import("./features/desk/warnings-form")]);
        return DESK_ROLES.has(u.role) ? () => renderWarningForm(u) : null;
      });
    case "/desk/rules":
      // Before the generic /desk/<board> below, which would take "rules" for an order id.
      return lazy(async () => {
        const [{ DESK_ROLES }, { renderRules }] = await Promise.all([import("./features/desk/desk"), import("./features/desk/rules")]);
        return DESK_ROLES.has(u.role) ? () => renderRules(u) : null;
      });
    case "/admin":
    case "/admin/users":
      return lazy(async () => {
        const [{ ADMIN_ROLES }, { renderUsers }] = await Promise.all([import("./features/admin/model"), import("./features/admin/users")]);
        return ADMIN_ROLES.has(u.role) ? renderUsers : null;
      });
    case "/admin/users/new":
      return lazy(async () => {
        const [{ ADMIN_ROLES }, { renderNewUser }] = await Promise.all([import("./features/admin/model"), import("./features/admin/users")]);
        return ADMIN_ROLES.has(u.role) ? () => renderNewUser(u) : null;
      });
    case "/admin/teams":
      return lazy(async () => {
        const [{ ADMIN_ROLES }, { renderTeams }] = await Promise.all([import("./features/admin/model"), import("./features/admin/teams")]);
        return ADMIN_ROLES.has(u.role) ? renderTeams : null;
      });
    default: {
      const adminUser = /^\/admin\/users\/([\w-]+)$/.exec(url.pathname);
      if (adminUser) return lazy(async () => {
        const [{ ADMIN_ROLES }, { renderUser }] = await Promise.all([import("./features/admin/model"), import("./features/admin/users")]);
        return ADMIN_ROLES.has(u.role) ? () => renderUser(u, adminUser[1]) : null;
      });
      // A team's members' insurance: the team's captain and the desk (the server checks which team).
      const teamInsurance = /^\/teams\/([\w-]+)\/insurance$/.exec(url.pathname);
      if (teamInsurance) return lazy(async () => {
        const [{ DESK_ROLES }, { renderTeamInsurance }] = await Promise.all([import("./features/desk/desk"), import("./features/teams/insurance")]);
        return DESK_ROLES.has(u.role) || u.role === "captain" ? () => renderTeamInsurance(u, teamInsurance[1]) : null;
      });
      const adminTeam = /^\/admin\/teams\/([\w-]+)$/.exec(url.pathname);
      if (adminTeam) return lazy(async () => {
        const [{ ADMIN_ROLES }, { renderTeam }] = await Promise.all([import("./features/admin/model"), import("./features/admin/teams")]);
        return ADMIN_ROLES.has(u.role) ? () => renderTeam(u, adminTeam[1]) : null;
      });
      // 修改档案: the member's captain or the desk (the server checks which team).
      const memberEdit = /^\/members\/([\w-]+)\/edit$/.exec(url.pathname);
      if (memberEdit) return lazy(async () => {
        const [{ PROFILE_EDIT_ROLES }, { renderProfileForm }] = await Promise.all([import("./features/teams/profile-model"), import("./features/teams/profile-form")]);
        return PROFILE_EDIT_ROLES.has(u.role) ? () => renderProfileForm(u, memberEdit[1]) : null;
      });
      // 队员档案: linked from the flagged members, the captain's team and the admin's team page.
      const member = /^\/members\/([\w-]+)$/.exec(url.pathname);
      if (member) return lazy(async () => {
        const [{ PROFILE_ROLES }, { renderProfile }] = await Promise.all([import("./features/teams/profile-model"), import("./features/teams/profile")]);
        return PROFILE_ROLES.has(u.role) ? () => renderProfile(u, member[1]) : null;
      });
      const equipmentEdit = /^\/equipment\/([\w-]+)\/edit$/.exec(url.pathname);
      if (equipmentEdit) return lazy(async () => {
        const { renderItemForm } = await import("./features/equipment/form");
        return u.role === "captain" ? () => renderItemForm(u, equipmentEdit[1]) : null;
      });
      const equipmentItem = /^\/equipment\/([\w-]+)$/.exec(url.pathname);
      if (equipmentItem) return lazy(async () => {
        const { EQUIPMENT_ROLES, renderItem } = await import("./features/equipment/equipment");
        return EQUIPMENT_ROLES.has(u.role) ? () => renderItem(u, equipmentItem[1]) : null;
      });
      const disaster = /^\/disasters\/([\w-]+)$/.exec(url.pathname);
      if (disaster) return lazy(async () => (await import("./features/disaster/screen")).disasterScreen(u, disaster[1]));
      const shelterEdit = /^\/shelters\/([\w-]+)\/edit$/.exec(url.pathname);
      if (shelterEdit) return lazy(async () => {
        const { renderShelterForm, canRegister } = await import("./features/kiosk/shelter-form");
        return canRegister(u) ? () => renderShelterForm(u, shelterEdit[1]) : null;
      });
      const kiosk = /^\/shelters\/([\w-]+)(?:\/(checkin|present))?$/.exec(url.pathname);
      if (kiosk) return lazy(async () => {
        const { KIOSK_ROLES } = await import("./features/kiosk/shelters");
        if (!KIOSK_ROLES.has(u.role)) return null;
        const [, id, part] = kiosk;
        if (part === "checkin") return (await import("./features/kiosk/checkin-form")).renderKioskCheckin.bind(null, id);
        if (part === "present") return (await import("./features/kiosk/present")).renderPresent.bind(null, u, id);
        const { renderKiosk } = await import("./features/kiosk/kiosk");
        return () => renderKiosk(u, id);
      });
      // Planning a training (new, or a change to one): before the roll's /trainings/<id> below.
      const plan = /^\/trainings\/(?:(new)|([\w-]+)\/edit)$/.exec(url.pathname);
      if (plan) return lazy(async () => {
        const [{ TRAINING_ROLES }, { renderPlan }] = await Promise.all([import("./features/training/list"), import("./features/training/plan")]);
        return TRAINING_ROLES.has(u.role) ? () => renderPlan(u, plan[2] ?? null) : null;
      });
      const training = /^\/trainings\/([\w-]+)$/.exec(url.pathname);
      if (training) return lazy(async () => {
        const [{ TRAINING_ROLES }, { renderRoll }] = await Promise.all([import("./features/training/list"), import("./features/training/roll")]);
        return TRAINING_ROLES.has(u.role) ? () => renderRoll(u, training[1]) : null;
      });
      const warning = /^\/warnings\/([\w-]+)$/.exec(url.pathname);
      if (warning) return lazy(async () => {
        const { renderWarning } = await import("./features/warning/detail");
        return () => renderWarning(u, warning[1]);
      });
      const order = /^\/orders\/([\w-]+)$/.exec(url.pathname);
      if (order) return lazy(async () => {
        const { renderOrder } = await import("./features/dispatch/orders");
        return () => renderOrder(order[1]);
      });
      if (/^\/reports\/[\w-]+$/.test(url.pathname))
        return lazy(async () => {
          const { renderReportDetail } = await import("./features/report/report-detail");
          return () => renderReportDetail(url.pathname.slice("/reports/".length));
        });
      const deskWarning = /^\/desk\/warnings\/([\w-]+)(\/update)?$/.exec(url.pathname);
      if (deskWarning) return lazy(async () => {
        const { DESK_ROLES } = await import("./features/desk/desk");
        if (!DESK_ROLES.has(u.role)) return null;
        const [, id, update] = deskWarning;
        if (update) return (await import("./features/desk/warnings-form")).renderWarningForm.bind(null, u, id);
        return (await import("./features/desk/warnings")).renderWarning.bind(null, id);
      });
      const claim = /^\/desk\/claims\/([\w-]+)$/.exec(url.pathname);
      if (claim) return lazy(async () => {
        const [{ DESK_ROLES }, { renderClaim }] = await Promise.all([import("./features/desk/desk"), import("./features/desk/claims")]);
        return DESK_ROLES.has(u.role) ? () => renderClaim(u, claim[1]) : null;
      });
      const board = /^\/desk\/([\w-]+)$/.exec(url.pathname);
      if (board) return lazy(async () => {
        const { DESK_ROLES, renderBoard } = await import("./features/desk/desk");
        return DESK_ROLES.has(u.role) ? () => renderBoard(board[1]) : null;
      });
    }
  }
  return showHome(focus);
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
    if (bannerOn) void import("./features/warning/banner").then((m) => user && m.startBanner(warningSlot, user));
    // Re-draw home (to drop "shown offline"); never a form the user may be typing in.
    if (!hadCache || wasOnHome || fresh.must_change_password) route(currentPath(), !hadCache);
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
  root.replaceChildren(renderTopbar(), warningSlot, main);
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
  // With neither a cached user nor the refresh token's CSRF cookie (readable, set and cleared with
  // the session's cookies) there is no session to confirm: asking would only log two 401s.
  if (isOnline() && (cached || readCookie("csrf_refresh_token"))) void confirmSession(Boolean(cached));
  // Only a worker from before /s/ was the server's answers a shelter's page with this shell: take
  // the new worker at once (nothing is being typed here yet) so the reload gets the server's page.
  startServiceWorker({ applyAtOnce: isServerPage(location.pathname) });
  listenToWorker();
}

boot();
