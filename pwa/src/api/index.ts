// The page's shared client, wired to the connection indicator. In the page the CSRF cookies are
// the truth (a refresh by the worker updates them too); the meta store is the fallback.
import { createClient, readCsrfFromMeta, type CsrfKind } from "./client";
import { reportReachable } from "../shared/network";

export function readCookie(name: string, source?: string): string | undefined {
  const cookies = source ?? (typeof document === "undefined" ? "" : document.cookie);
  for (const part of cookies.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export async function readCsrfInPage(kind: CsrfKind): Promise<string | undefined> {
  return readCookie(kind === "access" ? "csrf_access_token" : "csrf_refresh_token") ?? readCsrfFromMeta(kind);
}

export const api = createClient({ onReachable: reportReachable, readCsrf: readCsrfInPage });
export { ApiError, AuthLostError, OfflineError } from "./client";
export type { AuthedFetch, Problem } from "./client";
export type { User, Role, LoginResponse } from "./types";
