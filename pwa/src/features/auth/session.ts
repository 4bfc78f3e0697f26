// Who is signed in: the server's word when it can be reached, the last answer when it cannot.
// Auth itself lives in httpOnly cookies set by the server; nothing here ever holds a token.
import { api, ApiError, type LoginResponse, type User } from "../../api";
import { deviceId, getMeta, setMeta } from "../../data/db";
import { clearPulled, dropKeptCopies } from "../../data/stores";
import { clearAuthLost } from "../../data/sync";

const KEY = "yjt.me";

export interface CachedMe {
  user: User;
  saved_at: string;
}

export function cachedMe(): CachedMe | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as CachedMe;
    return parsed?.user?.id ? parsed : null;
  } catch {
    return null;
  }
}

export function rememberMe(user: User): void {
  // Copy the known fields only, so nothing else the server adds (a token, say) lands in storage.
  // The team too: a captain's team screens (equipment, trainings) open offline from it.
  const { id, username, display_name, role, region_id, region_name, phone, must_change_password, team_id, team_role } = user;
  const entry: CachedMe = {
    user: { id, username, display_name, role, region_id, region_name, phone, must_change_password, team_id, team_role },
    saved_at: new Date().toISOString(),
  };
  try {
    localStorage.setItem(KEY, JSON.stringify(entry));
  } catch {
    /* storage full or blocked: the app still works online */
  }
}

export function forgetMe(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    /* nothing to forget */
  }
}

/**
 * Tells the phone's data layer who is signed in: ops are tagged with this id and only sent under
 * it; when another account signs in, the last one's pulled copies are dropped (not its outbox).
 */
export async function adoptUser(user: User): Promise<void> {
  try {
    const before = await getMeta<string>("user_id");
    if (before && before !== user.id) await clearPulled();
    if (before !== user.id) {
      await dropKeptCopies(user.id);
      await setMeta("user_id", user.id);
    }
  } catch {
    /* no IndexedDB (private mode): nothing can be kept offline anyway */
  }
}

export async function login(username: string, password: string): Promise<User> {
  // The body's tokens are dropped on purpose: the cookies the same answer set are what authenticate
  // us. Its CSRF values (no credential) go to the meta store through the client's onTokens hook.
  const device_id = await deviceId().catch(() => undefined);
  const { user } = await api.post<LoginResponse>("/api/v1/auth/login", { username, password, device_id });
  rememberMe(user);
  await adoptUser(user);
  await clearAuthLost().catch(() => undefined);
  return user;
}

export async function fetchMe(): Promise<User> {
  const user = await api.get<User>("/api/v1/me");
  rememberMe(user);
  await adoptUser(user);
  return user;
}

/** Revokes the session on the server. A 401 means it was already gone, which is just as good. */
export async function logout(): Promise<void> {
  try {
    await api.post<void>("/api/v1/auth/logout");
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) throw err;
  }
  forgetMe();
  // The outbox stays (tagged with this user); the CSRF values of the ended session go, and the
  // screens' kept copies of server answers (people's names and phones among them).
  await setMeta("csrf_access", null).catch(() => undefined);
  await setMeta("csrf_refresh", null).catch(() => undefined);
  await dropKeptCopies(null).catch(() => undefined);
}
