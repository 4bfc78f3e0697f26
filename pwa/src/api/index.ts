// The app's shared client, wired to the connection indicator, to the refresh lock it shares with
// the service worker, and to the meta store that keeps the CSRF values the worker needs.
import { createClient } from "./client";
import { reportReachable } from "../shared/network";
import { withLock } from "../data/locks";
import { REFRESH_LOCK, rememberCsrf } from "../data/transport";

export const api = createClient({
  onReachable: reportReachable,
  refreshLock: (fn) => withLock(REFRESH_LOCK, fn),
  onTokens: (body) => rememberCsrf(body).catch(() => undefined),
});
export { ApiError, NetworkError } from "./client";
export type { User, Role, LoginResponse } from "./types";
