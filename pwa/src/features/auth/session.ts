// Who is signed in: the server's word when it can be reached, the last answer when it cannot.
// Auth itself lives in httpOnly cookies set by the server; nothing here ever holds a token.
import { api, ApiError, type LoginResponse, type User } from "../../api";

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
  const { id, username, display_name, role, region_id, region_name, phone } = user;
  const entry: CachedMe = {
    user: { id, username, display_name, role, region_id, region_name, phone },
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

export async function login(username: string, password: string): Promise<User> {
  // The body's tokens are dropped on purpose: the cookies the same answer set are what authenticate us.
  const { user } = await api.post<LoginResponse>("/api/v1/auth/login", { username, password });
  rememberMe(user);
  return user;
}

export async function fetchMe(): Promise<User> {
  const user = await api.get<User>("/api/v1/me");
  rememberMe(user);
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
}
