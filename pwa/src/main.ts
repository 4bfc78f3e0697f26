// Boots the shell: top bar, the right first screen (from this phone's memory first, then the
// server's word), and the service worker through sw-bridge.
import "./styles.css";
import { h } from "./shared/dom";
import { renderTopbar } from "./shared/topbar";
import { mountToasts } from "./shared/toast";
import { isOnline } from "./shared/network";
import { applyDocumentLang, onLangChange, t, type MessageKey } from "./i18n";
import { api, ApiError, type User } from "./api";
import { cachedMe, fetchMe, forgetMe } from "./features/auth/session";
import { renderLogin } from "./features/auth/login";
import { renderHome } from "./features/home/home";
import { renderPublicCheckin, shelterCodeFromPath } from "./features/shelter/public-checkin";
import { startServiceWorker } from "./sw-bridge/prompt";

const root = document.getElementById("app")!;
const main = h("main", { id: "main", class: "content" });
let render: (() => HTMLElement) | null = null;
let showingHome = false;

/** Swaps the screen. `focus` moves the reader to the new heading (not done for quiet refreshes). */
function show(next: () => HTMLElement, focus = true): void {
  render = next;
  main.replaceChildren(next());
  if (focus) main.querySelector<HTMLElement>("h1")?.focus({ preventScroll: true });
}

function showLogin(notice?: MessageKey): void {
  showingHome = false;
  show(() => renderLogin({ notice, onLoggedIn: (user) => showHome(user) }));
}

function showHome(user: User, cachedAt?: string, focus = true): void {
  showingHome = true;
  show(() => renderHome({ user, cachedAt, onLoggedOut: () => showLogin("login.loggedOut") }), focus);
}

/** Asks the server who we are; keeps the phone's copy when the server cannot be reached. */
async function confirmSession(hadCache: boolean): Promise<void> {
  try {
    const user = await fetchMe();
    showHome(user, undefined, !hadCache);
  } catch (err) {
    if (hadCache && showingHome && err instanceof ApiError && err.status === 401) {
      forgetMe();
      showLogin("login.sessionExpired");
    }
    // No answer with a cached user: stay on the cached home, that is the offline promise.
    // No cached user: the login screen is already up (and says when first login needs network).
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

  // Refresh failed mid-use: the session is over; say so instead of failing request by request.
  api.setOnAuthLost(() => {
    if (!showingHome) return;
    forgetMe();
    showLogin("login.sessionExpired");
  });

  const shelterCode = shelterCodeFromPath(location.pathname);
  if (shelterCode) {
    show(() => renderPublicCheckin(shelterCode));
  } else {
    const cached = cachedMe();
    // Show something useful at once: waiting on /me over a weak signal could take many seconds.
    if (cached) showHome(cached.user, cached.saved_at);
    else showLogin();
    // Valid cookies but no cached user (storage cleared) still lands on home once the server says so.
    if (isOnline()) void confirmSession(Boolean(cached));
  }

  startServiceWorker();
}

boot();
