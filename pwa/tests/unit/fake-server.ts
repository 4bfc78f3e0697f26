// A stand-in for the server's sync door, media door and refresh, enough to drive the engine:
// it keeps a ledger by op_id (so a resend is a duplicate), records every request in order, and
// lets a test decide per op whether to refuse it, or make the network or the session fail.
import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { resetDbForTests, setMeta } from "../../src/data/db";
import { createClient } from "../../src/api/client";

export const P = "https://emergency-field.example/problems/";

export interface Req {
  method: string;
  path: string;
  headers: Headers;
  body?: unknown;
}

type SentOp = { op_id: string; type: string; at: string; data: Record<string, unknown> };

export function freshDb(): void {
  (globalThis as { indexedDB: IDBFactory }).indexedDB = new IDBFactory();
  resetDbForTests();
}

export async function signIn(userId = "u-1"): Promise<void> {
  await setMeta("user_id", userId);
  await setMeta("csrf_access", "csrf-A1");
  await setMeta("csrf_refresh", "csrf-R1");
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

export function fakeServer() {
  const requests: Req[] = [];
  const ledger = new Map<string, { status: string; error?: unknown; entity?: unknown }>();
  const media = new Map<string, number>();
  const state = {
    offline: false,
    /** 401 on the next API call (access token expired while offline). */
    accessExpired: false,
    /** The refresh token is dead too: refresh answers 401. */
    sessionDead: false,
    /** Answer every POST /sync with this status (e.g. 503). */
    syncStatus: 200,
    /** Refuse an op: return a problem, or null to apply it. */
    refuse: (_op: SentOp): Record<string, unknown> | null => null,
    /** Answer a batch as a whole with 400 when it contains an op this returns true for. */
    malformed: (_op: SentOp): boolean => false,
    mediaStatus: 201,
    /** What an applied op answers as its entity (a report by default; a receipt for shelter ops). */
    entity: (op: SentOp): Record<string, unknown> => ({ ...op.data, id: op.data.id, status: "reported", server: true }),
    changes: [] as { seq: number; entity: string; id: string; op: string; data: Record<string, unknown> }[],
    csrf: 1,
  };

  async function handle(path: string, init: RequestInit): Promise<Response> {
    const method = init.method ?? "GET";
    const headers = new Headers(init.headers);
    let body: unknown;
    if (typeof init.body === "string") body = JSON.parse(init.body);
    else if (init.body instanceof Blob) body = init.body;
    requests.push({ method, path, headers, body });
    if (state.offline) throw new TypeError("Failed to fetch");

    if (path === "/api/v1/auth/refresh") {
      if (state.sessionDead || headers.get("X-CSRF-TOKEN") !== `csrf-R${state.csrf}`) {
        return json(401, { type: P + "token-revoked", title: "Session ended", status: 401 });
      }
      state.csrf += 1;
      state.accessExpired = false;
      return json(200, {
        access_token: "never-store-me",
        refresh_token: "never-store-me-either",
        csrf_access_token: `csrf-A${state.csrf}`,
        csrf_refresh_token: `csrf-R${state.csrf}`,
        user: { id: "u-1" },
      });
    }
    if (state.accessExpired) return json(401, { type: P + "token-expired", title: "Token expired", status: 401 });
    if (method !== "GET" && headers.get("X-CSRF-TOKEN") !== `csrf-A${state.csrf}`) {
      return json(401, { type: P + "csrf", title: "Not logged in", status: 401 });
    }

    if (path.startsWith("/api/v1/media/") && method === "PUT") {
      if (state.mediaStatus >= 400) return json(state.mediaStatus, { type: P + "unsupported-media-type", title: "Not an image", status: state.mediaStatus, detail: "Not an image." });
      const id = path.slice("/api/v1/media/".length);
      const had = media.has(id);
      media.set(id, (body as Blob).size);
      return json(had ? 200 : 201, { id });
    }
    if (path === "/api/v1/sync" && method === "POST") {
      if (state.syncStatus !== 200) return json(state.syncStatus, { type: P + "unavailable", title: "Unavailable", status: state.syncStatus }, { "Retry-After": "7" });
      const ops = (body as { ops: SentOp[] }).ops;
      if (ops.some((op) => state.malformed(op))) return json(400, { type: P + "bad-request", title: "Bad request", status: 400 });
      const results = ops.map((op) => {
        const seen = ledger.get(op.op_id);
        if (seen) return { op_id: op.op_id, ...seen, status: "duplicate" };
        const problem = state.refuse(op);
        const outcome = problem
          ? { status: "rejected", error: problem }
          : { status: "applied", entity: state.entity(op) };
        ledger.set(op.op_id, outcome);
        return { op_id: op.op_id, ...outcome };
      });
      return json(200, { results, cursor: "c-x" });
    }
    if (path.startsWith("/api/v1/sync") && method === "GET") {
      const cursor = Number(new URL(path, "http://x").searchParams.get("cursor") ?? 0);
      const changes = state.changes.filter((c) => c.seq > cursor);
      const last = changes.length ? changes[changes.length - 1].seq : cursor;
      return json(200, { changes, cursor: String(last), has_more: false });
    }
    return json(404, { type: P + "not-found", title: "Not found", status: 404 });
  }

  const rawFetch = (input: RequestInfo | URL, init?: RequestInit) => handle(String(input), init ?? {});
  const transport = createClient({ fetch: rawFetch as typeof fetch }).fetch;
  const posts = () => requests.filter((r) => r.method === "POST" && r.path === "/api/v1/sync");
  const sentOps = () => posts().flatMap((r) => (r.body as { ops: SentOp[] }).ops);
  return { state, requests, ledger, media, transport, posts, sentOps };
}
