// The one map's data: GET /api/v1/map when the server can be reached, and the last answer kept on
// this phone (a "desk_map" entry in the meta store, tagged with the account it was fetched for)
// so that with no signal the desk still sees the last picture, marked with its time.
import { api, ApiError } from "../../api";
import { getMeta, setMeta } from "../../data/db";
import { readAnswer, type MapAnswer } from "./map-model";

export const MAP_PATH = "/api/v1/map";
export const KEPT_KEY = "desk_map";

export interface KeptMap {
  user_id: string;
  /** When this phone received it (the answer's own generated_at is the server's time). */
  saved_at: string;
  answer: MapAnswer;
}

export type Failure = "offline" | "forbidden" | "failed";

export type MapFetch = { ok: true; answer: MapAnswer } | { ok: false; failure: Failure; error: unknown };

/** The last answer kept for this account, or null (none yet, another account's, unreadable). */
export async function keptMap(userId: string): Promise<KeptMap | null> {
  try {
    const kept = await getMeta<KeptMap>(KEPT_KEY);
    if (!kept || kept.user_id !== userId || !kept.answer) return null;
    return { user_id: kept.user_id, saved_at: kept.saved_at, answer: readAnswer(kept.answer) };
  } catch {
    return null;
  }
}

/** Keeps an answer for offline use; a full or blocked store only means no offline copy. */
export async function keepMap(userId: string, answer: MapAnswer, now: Date = new Date()): Promise<void> {
  const entry: KeptMap = { user_id: userId, saved_at: now.toISOString(), answer };
  await setMeta(KEPT_KEY, entry).catch(() => undefined);
}

/** Why a fetch failed, in the three ways the screen words it. */
export function failureOf(err: unknown): Failure {
  if (err instanceof ApiError) return err.status === 403 ? "forbidden" : "failed";
  return "offline";
}

/** Asks the server; a good answer is kept for this account before it is returned. */
export async function fetchMap(userId: string | null): Promise<MapFetch> {
  try {
    const answer = readAnswer(await api.get<unknown>(MAP_PATH));
    if (userId) await keepMap(userId, answer);
    return { ok: true, answer };
  } catch (error) {
    return { ok: false, failure: failureOf(error), error };
  }
}
