// The team's trainings and a training's roll, from the server, with the last answer of each kept
// on this phone (IndexedDB meta, for this account only) so a roll opened once online opens again
// with no signal; and each 到 / 缺 as a `training.attend` op in the outbox.
import { api, ApiError } from "../../api";
import { getMeta, setMeta, uuid } from "../../data/db";
import { enqueue } from "../../data/outbox";
import { requestFlush } from "../../data/flush";
import { isOnline } from "../../shared/network";
import { ATTEND_OP, keptFor, type Kept, type Mark, type Roll, type Training } from "./model";
import type { PlanBody } from "./plan-model";

const listKey = (teamId: string) => `training_list:${teamId}`;
const rollKey = (id: string) => `training_roll:${id}`;

export type Loaded<T> =
  | { source: "server"; body: T }
  | { source: "kept"; body: T; savedAt: number }
  | { source: "none"; error?: ApiError };

async function load<T>(path: string, key: string, userId: string): Promise<Loaded<T>> {
  let refused: ApiError | undefined;
  if (isOnline()) {
    try {
      const body = await api.get<T>(path);
      await setMeta(key, { user_id: userId, saved_at: Date.now(), body } satisfies Kept<T>).catch(() => undefined);
      return { source: "server", body };
    } catch (err) {
      // A refusal (not found, forbidden) is the server's word: nothing kept is shown for it.
      if (err instanceof ApiError && err.status !== 503) refused = err;
    }
  }
  if (refused) return { source: "none", error: refused };
  const kept = await getMeta<Kept<T>>(key).catch(() => undefined);
  const body = keptFor(kept, userId);
  return body !== null && kept ? { source: "kept", body, savedAt: kept.saved_at } : { source: "none" };
}

interface Page {
  items: Training[];
}

export function loadTrainings(teamId: string, userId: string): Promise<Loaded<Page>> {
  return load<Page>(`/api/v1/teams/${encodeURIComponent(teamId)}/trainings?limit=100`, listKey(teamId), userId);
}

export function loadRoll(trainingId: string, userId: string): Promise<Loaded<Roll>> {
  return load<Roll>(`/api/v1/trainings/${encodeURIComponent(trainingId)}`, rollKey(trainingId), userId);
}

/** 到 or 缺 for one member: saved on this phone first, sent when there is signal. */
export async function mark(trainingId: string, memberId: string, status: Mark): Promise<void> {
  await enqueue({
    type: ATTEND_OP,
    data: { id: uuid(), training_id: trainingId, member_id: memberId, status, method: "roll_call" },
    entity_id: `${trainingId}:${memberId}`,
  });
  // With signal, at once; without, the outbox's own triggers ('online', back to the front) send it.
  if (isOnline()) void requestFlush();
}

/** 到 from a scanned badge: the same op as a tap, saying how the member was found. */
export async function markByBadge(trainingId: string, memberId: string): Promise<void> {
  await enqueue({
    type: ATTEND_OP,
    data: { id: uuid(), training_id: trainingId, member_id: memberId, status: "present", method: "badge" },
    entity_id: `${trainingId}:${memberId}`,
  });
  if (isOnline()) void requestFlush();
}

export interface TeamMember {
  id: string;
  display_name: string;
  username: string;
  team_role?: string | null;
}

/** The team's members for the planning form's ticks (kept for this account, like the list). */
export function loadMembers(teamId: string, userId: string): Promise<Loaded<{ items: TeamMember[] }>> {
  return load(`/api/v1/members?team_id=${encodeURIComponent(teamId)}&limit=200`, `training_members:${teamId}`, userId);
}

/** Planning and changing a training go to the server at once (there is no op for them). */
export function planTraining(teamId: string, body: PlanBody): Promise<Training> {
  return api.post<Training>(`/api/v1/teams/${encodeURIComponent(teamId)}/trainings`, body);
}

export function updateTraining(id: string, body: PlanBody): Promise<Training> {
  return api.request<Training>("PATCH", `/api/v1/trainings/${encodeURIComponent(id)}`, body);
}

export function cancelTraining(id: string): Promise<Training> {
  return api.post<Training>(`/api/v1/trainings/${encodeURIComponent(id)}/cancel`, {});
}

/** The team's trainings as the server has them now (to find a create whose answer was lost). */
export async function serverTrainings(teamId: string): Promise<Training[]> {
  const page = await api.get<Page>(`/api/v1/teams/${encodeURIComponent(teamId)}/trainings?limit=100`);
  return page.items ?? [];
}

export interface Badge {
  member_id: string;
  display_name: string;
  team_id: string;
  code: string;
  /** The QR as an SVG data URI (drawn by the server, kept here for a roll with no signal). */
  qr: string;
}

/** The signed-in member's own badge, kept on this phone once shown. */
export function loadBadge(userId: string): Promise<Loaded<Badge>> {
  return load<Badge>("/api/v1/me/badge", `training_badge:${userId}`, userId);
}
